"""Reading and writing the learning rate of `model.optimizer` (a graphflow Variable read and
assigned through the Keras backend's session, `K.get_value` / `K.set_value`)."""

from __future__ import annotations

from typing import Any


def _backend() -> Any:
    # imported on use: the callbacks package is imported by graphflow.keras itself
    from graphflow.keras import backend

    return backend


def _lr_variable(model: Any) -> Any:
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not hasattr(optimizer, "lr"):
        raise ValueError('Optimizer must have a "lr" attribute.')
    return optimizer.lr


def get_lr(model: Any) -> float:
    """The current learning rate of `model.optimizer` as a Python float.

    Raises:
        ValueError: when the model has no optimizer with an `lr` attribute (Keras 2's text).
    """
    return float(_backend().get_value(_lr_variable(model)))


def set_lr(model: Any, value: float) -> None:
    """Assigns `value` to `model.optimizer.lr`.

    Raises:
        ValueError: when the model has no optimizer with an `lr` attribute (Keras 2's text).
    """
    _backend().set_value(_lr_variable(model), value)


def lr_value(model: Any) -> Any:
    """The learning rate as `K.get_value` returns it (a numpy scalar), for `logs['lr']`."""
    return _backend().get_value(_lr_variable(model))
