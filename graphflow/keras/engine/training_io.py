"""Standardizing the data given to `fit`/`evaluate`/`predict`: arrays, lists or dicts become
one list of arrays per model input (or output), checked against the model's placeholders with
Keras 2's error messages; `sample_weight`/`class_weight` become per-sample weight vectors."""

from __future__ import annotations

from typing import Any

import numpy as np

from graphflow.keras import backend as K


def to_array_list(data: Any, names: list[str], what: str) -> list[np.ndarray]:
    """`data` (array, list or dict keyed by `names`) as a list of arrays in `names` order.

    Raises:
        ValueError: for a missing dict key or a wrong count of arrays.
    """
    if data is None:
        return []
    if isinstance(data, dict):
        missing = [n for n in names if n not in data]
        if missing:
            raise ValueError(f"No data provided for \"{missing[0]}\". Need data for each key in: {names}")
        arrays = [data[n] for n in names]
    elif isinstance(data, (list, tuple)):
        arrays = list(data)
        if len(arrays) != len(names):
            if len(names) == 1 and all(np.isscalar(a) for a in arrays):
                arrays = [np.asarray(data)]
            else:
                raise ValueError(f"Error when checking model {what}: the list of Numpy arrays that you are "
                                 f"passing to your model is not the size the model expected. Expected to see "
                                 f"{len(names)} array(s), but instead got the following list of {len(arrays)} "
                                 "arrays.")
    else:
        if len(names) != 1:
            raise ValueError(f"Error when checking model {what}: the Numpy array that you are passing to your "
                             f"model is not the size the model expected. Expected to see {len(names)} "
                             "array(s), but instead got 1 array.")
        arrays = [data]
    out = []
    for array in arrays:
        array = np.asarray(array)
        if array.ndim == 1:
            array = array.reshape(-1, 1)
        out.append(array)
    return out


def check_shapes(arrays: list[np.ndarray], tensors: list[Any], names: list[str], what: str,
                 skip_last: list[bool] | None = None) -> None:
    """Checks each array's rank and non-batch dims against its tensor's static shape.

    Raises:
        ValueError: `Error when checking input: expected dense_input to have shape (4,) but got
            array with shape (3,)` (or the rank version).
    """
    for index, (array, tensor, name) in enumerate(zip(arrays, tensors, names)):
        shape = K.int_shape(tensor)
        if shape is None:
            continue
        if array.ndim != len(shape):
            raise ValueError(f"Error when checking {what}: expected {name} to have {len(shape)} dimensions, "
                             f"but got array with shape {array.shape}")
        dims = list(shape[1:])
        if skip_last and skip_last[index]:
            dims = dims[:-1]
        for expected, got in zip(dims, array.shape[1:]):
            if expected is not None and expected != got:
                raise ValueError(f"Error when checking {what}: expected {name} to have shape "
                                 f"{tuple(shape[1:])} but got array with shape {array.shape[1:]}")


def check_lengths(inputs: list[np.ndarray], targets: list[np.ndarray]) -> int:
    """The common sample count.

    Raises:
        ValueError: when inputs, or targets, or the two disagree (Keras 2's messages).
    """
    in_counts = {a.shape[0] for a in inputs}
    if len(in_counts) > 1:
        raise ValueError("All input arrays (x) should have the same number of samples. Got array shapes: "
                         f"{[a.shape for a in inputs]}")
    out_counts = {a.shape[0] for a in targets}
    if len(out_counts) > 1:
        raise ValueError("All target arrays (y) should have the same number of samples. Got array shapes: "
                         f"{[a.shape for a in targets]}")
    if in_counts and out_counts and in_counts != out_counts:
        raise ValueError(f"Input arrays should have the same number of samples as target arrays. Found "
                         f"{next(iter(in_counts))} input samples and {next(iter(out_counts))} target samples.")
    return next(iter(in_counts)) if in_counts else next(iter(out_counts), 0)


def check_loss_and_target(targets: list[np.ndarray], loss_names: list[str], output_shapes: list[Any]) -> None:
    """Keras 2's early error for labels that do not fit the loss.

    Raises:
        ValueError: e.g. integer labels of shape (N, 1) with categorical_crossentropy.
    """
    for y, loss, shape in zip(targets, loss_names, output_shapes):
        if loss == "categorical_crossentropy" and y.shape[-1] == 1 and shape and shape[-1] != 1:
            raise ValueError(f"You are passing a target array of shape {y.shape} while using as loss "
                             "`categorical_crossentropy`. `categorical_crossentropy` expects targets to be "
                             "binary matrices (1s and 0s) of shape (samples, classes). If your targets are "
                             "integer classes, you can convert them to the expected format via:\n```\n"
                             "from keras.utils import to_categorical\ny_binary = to_categorical(y_int)\n```\n\n"
                             "Alternatively, you can use the loss function `sparse_categorical_crossentropy` "
                             "instead, which does expect integer targets.")
        same_shape_losses = ("binary_crossentropy", "categorical_crossentropy", "mean_squared_error")
        if loss in same_shape_losses and shape and any(
                d is not None and d != got for d, got in zip(shape[1:], y.shape[1:])):
            raise ValueError(f"A target array with shape {y.shape} was passed for an output of shape "
                             f"{tuple(shape)} while using as loss `{loss}`. This loss expects targets to have "
                             "the same shape as the output.")


def sample_weights(targets: list[np.ndarray], sample_weight: Any, class_weight: Any,
                   names: list[str]) -> list[np.ndarray]:
    """One weight vector per output from `sample_weight` and `class_weight` (ones by default).

    Raises:
        ValueError: for a sample_weight of the wrong length.
    """
    n = targets[0].shape[0] if targets else 0
    per_output_sw = to_per_output(sample_weight, names)
    per_output_cw = to_per_output(class_weight, names, dict_is_per_output=True)
    weights = []
    for y, sw, cw in zip(targets, per_output_sw, per_output_cw):
        w = np.ones(n, np.float32)
        if sw is not None:
            sw = np.asarray(sw, np.float32)
            if sw.shape[0] != n:
                raise ValueError(f"Found a sample_weight array with shape {sw.shape} for an input with shape "
                                 f"{y.shape}. sample_weight cannot be broadcast.")
            w = w * sw.reshape(n)
        if cw:
            classes = np.argmax(y, axis=1) if y.shape[1] > 1 else y.reshape(-1).astype(np.int64)
            w = w * np.asarray([cw.get(int(c), 1.0) for c in classes], np.float32)
        weights.append(w)
    return weights


def to_per_output(value: Any, names: list[str], dict_is_per_output: bool = False) -> list[Any]:
    """`value` spread over the outputs (a list or a dict keyed by output name, else the same for all)."""
    if value is None:
        return [None] * len(names)
    if isinstance(value, dict) and dict_is_per_output:
        if any(name in value for name in names):
            return [value.get(name) for name in names]
        return [value] * len(names)
    if isinstance(value, dict):
        return [value.get(name) for name in names]
    if isinstance(value, (list, tuple)) and len(names) > 1:
        return list(value)
    return [value] * len(names)
