"""`tf.train`: optimizers and training utilities."""

# ruff: noqa: F401
from .adadelta import AdadeltaOptimizer
from .adagrad import AdagradOptimizer
from .adam import AdamOptimizer
from .adamax import AdaMaxOptimizer
from .adamw import AdamWOptimizer
from .gradient_descent import GradientDescentOptimizer
from .learning_rate_decay import (
    cosine_decay,
    cosine_decay_restarts,
    exponential_decay,
    inverse_time_decay,
    linear_warmup,
    natural_exp_decay,
    piecewise_constant,
    polynomial_decay,
)
from .lookahead import LookaheadOptimizer
from .momentum import MomentumOptimizer
from .nadam import NadamOptimizer
from .optimizer import Optimizer
from .radam import RAdamOptimizer
from .ranger import RangerOptimizer
from .rmsprop import RMSPropOptimizer
from .training_util import create_global_step, get_global_step, get_or_create_global_step
