"""`keras.callbacks`: objects called by `fit`/`evaluate`/`predict` at each stage of the loops.

The base ones live in base.py; other callbacks (EarlyStopping, ModelCheckpoint, ...) live in
their own files of this package and are re-exported here.
"""

# ruff: noqa: F401
from graphflow.keras.callbacks.base import BaseLogger, Callback, CallbackList, History, ProgbarLogger
from graphflow.keras.callbacks.csv_logger import CSVLogger
from graphflow.keras.callbacks.early_stopping import EarlyStopping
from graphflow.keras.callbacks.lr_scheduler import LearningRateScheduler
from graphflow.keras.callbacks.model_checkpoint import ModelCheckpoint
from graphflow.keras.callbacks.reduce_lr import ReduceLROnPlateau
from graphflow.keras.callbacks.remote_monitor import RemoteMonitor
from graphflow.keras.callbacks.simple import LambdaCallback, TerminateOnNaN
from graphflow.keras.callbacks.tensorboard import TensorBoard
