"""`EarlyStopping`: stop `fit` when a monitored quantity has stopped improving.

Keras 2 semantics (tf.keras of TF 1.15): `best` starts at `baseline` (or the worst value); an
epoch improves when `monitor_op(current - min_delta, best)`, with `min_delta`'s sign set so that
an improvement must beat `best` by at least `|min_delta|`; otherwise `wait` grows and training
stops once `wait >= patience`. With `restore_best_weights`, the weights of the best epoch are
restored only when the callback stops training (Keras 2; Keras 3 also restores when `fit` runs
to its last epoch).
"""

from __future__ import annotations

import logging
from typing import Any

from graphflow.keras.callbacks._io import print_msg
from graphflow.keras.callbacks._monitor import available, comparison, resolve_mode, worst_value
from graphflow.keras.callbacks.base import Callback

_log = logging.getLogger("graphflow.keras")


class EarlyStopping(Callback):
    """Stops training when `monitor` has not improved for `patience` epochs.

    Args:
        monitor: the `logs` key to watch, e.g. `'val_loss'` or `'acc'`.
        min_delta: the smallest change that counts as an improvement (its sign is ignored).
        patience: epochs without improvement after which training stops.
        verbose: 1 prints the epoch at which training stopped.
        mode: `'auto'` (maximize names containing `acc`, minimize the rest: Keras 2's
            EarlyStopping, unlike its ModelCheckpoint, has no `fmeasure` rule), `'min'` or `'max'`.
        baseline: a value the quantity must beat; until it does, no epoch counts as an
            improvement.
        restore_best_weights: when stopping, set the model's weights back to those of the best
            epoch.

    Attributes:
        stopped_epoch: the 0-based epoch at which training was stopped (0 when it was not).
        best: the best value seen so far.
        wait: epochs since the last improvement.
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0, patience: int = 0,
                 verbose: int = 0, mode: str = "auto", baseline: float | None = None,
                 restore_best_weights: bool = False) -> None:
        super().__init__()
        self.monitor = monitor
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.min_delta = abs(min_delta)
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights: list[Any] | None = None
        direction = resolve_mode(mode, monitor, "EarlyStopping", fmeasure=False)
        self.monitor_op = comparison(direction)
        self._direction = direction
        # improvement means current - min_delta beats best: a negative delta when minimizing
        self.min_delta = self.min_delta if direction == "max" else -self.min_delta
        self.best = worst_value(direction)

    def on_train_begin(self, logs: dict | None = None) -> None:
        # instances may be reused across fit calls
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights = None
        self.best = self.baseline if self.baseline is not None else worst_value(self._direction)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        current = self.get_monitor_value(logs)
        if current is None:
            return
        if self.monitor_op(current - self.min_delta, self.best):
            self.best = current
            self.wait = 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            # Keras 2 restores at the stop only; with no improvement ever recorded (a baseline
            # never beaten) there is nothing to restore
            if self.restore_best_weights and self.best_weights is not None:
                if self.verbose > 0:
                    print_msg("Restoring model weights from the end of the best epoch.")
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print_msg(f"Epoch {self.stopped_epoch + 1:05d}: early stopping")

    def get_monitor_value(self, logs: dict | None) -> Any:
        """The monitored value in `logs`, or None with Keras 2's warning when it is missing."""
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            _log.warning("Early stopping conditioned on metric `%s` which is not available. "
                         "Available metrics are: %s", self.monitor, available(logs))
        return value
