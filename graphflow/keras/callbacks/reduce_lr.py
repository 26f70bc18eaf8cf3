"""`ReduceLROnPlateau`: divide the learning rate when a metric stops improving.

Keras 2 semantics (tf.keras of TF 1.15): each epoch end first records `logs['lr']`; while in
cooldown the cooldown counter decreases and `wait` is reset; an improvement (beating `best` by
more than `min_delta`) resets `wait`; otherwise, outside cooldown, `wait` grows and at
`wait >= patience` the rate becomes `max(lr * factor, min_lr)` (only while `lr > min_lr`), a
cooldown of `cooldown` epochs starts and `wait` restarts.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from graphflow.keras.callbacks._io import print_msg
from graphflow.keras.callbacks._lr import get_lr, lr_value, set_lr
from graphflow.keras.callbacks._monitor import MODES, available
from graphflow.keras.callbacks.base import Callback

_log = logging.getLogger("graphflow.keras")


class ReduceLROnPlateau(Callback):
    """Multiplies the learning rate by `factor` after `patience` epochs without improvement.

    Args:
        monitor: the `logs` key to watch.
        factor: the multiplier, < 1.
        patience: epochs without improvement before the rate is reduced.
        verbose: 1 prints each reduction.
        mode: `'auto'` (maximize names containing `acc`, minimize the rest), `'min'`, `'max'`.
        min_delta: the margin by which a value must beat the best one to count as improvement.
        cooldown: epochs to wait after a reduction before counting epochs without improvement.
        min_lr: the rate is never reduced below this.
        **kwargs: `epsilon`, Keras 1's name for `min_delta` (deprecated, with Keras 2's warning).

    Raises:
        ValueError: for `factor >= 1.0`.
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10,
                 verbose: int = 0, mode: str = "auto", min_delta: float = 1e-4, cooldown: int = 0,
                 min_lr: float = 0, **kwargs: Any) -> None:
        super().__init__()
        self.monitor = monitor
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Got {factor}")
        if "epsilon" in kwargs:
            min_delta = kwargs.pop("epsilon")
            _log.warning("`epsilon` argument is deprecated and will be removed, use `min_delta` instead.")
        if kwargs:
            raise TypeError(f"ReduceLROnPlateau got unexpected keyword arguments: {sorted(kwargs)}")
        self.factor = factor
        self.min_lr = min_lr
        self.min_delta = min_delta
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0
        self.best: float = 0
        self.mode = mode
        self.monitor_op: Any = None
        self._reset()

    def _reset(self) -> None:
        """Resets wait and cooldown counters and the best value."""
        if self.mode not in MODES:
            _log.warning("Learning Rate Plateau Reducing mode %s is unknown, fallback to auto mode.",
                         self.mode)
            self.mode = "auto"
        if self.mode == "min" or (self.mode == "auto" and "acc" not in self.monitor):
            self.monitor_op = lambda a, b: np.less(a, b - self.min_delta)
            self.best = np.inf
        else:
            self.monitor_op = lambda a, b: np.greater(a, b + self.min_delta)
            self.best = -np.inf
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._reset()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs if logs is not None else {}
        logs["lr"] = lr_value(self.model)
        current = logs.get(self.monitor)
        if current is None:
            _log.warning("Reduce LR on plateau conditioned on metric `%s` which is not available. "
                         "Available metrics are: %s", self.monitor, available(logs))
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = get_lr(self.model)
                if old_lr > self.min_lr:
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    set_lr(self.model, new_lr)
                    if self.verbose > 0:
                        print_msg(f"\nEpoch {epoch + 1:05d}: ReduceLROnPlateau reducing learning rate "
                                  f"to {new_lr}.")
                    self.cooldown_counter = self.cooldown
                    self.wait = 0

    def in_cooldown(self) -> bool:
        """Whether a reduction happened less than `cooldown` epochs ago."""
        return self.cooldown_counter > 0
