"""The callbacks base of `keras.callbacks`: `Callback`, `CallbackList`, `BaseLogger`, `History`,
`ProgbarLogger`, with Keras 2's hooks and the TF1-mode fit loop's logs.

The fit loop (keras/engine/training_arrays.py) calls a `CallbackList`; the batch logs carry
`batch`, `size` and the model's `metrics_names` values. `BaseLogger` turns them into epoch
averages (loss weighted by batch size; stateful metrics taken as their last value), `History`
records the epoch logs, `ProgbarLogger` prints them.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from graphflow.keras.utils.progbar import Progbar

_MODES = ("train", "test", "predict")


class Callback:
    """Base class of callbacks: every hook does nothing.

    Attributes:
        model: the model being trained (set by `set_model`).
        params: the loop's parameters (`batch_size`, `epochs`, `steps`, `samples`, `verbose`,
            `do_validation`, `metrics`), set by `set_params`.
        validation_data: the validation arrays of `fit` when it has any (else None).
    """

    def __init__(self) -> None:
        self.validation_data: Any = None
        self.model: Any = None
        self.params: dict[str, Any] = {}

    def set_params(self, params: dict[str, Any]) -> None:
        """Stores the loop's parameters in `self.params`."""
        self.params = params

    def set_model(self, model: Any) -> None:
        """Stores the model in `self.model`."""
        self.model = model

    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Alias of `on_train_batch_begin` (Keras 2 keeps both)."""

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Alias of `on_train_batch_end`."""

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the start of each training epoch (`epoch` counts from 0)."""

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the end of an epoch; `logs` holds the epoch's metrics and `val_` ones."""

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before each training batch; by default calls `on_batch_begin`."""
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after each training batch; by default calls `on_batch_end`."""
        self.on_batch_end(batch, logs)

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before each batch of `evaluate` (and of fit's validation)."""

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after each batch of `evaluate` (and of fit's validation)."""

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before each batch of `predict`."""

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after each batch of `predict`."""

    def on_train_begin(self, logs: dict | None = None) -> None:
        """Called once when `fit` starts."""

    def on_train_end(self, logs: dict | None = None) -> None:
        """Called once when `fit` ends."""

    def on_test_begin(self, logs: dict | None = None) -> None:
        """Called when `evaluate` (or a validation pass) starts."""

    def on_test_end(self, logs: dict | None = None) -> None:
        """Called when `evaluate` (or a validation pass) ends."""

    def on_predict_begin(self, logs: dict | None = None) -> None:
        """Called when `predict` starts."""

    def on_predict_end(self, logs: dict | None = None) -> None:
        """Called when `predict` ends."""


class CallbackList:
    """A list of callbacks called together, as Keras 2's `CallbackList`.

    Args:
        callbacks: the callbacks (None for none).
        add_history: append a `History` (made the model's `history`) unless one is there.
        add_progbar: append a `ProgbarLogger(count_mode='steps')` unless one is there.
        model: the model given to every callback.
        **params: the parameters given to every callback (`set_params`).
    """

    def __init__(self, callbacks: Iterable[Callback] | None = None, add_history: bool = False,
                 add_progbar: bool = False, model: Any = None, **params: Any) -> None:
        self.callbacks: list[Callback] = list(callbacks) if callbacks else []
        self.model = None
        self.params: dict[str, Any] = {}
        if add_history and not any(isinstance(c, History) for c in self.callbacks):
            history = History()
            self.callbacks.append(history)
            if model is not None:
                model.history = history
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.append(ProgbarLogger(count_mode="steps"))
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def append(self, callback: Callback) -> None:
        """Adds a callback at the end."""
        self.callbacks.append(callback)

    def set_params(self, params: dict[str, Any]) -> None:
        """Gives `params` to every callback."""
        self.params = params
        for callback in self.callbacks:
            callback.set_params(params)

    def set_model(self, model: Any) -> None:
        """Gives `model` to every callback."""
        self.model = model
        for callback in self.callbacks:
            callback.set_model(model)

    def __iter__(self) -> Iterator[Callback]:
        return iter(self.callbacks)

    def _call(self, hook: str, *args: Any, logs: dict | None = None) -> None:
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            # positional, as Keras 2's CallbackList: LambdaCallback functions are often written
            # `def on_epoch_end(epoch, _)`
            getattr(callback, hook)(*args, logs)

    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Calls every callback's `on_train_batch_begin`."""
        self._call("on_train_batch_begin", batch, logs=logs)

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Calls every callback's `on_train_batch_end`."""
        self._call("on_train_batch_end", batch, logs=logs)

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Calls every callback's `on_epoch_begin`."""
        self._call("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Calls every callback's `on_epoch_end` (each sees the others' additions to `logs`)."""
        self._call("on_epoch_end", epoch, logs=logs)

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Calls every callback's `on_train_batch_begin`."""
        self._call("on_train_batch_begin", batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Calls every callback's `on_train_batch_end`."""
        self._call("on_train_batch_end", batch, logs=logs)

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Calls every callback's `on_test_batch_begin`."""
        self._call("on_test_batch_begin", batch, logs=logs)

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Calls every callback's `on_test_batch_end`."""
        self._call("on_test_batch_end", batch, logs=logs)

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Calls every callback's `on_predict_batch_begin`."""
        self._call("on_predict_batch_begin", batch, logs=logs)

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Calls every callback's `on_predict_batch_end`."""
        self._call("on_predict_batch_end", batch, logs=logs)

    def on_train_begin(self, logs: dict | None = None) -> None:
        """Calls every callback's `on_train_begin`."""
        self._call("on_train_begin", logs=logs)

    def on_train_end(self, logs: dict | None = None) -> None:
        """Calls every callback's `on_train_end`."""
        self._call("on_train_end", logs=logs)

    def on_test_begin(self, logs: dict | None = None) -> None:
        """Calls every callback's `on_test_begin`."""
        self._call("on_test_begin", logs=logs)

    def on_test_end(self, logs: dict | None = None) -> None:
        """Calls every callback's `on_test_end`."""
        self._call("on_test_end", logs=logs)

    def on_predict_begin(self, logs: dict | None = None) -> None:
        """Calls every callback's `on_predict_begin`."""
        self._call("on_predict_begin", logs=logs)

    def on_predict_end(self, logs: dict | None = None) -> None:
        """Calls every callback's `on_predict_end`."""
        self._call("on_predict_end", logs=logs)


class BaseLogger(Callback):
    """Accumulates epoch averages of the batch logs into the epoch logs (added by `fit`).

    Args:
        stateful_metrics: names logged as their last batch value rather than averaged
            (`fit` sets the model's metrics here: they already hold the running epoch mean).
    """

    def __init__(self, stateful_metrics: Iterable[str] | None = None) -> None:
        super().__init__()
        self.stateful_metrics = set(stateful_metrics or ())
        self.seen = 0
        self.totals: dict[str, Any] = {}

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.seen = 0
        self.totals = {}

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        size = logs.get("size", 0)
        self.seen += size * logs.get("num_steps", 1)
        for key, value in logs.items():
            if key in self.stateful_metrics:
                self.totals[key] = value
            else:
                self.totals[key] = self.totals.get(key, 0) + value * size

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is None:
            return
        for key in self.params.get("metrics", ()):
            if key in self.totals:
                logs[key] = self.totals[key] if key in self.stateful_metrics \
                    else self.totals[key] / self.seen


class History(Callback):
    """Records each epoch's logs: `history` maps a key to its list of values, `epoch` lists the
    epoch indices. `fit` returns it (also `model.history`)."""

    def __init__(self) -> None:
        super().__init__()
        self.epoch: list[int] = []
        self.history: dict[str, list[Any]] = {}

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self


class ProgbarLogger(Callback):
    """Prints the progress and metrics of `fit` (added by `fit` when verbose is not 0).

    Args:
        count_mode: `'samples'` (the bar counts samples) or `'steps'` (batches).
        stateful_metrics: names displayed as given rather than averaged.

    Raises:
        ValueError: for another `count_mode`.
    """

    def __init__(self, count_mode: str = "samples", stateful_metrics: Iterable[str] | None = None) -> None:
        super().__init__()
        if count_mode not in ("samples", "steps"):
            raise ValueError(f"Unknown `count_mode`: {count_mode}. "
                             'Expected values are ["samples", "steps"]')
        self.use_steps = count_mode == "steps"
        self.stateful_metrics = set(stateful_metrics or ())
        self.seen = 0
        self.progbar: Progbar | None = None
        self.target: int | None = None
        self.verbose = 1
        self.epochs = 1
        self._in_fit = False

    def set_params(self, params: dict[str, Any]) -> None:
        super().set_params(params)
        self.verbose = params.get("verbose", 1)
        self.epochs = params.get("epochs", 1)
        key = "steps" if self.use_steps else "samples"
        self.target = params.get(key)

    def _new_bar(self) -> None:
        self.seen = 0
        self.progbar = Progbar(target=self.target, verbose=self.verbose,
                               stateful_metrics=self.stateful_metrics,
                               unit_name="step" if self.use_steps else "sample")

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._in_fit = True

    def on_train_end(self, logs: dict | None = None) -> None:
        self._in_fit = False

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._new_bar()
        if self.verbose and self.epochs > 1:
            sys.stdout.write(f"Epoch {epoch + 1}/{self.epochs}\n")

    def on_test_begin(self, logs: dict | None = None) -> None:
        if not self._in_fit:
            self._new_bar()

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._new_bar()

    def _batch_update(self, batch: int, logs: dict | None) -> None:
        logs = copy.copy(logs or {})
        if self.progbar is None:
            self._new_bar()
        size = logs.pop("size", 0)
        num_steps = logs.pop("num_steps", 1)
        logs.pop("batch", None)
        if self.use_steps:
            self.seen = batch + 1
        else:
            self.seen += size * num_steps
        if self.verbose == 1:
            self.progbar.update(self.seen, list(logs.items()), finalize=False)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._batch_update(batch, logs)

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if not self._in_fit:
            self._batch_update(batch, logs)

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._batch_update(batch, None)

    def _finalize(self, logs: dict | None) -> None:
        if self.progbar is None:
            return
        if self.target is None:
            self.target = self.seen
            self.progbar.target = self.seen
        values = [(k, v) for k, v in (logs or {}).items() if k not in ("batch", "size", "num_steps")]
        self.progbar.update(self.target, values, finalize=True)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._finalize(logs)

    def on_test_end(self, logs: dict | None = None) -> None:
        if not self._in_fit:
            self._finalize(logs)

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._finalize(logs)
