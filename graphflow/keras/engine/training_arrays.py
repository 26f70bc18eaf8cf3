"""The loops of `fit`, `evaluate` and `predict` over numpy arrays (Keras 2's v1 loops): batches
sliced from the arrays (shuffled per epoch or per batch block), one `sess.run` per batch, the
callbacks called around each batch and epoch."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from graphflow.keras.callbacks.base import BaseLogger, CallbackList, History, ProgbarLogger


def batch_ranges(size: int, batch_size: int) -> list[tuple[int, int]]:
    """`[(0, batch_size), (batch_size, 2 batch_size), ...]` covering `size` samples."""
    return [(start, min(size, start + batch_size)) for start in range(0, size, batch_size)]


def batch_shuffle(index_array: np.ndarray, batch_size: int) -> np.ndarray:
    """Shuffles whole blocks of `batch_size` indices (`shuffle='batch'`), the last partial block
    kept at the end."""
    full = len(index_array) // batch_size
    head = index_array[:full * batch_size].reshape(full, batch_size)
    np.random.shuffle(head)  # noqa: NPY002  (np.random.seed makes Keras runs repeatable)
    return np.append(head.flatten(), index_array[full * batch_size:])


def configure_callbacks(model: Any, callbacks: Any, verbose: int, count_mode: str,
                        params: dict[str, Any], train: bool) -> CallbackList:
    """The callbacks of a loop: for training, BaseLogger + the user's + History (+ ProgbarLogger
    when verbose), as Keras 2; the model's metrics are the stateful ones."""
    user = list(callbacks or [])
    stateful = model.metrics_names[1:]
    if train:
        model.history = History()
        listed = [BaseLogger(stateful_metrics=stateful)] + user + [model.history]
        if verbose:
            listed.append(ProgbarLogger(count_mode, stateful_metrics=stateful))
    else:
        listed = user
        if verbose:
            listed = user + [ProgbarLogger(count_mode, stateful_metrics=stateful)]
    callback_list = CallbackList(listed)
    callback_list.set_model(model)
    callback_list.set_params(params)
    model.stop_training = False
    return callback_list


def _should_validate(validation_freq: Any, epoch: int) -> bool:
    if isinstance(validation_freq, int):
        if validation_freq < 1:
            raise ValueError("`validation_freq` can not be less than 1.")
        return (epoch + 1) % validation_freq == 0
    return epoch + 1 in validation_freq


def end_epoch(model: Any, callback_list: Any, epoch: int, epoch_logs: dict[str, Any], names: Any,
              validation: Any, validation_freq: Any) -> bool:
    """Ends a fit epoch (arrays or generator): adds `val_<name>` logs from `validation(callback_list)`
    on the epochs `validation_freq` selects, then calls `on_epoch_end`.

    Returns:
        True when a callback set `model.stop_training`.
    """
    if validation is not None and _should_validate(validation_freq, epoch):
        for name, value in zip(names, validation(callback_list)):
            epoch_logs[f"val_{name}"] = float(value)
    callback_list.on_epoch_end(epoch, epoch_logs)
    return bool(model.stop_training)


def fit_loop(model: Any, step: Any, ins: list[np.ndarray], num_samples: int, batch_size: int, epochs: int,
             verbose: int, callbacks: Any, validation: Any, shuffle: Any, initial_epoch: int,
             validation_freq: Any, steps_per_epoch: int | None = None) -> Any:
    """Trains for `epochs` epochs; `step(batch_arrays)` runs one training step and returns the
    `metrics_names` values; `validation` is None or a callable returning `val_` values.

    Returns:
        The model's `History`.
    """
    do_validation = validation is not None
    metric_names = model.metrics_names
    params = {"batch_size": batch_size, "epochs": epochs, "steps": steps_per_epoch,
              "samples": num_samples, "verbose": verbose, "do_validation": do_validation,
              "metrics": list(metric_names) + ([f"val_{n}" for n in metric_names] if do_validation else [])}
    count_mode = "steps" if steps_per_epoch else "samples"
    callback_list = configure_callbacks(model, callbacks, verbose, count_mode, params, train=True)
    if do_validation:
        for callback in callback_list:
            callback.validation_data = getattr(model, "_validation_arrays", None)
    if verbose and not steps_per_epoch:
        if do_validation and getattr(model, "_validation_count", None) is not None:
            sys.stdout.write(f"Train on {num_samples} samples, validate on {model._validation_count} samples\n")
        else:
            sys.stdout.write(f"Train on {num_samples} samples\n")
    callback_list.on_train_begin()
    index_array = np.arange(num_samples)
    for epoch in range(initial_epoch, epochs):
        model.reset_metrics()
        epoch_logs: dict[str, Any] = {}
        callback_list.on_epoch_begin(epoch, epoch_logs)
        if shuffle == "batch":
            order = batch_shuffle(index_array.copy(), batch_size)
        elif shuffle:
            order = np.random.permutation(num_samples)  # noqa: NPY002  (as Keras: np.random.seed)
        else:
            order = None
        ranges = batch_ranges(num_samples, batch_size)
        if steps_per_epoch:
            ranges = [ranges[i % len(ranges)] for i in range(steps_per_epoch)]
        loss_total, seen, last = 0.0, 0, []
        for batch_index, (start, end) in enumerate(ranges):
            if order is None:
                batch = [a[start:end] for a in ins]
            else:
                ids = order[start:end]
                batch = [a[ids] for a in ins]
            batch_logs = {"batch": batch_index, "size": end - start}
            callback_list.on_batch_begin(batch_index, batch_logs)
            outs = [float(v) for v in step(batch)]
            loss_total += outs[0] * (end - start)
            seen += end - start
            last = outs
            for name, value in zip(metric_names, outs):
                batch_logs[name] = value
            callback_list.on_batch_end(batch_index, batch_logs)
            if model.stop_training:
                break
        if seen:
            # Training values first (as Keras 2 orders the epoch logs); BaseLogger agrees.
            epoch_logs[metric_names[0]] = loss_total / seen
            epoch_logs.update(zip(metric_names[1:], last[1:]))
        if end_epoch(model, callback_list, epoch, epoch_logs, metric_names, validation, validation_freq):
            break
    callback_list.on_train_end()
    return model.history


