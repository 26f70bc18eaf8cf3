"""`tf.train`: optimizers and training utilities."""

# ruff: noqa: F401
from .adadelta import AdadeltaOptimizer
from .adagrad import AdagradOptimizer
from .adam import AdamOptimizer
from .adamax import AdaMaxOptimizer
from .adamw import AdamWOptimizer
from .checkpoint_format import CheckpointReader, NewCheckpointReader, checkpoint_exists
from .checkpoint_state import (
    CheckpointState,
    get_checkpoint_state,
    latest_checkpoint,
    update_checkpoint_state,
)
from .checkpoint_utils import list_variables, load_checkpoint, load_variable
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
from .learning_rate_decay import piecewise_constant as piecewise_constant_decay
from .lookahead import LookaheadOptimizer
from .meta_graph import export_meta_graph, import_meta_graph, write_graph
from .momentum import MomentumOptimizer
from .moving_averages import ExponentialMovingAverage
from .nadam import NadamOptimizer
from .optimizer import Optimizer
from .radam import RAdamOptimizer
from .ranger import RangerOptimizer
from .rmsprop import RMSPropOptimizer
from .saver import Saver
from .training_util import create_global_step, get_global_step, get_or_create_global_step, global_step

# monitored training
# isort: split
from . import progress  # graphflow's progress bar: tf.train.progress.progress(...)
from .basic_session_run_hooks import (
    CheckpointSaverHook,
    CheckpointSaverListener,
    FeedFnHook,
    FinalOpsHook,
    GlobalStepWaiterHook,
    LoggingTensorHook,
    NanLossDuringTrainingError,
    NanTensorHook,
    StopAtStepHook,
)
from .coordinator import Coordinator, LooperThread
from .monitored_session import MonitoredSession, MonitoredTrainingSession, SingularMonitoredSession
from .profiler_hook import ProfilerHook
from .scaffold import Scaffold
from .session_creators import ChiefSessionCreator, SessionCreator, WorkerSessionCreator
from .session_run_hook import (
    SecondOrStepTimer,
    SessionRunArgs,
    SessionRunContext,
    SessionRunHook,
    SessionRunValues,
)
from .summary_hooks import StepCounterHook, SummarySaverHook
