"""`LearningRateScheduler`: set the learning rate from a schedule at each epoch's start."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from graphflow.keras.callbacks._io import print_msg
from graphflow.keras.callbacks._lr import get_lr, lr_value, set_lr
from graphflow.keras.callbacks.base import Callback


class LearningRateScheduler(Callback):
    """Sets `model.optimizer.lr` to `schedule(epoch, lr)` (or `schedule(epoch)`) at each epoch.

    Args:
        schedule: a function of the 0-based epoch and the current rate returning the new rate
            as a float; Keras 2's older one-argument form `schedule(epoch)` is accepted too (it
            is called when the two-argument call raises TypeError, as Keras 2 does).
        verbose: 1 prints each new rate.

    Raises:
        ValueError (at an epoch's start): when the optimizer has no `lr`, or the schedule
            returns something other than a float (Keras 2's messages).
    """

    def __init__(self, schedule: Callable[..., Any], verbose: int = 0) -> None:
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        current = get_lr(self.model)
        try:
            lr = self.schedule(epoch, current)
        except TypeError:  # the one-argument schedule of older Keras
            lr = self.schedule(epoch)
        if not isinstance(lr, (float, np.float32, np.float64)):
            raise ValueError('The output of the "schedule" function should be float.')
        set_lr(self.model, float(lr))
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1:05d}: LearningRateScheduler reducing learning rate to {lr}.")

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["lr"] = lr_value(self.model)
