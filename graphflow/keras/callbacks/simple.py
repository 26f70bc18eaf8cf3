"""Two small callbacks: `TerminateOnNaN` and `LambdaCallback`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from graphflow.keras.callbacks._io import print_msg
from graphflow.keras.callbacks.base import Callback


class TerminateOnNaN(Callback):
    """Stops training at the first batch whose loss is NaN or infinite (Keras 2 prints
    `Batch N: Invalid loss, terminating training`)."""

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and (np.isnan(loss) or np.isinf(loss)):
            print_msg(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


class LambdaCallback(Callback):
    """A callback made of plain functions.

    Args:
        on_epoch_begin, on_epoch_end: functions of `(epoch, logs)`.
        on_batch_begin, on_batch_end: functions of `(batch, logs)`.
        on_train_begin, on_train_end: functions of `(logs)`.
        **kwargs: further attributes set on the callback (Keras 2 allows any hook name here,
            e.g. `on_test_end=...`).
    """

    def __init__(self, on_epoch_begin: Callable | None = None, on_epoch_end: Callable | None = None,
                 on_batch_begin: Callable | None = None, on_batch_end: Callable | None = None,
                 on_train_begin: Callable | None = None, on_train_end: Callable | None = None,
                 **kwargs: Any) -> None:
        super().__init__()
        self.__dict__.update(kwargs)
        hooks = {"on_epoch_begin": on_epoch_begin, "on_epoch_end": on_epoch_end,
                 "on_batch_begin": on_batch_begin, "on_batch_end": on_batch_end,
                 "on_train_begin": on_train_begin, "on_train_end": on_train_end}
        for name, function in hooks.items():
            if function is not None:
                setattr(self, name, function)