def test_loop(model: Any, step: Any, ins: list[np.ndarray], num_samples: int, batch_size: int,
              verbose: int = 0, callbacks: Any = None, steps: int | None = None) -> list[float]:
    """Evaluates batch by batch: the loss is averaged over samples, the stateful metrics read at
    the end (Keras 2's semantics).

    Returns:
        The `metrics_names` values.
    """
    metric_names = model.metrics_names
    if isinstance(callbacks, CallbackList):
        callback_list = callbacks
    else:
        params = {"batch_size": batch_size, "epochs": 1, "steps": steps, "samples": num_samples,
                  "verbose": verbose, "do_validation": False, "metrics": list(metric_names)}
        callback_list = configure_callbacks(model, callbacks, verbose, "steps" if steps else "samples", params,
                                            train=False)
    model.reset_metrics()
    callback_list.on_test_begin()
    totals = np.zeros(1)
    last: list[Any] = []
    seen = 0
    ranges = batch_ranges(num_samples, batch_size)
    if steps:
        ranges = ranges[:steps]
    for batch_index, (start, end) in enumerate(ranges):
        batch = [a[start:end] for a in ins]
        logs = {"batch": batch_index, "size": end - start}
        callback_list.on_test_batch_begin(batch_index, logs)
        outs = step(batch)
        totals = totals + outs[0] * (end - start)
        seen += end - start
        last = outs
        for name, value in zip(metric_names, outs):
            logs[name] = value
        callback_list.on_test_batch_end(batch_index, logs)
    # float32 values, as Keras 2's evaluate returns them.
    results = [np.float32(totals[0] / max(seen, 1))] + [np.float32(v) for v in last[1:]]
    callback_list.on_test_end(dict(zip(metric_names, results)))
    return results


def predict_loop(model: Any, run: Any, ins: list[np.ndarray], num_samples: int, batch_size: int,
                 verbose: int = 0, callbacks: Any = None, steps: int | None = None) -> list[np.ndarray]:
    """Runs the outputs batch by batch and concatenates them (one array per output)."""
    params = {"batch_size": batch_size, "epochs": 1, "steps": steps, "samples": num_samples,
              "verbose": verbose}
    callback_list = CallbackList(list(callbacks or []) +
                                 ([ProgbarLogger("steps" if steps else "samples")] if verbose else []))
    callback_list.set_model(model)
    callback_list.set_params(params)
    callback_list.on_predict_begin()
    chunks: list[list[np.ndarray]] = []
    ranges = batch_ranges(num_samples, batch_size)
    if steps:
        ranges = ranges[:steps]
    for batch_index, (start, end) in enumerate(ranges):
        logs = {"batch": batch_index, "size": end - start}
        callback_list.on_predict_batch_begin(batch_index, logs)
        outs = run([a[start:end] for a in ins])
        chunks.append(outs)
        logs["outputs"] = outs
        callback_list.on_predict_batch_end(batch_index, logs)
    callback_list.on_predict_end()
    if not chunks:
        return []
    return [np.concatenate([c[i] for c in chunks], axis=0) for i in range(len(chunks[0]))]
