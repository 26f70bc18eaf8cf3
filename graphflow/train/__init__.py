"""`tf.train`: optimizers, learning-rate schedules, Saver and checkpoint utilities."""

# ruff: noqa: F401
from .gradient_descent import GradientDescentOptimizer
from .optimizer import Optimizer
from .training_util import create_global_step, get_global_step, get_or_create_global_step
