"""`fit_generator`/`evaluate_generator`/`predict_generator`: the loops over batches drawn from a
Python generator or a `keras.utils.Sequence` (each batch `(x, y)` or `(x, y, sample_weight)`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from graphflow.keras.engine import training_arrays
from graphflow.keras.utils.data_utils import Sequence


def is_generator_like(data: Any) -> bool:
    """Whether `data` is a generator, an iterator or a Sequence (not an array or list)."""
    return isinstance(data, Sequence) or hasattr(data, "__next__")


class _Batches:
    """Draws batches from a Sequence (in shuffled order per epoch when asked) or a generator."""

    def __init__(self, source: Any, shuffle: bool) -> None:
        self.source, self.shuffle = source, shuffle
        self._order: list[int] = []
        self._position = 0

    def steps(self, steps: int | None, what: str) -> int:
        if steps is not None:
            return steps
        if isinstance(self.source, Sequence):
            return len(self.source)
        raise ValueError(f"`{what}=None` is only valid for a generator based on the `keras.utils.Sequence` "
                         f"class. Please specify `{what}` or use the `keras.utils.Sequence` class.")

    def next(self) -> Any:
        if isinstance(self.source, Sequence):
            if self._position >= len(self._order):
                self._order = list(np.random.permutation(len(self.source))) if self.shuffle \
                    else list(range(len(self.source)))  # noqa: NPY002
                self._position = 0
            item = self.source[int(self._order[self._position])]
            self._position += 1
            return item
        return next(self.source)

    def epoch_end(self) -> None:
        if isinstance(self.source, Sequence):
            self.source.on_epoch_end()


def _split(item: Any) -> tuple[Any, Any, Any]:
    if not isinstance(item, tuple) or len(item) not in (2, 3):
        raise ValueError(f"Output of generator should be a tuple `(x, y, sample_weight)` or `(x, y)`. "
                         f"Found: {item}")
    return item[0], item[1], item[2] if len(item) == 3 else None


def fit_generator(model: Any, generator: Any, steps_per_epoch: int | None, epochs: int, verbose: int,
                  callbacks: Any, validation_data: Any, validation_steps: int | None, validation_freq: Any,
                  class_weight: Any, shuffle: bool, initial_epoch: int) -> Any:
    """Trains on `steps_per_epoch` generator batches per epoch (see `Model.fit`)."""
    batches = _Batches(generator, shuffle)
    steps = batches.steps(steps_per_epoch, "steps_per_epoch")
    first = _split(batches.next())
    pending = [first]
    model._ensure_built(first[0])
    step = model._runner("train")
    validation = None
    model._validation_count = None
    if validation_data is not None:
        if is_generator_like(validation_data):
            def validation(callback_list: Any) -> list[float]:
                return evaluate_generator(model, validation_data, validation_steps, 0, callback_list,
                                          as_list=True)
        else:
            vx, vy, vsw = _split(tuple(validation_data))
            val_ins, val_count = model._standardize(vx, vy, vsw)
            test_step = model._runner("test")

            def validation(callback_list: Any) -> list[float]:
                return training_arrays.test_loop(model, test_step, val_ins, val_count, 32,
                                                 callbacks=callback_list)
    model._validation_arrays = None

    def draw(_: Any) -> list[Any]:
        item = pending.pop() if pending else _split(batches.next())
        ins, _count = model._standardize(item[0], item[1], item[2], class_weight)
        return step(ins)

    def epoch_hook() -> None:
        batches.epoch_end()

    return _generator_fit_loop(model, draw, steps, epochs, verbose, callbacks, validation, initial_epoch,
                               validation_freq, epoch_hook)


def _generator_fit_loop(model: Any, draw: Any, steps: int, epochs: int, verbose: int, callbacks: Any,
                        validation: Any, initial_epoch: int, validation_freq: Any, epoch_hook: Any) -> Any:
    names = model.metrics_names
    do_validation = validation is not None
    params = {"batch_size": None, "epochs": epochs, "steps": steps, "samples": None, "verbose": verbose,
              "do_validation": do_validation,
              "metrics": list(names) + ([f"val_{n}" for n in names] if do_validation else [])}
    callback_list = training_arrays.configure_callbacks(model, callbacks, verbose, "steps", params, train=True)
    callback_list.on_train_begin()
    for epoch in range(initial_epoch, epochs):
        model.reset_metrics()
        epoch_logs: dict[str, Any] = {}
        callback_list.on_epoch_begin(epoch, epoch_logs)
        for batch_index in range(steps):
            logs: dict[str, Any] = {"batch": batch_index, "size": 1}
            callback_list.on_batch_begin(batch_index, logs)
            outs = [float(v) for v in draw(None)]  # Python floats in the logs and History, as fit's
            logs.update(zip(names, outs))
            callback_list.on_batch_end(batch_index, logs)
            if model.stop_training:
                break
        epoch_hook()
        if training_arrays.end_epoch(model, callback_list, epoch, epoch_logs, names, validation,
                                     validation_freq):
            break
    callback_list.on_train_end()
    return model.history


def evaluate_generator(model: Any, generator: Any, steps: int | None, verbose: int, callbacks: Any,
                       as_list: bool = False) -> Any:
    """The loss (averaged over samples) and metrics over `steps` generator batches."""
    batches = _Batches(generator, False)
    steps = batches.steps(steps, "steps")
    collected: list[list[np.ndarray]] = []
    for _ in range(steps):
        x, y, sw = _split(batches.next())
        ins, _count = model._standardize(x, y, sw)
        collected.append(ins)
    arrays = [np.concatenate([c[i] for c in collected]) for i in range(len(collected[0]))]
    sizes = [c[0].shape[0] for c in collected]
    # Same batches as drawn: one test step per generator batch.
    step = model._runner("test")
    ranges = np.cumsum([0] + sizes)
    model.reset_metrics()
    total, last = 0.0, []
    for start, end in zip(ranges[:-1], ranges[1:]):
        last = step([a[start:end] for a in arrays])
        total += float(last[0]) * (end - start)
    results = [np.float32(total / max(1, int(ranges[-1])))] + [np.float32(v) for v in last[1:]]
    if as_list:
        return results
    return results[0] if len(results) == 1 else results


def predict_generator(model: Any, generator: Any, steps: int | None, verbose: int, callbacks: Any) -> Any:
    """The outputs for `steps` generator batches, concatenated."""
    batches = _Batches(generator, False)
    steps = batches.steps(steps, "steps")
    chunks = []
    for _ in range(steps):
        item = batches.next()
        x = item[0] if isinstance(item, tuple) else item
        chunks.append(model.predict_on_batch(x))
    if isinstance(chunks[0], list):
        return [np.concatenate([c[i] for c in chunks]) for i in range(len(chunks[0]))]
    return np.concatenate(chunks)
