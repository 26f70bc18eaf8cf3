"""`keras.regularizers`: `L1L2` (and `l1`, `l2`, `l1_l2`) penalties of a weight tensor."""

from __future__ import annotations

from typing import Any

import graphflow as _tf
from graphflow.keras.utils.generic_utils import (
    deserialize_keras_object,
    get_keras_object,
    serialize_keras_object,
)


class Regularizer:
    """Base class: a callable returning a scalar penalty of a weight tensor."""

    def __call__(self, x: Any) -> Any:
        return 0.0

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Regularizer:
        """A regularizer from its `get_config()`."""
        return cls(**config)


class L1L2(Regularizer):
    """l1 * sum(|x|) + l2 * sum(x^2).

    Args:
        l1: L1 factor.
        l2: L2 factor.
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, x: Any) -> Any:
        penalty = _tf.constant(0.0)
        if self.l1:
            penalty = penalty + self.l1 * _tf.reduce_sum(_tf.abs(x))
        if self.l2:
            penalty = penalty + self.l2 * _tf.reduce_sum(_tf.square(x))
        return penalty

    def get_config(self) -> dict[str, float]:
        """`{'l1': ..., 'l2': ...}`."""
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """l1 * sum(|x|) (tf_keras writes this class name in configs)."""

    def __init__(self, l1: float = 0.01) -> None:
        super().__init__(l1=l1)

    def get_config(self) -> dict[str, float]:
        """`{'l1': ...}`."""
        return {"l1": self.l1}


class L2(L1L2):
    """l2 * sum(x^2) (tf_keras writes this class name in configs)."""

    def __init__(self, l2: float = 0.01) -> None:
        super().__init__(l2=l2)

    def get_config(self) -> dict[str, float]:
        """`{'l2': ...}`."""
        return {"l2": self.l2}


def l1(l: float = 0.01) -> L1L2:  # noqa: E741  (Keras' argument name)
    """An L1 penalty."""
    return L1L2(l1=l)


def l2(l: float = 0.01) -> L1L2:  # noqa: E741
    """An L2 penalty."""
    return L1L2(l2=l)


def l1_l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:
    """L1 plus L2 penalties."""
    return L1L2(l1=l1, l2=l2)


def serialize(regularizer: Any) -> dict[str, Any]:
    """`{'class_name': 'L1L2', 'config': {...}}`."""
    return serialize_keras_object(regularizer)


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """The regularizer a config dict (or name `l1`/`l2`/`l1_l2`) stands for."""
    found = deserialize_keras_object(config, {"L1L2": L1L2, "L1": L1, "L2": L2, "l1": l1, "l2": l2,
                                                       "l1_l2": l1_l2},
                                     custom_objects, "regularizer")
    return found() if isinstance(config, str) else found


def get(identifier: Any) -> Any:
    """A regularizer from None, a name, a config dict or a callable.

    Raises:
        ValueError: for something else.
    """
    return get_keras_object(identifier, deserialize, "regularizer")
