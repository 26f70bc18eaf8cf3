"""`keras.optimizers`: Keras 2's optimizers (SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax,
Nadam), graphflow's AdamW/RAdam/Lookahead/Ranger, `schedules`, and `get`/`serialize`/
`deserialize`."""

from __future__ import annotations

from typing import Any

from graphflow.keras.optimizers import schedules  # noqa: F401
from graphflow.keras.optimizers.base import Optimizer
from graphflow.keras.optimizers.rules import SGD, Adadelta, Adagrad, Adam, Adamax, Nadam, RMSprop
from graphflow.keras.optimizers.wrapped import AdamW, Lookahead, RAdam, Ranger
from graphflow.keras.utils.generic_utils import deserialize_keras_object

# standalone Keras 2's lowercase aliases (`keras.optimizers.rmsprop(lr=1e-4, decay=1e-6)` in its
# examples); not in the Keras config registry beyond what _CLASSES already maps
sgd, rmsprop, adagrad, adadelta, adam, adamax, nadam = SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam

_CLASSES: dict[str, Any] = {c.__name__: c for c in (SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam,
                                                    AdamW, RAdam, Ranger, Lookahead)}
_CLASSES.update({name.lower(): cls for name, cls in list(_CLASSES.items())})


def serialize(optimizer: Optimizer) -> dict[str, Any]:
    """`{'class_name': 'Adam', 'config': optimizer.get_config()}`."""
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Optimizer:
    """The optimizer a config stands for (class names matched case-insensitively, as Keras 2)."""
    if isinstance(config, dict) and "class_name" in config:
        config = dict(config, class_name=config["class_name"] if config["class_name"] in _CLASSES
                      else config["class_name"].lower())
    return deserialize_keras_object(config, _CLASSES, custom_objects, "optimizer")


def get(identifier: Any) -> Optimizer:
    """An optimizer from an instance, a name (`'adam'`, `'rmsprop'`, ...) or a config dict.

    Raises:
        ValueError: for an unknown name (`Unknown optimizer: name`) or anything else.
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({"class_name": identifier, "config": {}})
    if hasattr(identifier, "apply_gradients") and hasattr(identifier, "compute_gradients"):
        from graphflow.keras.optimizers.tf_optimizer import TFOptimizer
        return TFOptimizer(identifier)
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
