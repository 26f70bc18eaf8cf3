"""`keras.callbacks`: objects called by `fit`/`evaluate`/`predict` at each stage of the loops.

The base ones live in base.py; other callbacks (EarlyStopping, ModelCheckpoint, ...) live in
their own files of this package and are re-exported here.
"""

# ruff: noqa: F401
from graphflow.keras.callbacks.base import BaseLogger, Callback, CallbackList, History, ProgbarLogger
