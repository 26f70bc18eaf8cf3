"""Layer and optimizer weights in Keras 2's HDF5 layout.

Layout (shared with tf.keras and tf_keras, so files load both ways): a weights group has the
attributes `layer_names`, `backend` and `keras_version`; one sub-group per layer with the
attribute `weight_names` (e.g. `dense/kernel:0`) and one dataset per weight, addressed by that
name (so `dense/kernel:0` lies at `<layer>/dense/kernel:0`). Optimizer weights live in an
`optimizer_weights` group laid out the same way.

Loading builds the complete list of new values and checks every count and shape first; only
then is anything assigned, so a mismatch leaves the model unchanged.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from typing import Any

import numpy as np

from graphflow.keras.saving.hdf5_attrs import load_name_list, save_name_list

_log = logging.getLogger("graphflow.keras")

#: (layer, complete list of new values for `layer.set_weights`)
LoadPlan = list[tuple[Any, list[np.ndarray]]]


def weight_shape(weight: Any) -> tuple:
    """The static shape of a weight variable as a tuple of ints (None for unknown dims)."""
    shape = weight.shape
    return tuple(shape.as_list()) if hasattr(shape, "as_list") else tuple(shape)


def _write_values(group: Any, names: Sequence[str], values: Sequence[np.ndarray]) -> None:
    save_name_list(group, "weight_names", names)
    for name, value in zip(names, values):
        value = np.asarray(value)
        dataset = group.create_dataset(name, value.shape, dtype=value.dtype)
        if value.shape:
            dataset[:] = value
        else:
            dataset[()] = value


def _read_values(group: Any) -> list[np.ndarray]:
    return [np.asarray(group[name]) for name in load_name_list(group, "weight_names")]


def save_weights_to_hdf5_group(f: Any, layers: Sequence[Any], keras_version: str) -> None:
    """Writes the weights of `layers` (in model order) into the HDF5 group `f`."""
    save_name_list(f, "layer_names", [layer.name for layer in layers])
    f.attrs["backend"] = b"tensorflow"
    f.attrs["keras_version"] = keras_version.encode("utf8")
    for layer in layers:
        group = f.create_group(layer.name)
        _write_values(group, [w.name for w in layer.weights], layer.get_weights() if layer.weights else [])


@dataclasses.dataclass
class SavedLayer:
    """One layer's group of a weights file, read into memory."""

    name: str
    weight_names: list[str]
    values: list[np.ndarray]


def read_weights_group(f: Any) -> list[SavedLayer]:
    """Reads every layer listed in the `layer_names` of the weights group `f`, in order.

    Raises:
        ValueError: when a listed layer's group is missing (a damaged file).
        KeyError / OSError: h5py's errors for unreadable datasets.
    """
    names = load_name_list(f, "layer_names")
    missing = [name for name in names if name not in f]
    if missing:
        raise ValueError(f"The weights file is damaged: it lists layers {missing} whose groups are missing.")
    return [SavedLayer(name, load_name_list(f[name], "weight_names"), _read_values(f[name])) for name in names]


def plan_topological_load(saved_layers: Sequence[SavedLayer], layers: Sequence[Any]) -> LoadPlan:
    """Pairs the saved layers that have weights with the model's layers that have weights, in
    order, and checks counts and shapes.

    Raises:
        ValueError: for a different number of layers with weights, or a layer whose number or
            shapes of weights differ (naming both layers and the shapes).
    """
    model_layers = [layer for layer in layers if layer.weights]
    saved = [entry for entry in saved_layers if entry.weight_names]
    if len(saved) != len(model_layers):
        raise ValueError("Layer count mismatch when loading weights from file. Model expected "
                         f"{len(model_layers)} layers, found {len(saved)} saved layers.")
    plan: LoadPlan = []
    for k, (entry, layer) in enumerate(zip(saved, model_layers)):
        name, values = entry.name, entry.values
        if len(values) != len(layer.weights):
            raise ValueError(f"Weight count mismatch for layer #{k} (named {layer.name} in the current model, "
                             f"{name} in the save file). Layer expects {len(layer.weights)} weight(s). "
                             f"Received {len(values)} saved weight(s)")
        for weight, value in zip(layer.weights, values):
            expected = weight_shape(weight)
            if not _fits(expected, value.shape):
                raise ValueError(f"Shape mismatch in layer #{k} (named {layer.name} in the current model, "
                                 f"{name} in the save file) for weight {weight.name}. Weight expects shape "
                                 f"{expected}. Received saved weight with shape {value.shape}")
        plan.append((layer, list(values)))
    return plan


def _fits(expected: tuple, received: tuple) -> bool:
    return len(expected) == len(received) and all(e is None or e == r for e, r in zip(expected, received))


def plan_load_by_name(saved_layers: Sequence[SavedLayer], layers: Sequence[Any],
                      skip_mismatch: bool = False) -> LoadPlan:
    """Loads into each model layer the saved layer of the same name; other layers are left as
    they are. With `skip_mismatch`, a layer whose weight count differs, or a weight whose shape
    differs, is skipped with a warning instead of raising.

    Raises:
        ValueError: for a count or shape mismatch without `skip_mismatch`.
    """
    by_name: dict[str, list[Any]] = {}
    for layer in layers:
        by_name.setdefault(layer.name, []).append(layer)
    plan: LoadPlan = []
    for k, entry in enumerate(saved_layers):
        saved = entry.values
        name = entry.name
        for layer in by_name.get(name, []):
            if len(saved) != len(layer.weights):
                message = (f"layer #{k} (named {layer.name}) due to mismatch in number of weights. Layer "
                           f"expects {len(layer.weights)} weight(s). Received {len(saved)} saved weight(s)")
                if skip_mismatch:
                    _log.warning("Skipping loading of weights for %s", message)
                    continue
                raise ValueError(f"Weight count mismatch for layer #{k} (named {layer.name}). Layer expects "
                                 f"{len(layer.weights)} weight(s). Received {len(saved)} saved weight(s)")
            if not saved:
                continue
            values = layer.get_weights()
            for i, (weight, value) in enumerate(zip(layer.weights, saved)):
                expected = weight_shape(weight)
                if _fits(expected, value.shape):
                    values[i] = value
                    continue
                detail = (f"for weight {weight.name}. Weight expects shape {expected}. Received saved weight "
                          f"with shape {value.shape}")
                if not skip_mismatch:
                    raise ValueError(f"Shape mismatch in layer #{k} (named {layer.name}) {detail}")
                _log.warning("Skipping loading weights for layer #%d (named %s) due to mismatch in shape %s",
                             k, layer.name, detail)
            plan.append((layer, values))
    return plan


def apply_load_plan(plan: LoadPlan) -> None:
    """Assigns the checked values of a load plan."""
    for layer, values in plan:
        layer.set_weights(values)


def save_optimizer_weights_to_hdf5_group(f: Any, optimizer: Any) -> None:
    """Writes `optimizer.weights` (slots and iteration counter) into `f['optimizer_weights']`;
    nothing when the optimizer has no weights yet."""
    weights = list(getattr(optimizer, "weights", []) or [])
    if not weights:
        return
    _write_values(f.create_group("optimizer_weights"), [w.name for w in weights], optimizer.get_weights())


def load_optimizer_weights_from_hdf5_group(f: Any) -> list[np.ndarray]:
    """The optimizer weight values saved in `f['optimizer_weights']` (in saved order)."""
    return _read_values(f["optimizer_weights"])
