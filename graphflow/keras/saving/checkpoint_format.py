"""Weights in the TensorFlow checkpoint format: `model.save_weights(path)` for a path without
an HDF5 suffix (Keras 2's `save_format='tf'` default), written and read by graphflow's
`tf.train.Saver`.

Layout: graphflow's checkpoint at the prefix `path` (`path.safetensors`, see
graphflow/train/checkpoint_format.py) and the `checkpoint` state file next to it, as Keras 2
writes a TF checkpoint and its state file. The variables are keyed by their graph
names (`dense/kernel`), not by Keras 2's object-graph paths (`layer_with_weights-0/kernel/...`),
and optimizer slots are not included: such checkpoints load into graphflow models and into
TF1 code using `tf.train.Saver`, not into tf.keras' `load_weights` (use HDF5 for that).
"""

from __future__ import annotations

import os
from typing import Any

from graphflow.keras.saving.hdf5_weights import weight_shape


def model_variables(model: Any) -> list[Any]:
    """The variables of `model.layers`, each once, in layer order."""
    seen: set[int] = set()
    variables = []
    for layer in model.layers:
        for weight in layer.weights:
            if id(weight) not in seen:
                seen.add(id(weight))
                variables.append(weight)
    return variables


def _session_and_graph(model: Any) -> tuple[Any, Any]:
    from graphflow.keras import backend

    session = backend.get_session()
    return session, session.graph


def save_weights_to_checkpoint(model: Any, filepath: str) -> None:
    """Writes the model's weights to the checkpoint prefix `filepath` (and a `checkpoint` state
    file in its directory). The Saver writes each file atomically."""
    from graphflow.train import Saver

    session, graph = _session_and_graph(model)
    directory = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(directory, exist_ok=True)
    with graph.as_default():
        saver = Saver(model_variables(model), max_to_keep=None)
    saver.save(session, filepath, write_meta_graph=False)


def load_weights_from_checkpoint(model: Any, filepath: str) -> None:
    """Restores the model's weights from the checkpoint prefix `filepath` (or the latest
    checkpoint of a directory), after checking that every variable is there with its shape.

    Raises:
        ValueError: for a variable missing from the checkpoint or of another shape (nothing is
            restored then).
        NotFoundError: when no checkpoint is found at `filepath`.
    """
    from graphflow.train import Saver, latest_checkpoint, list_variables

    saved = dict(list_variables(filepath))
    variables = model_variables(model)
    for variable in variables:
        name = variable.op.name
        if name not in saved:
            raise ValueError(f"The checkpoint {filepath!r} has no variable {name!r} (weight {variable.name} of "
                             f"the model); it holds: {sorted(saved)}")
        expected = weight_shape(variable)
        if tuple(saved[name]) != expected:
            raise ValueError(f"Shape mismatch for weight {variable.name}: the model expects shape {expected}, "
                             f"the checkpoint {filepath!r} holds shape {tuple(saved[name])}")
    session, graph = _session_and_graph(model)
    with graph.as_default():
        saver = Saver(variables, max_to_keep=None)
    saver.restore(session, latest_checkpoint(filepath) if os.path.isdir(filepath) else filepath)
