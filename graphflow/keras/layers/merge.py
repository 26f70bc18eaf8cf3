"""Merge layers: `Add`, `Subtract`, `Multiply`, `Average`, `Maximum`, `Minimum`, `Concatenate`
(and their functional forms `add`, `concatenate`, ...)."""

from __future__ import annotations

from typing import Any

import graphflow as _tf
from graphflow.keras import backend as K
from graphflow.keras.engine.base_layer import Layer


class _Merge(Layer):
    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """Keras 2: a step is kept when every masked input keeps it."""
        masks = [m for m in (mask or []) if m is not None] if isinstance(mask, list) else []
        if not masks:
            return None
        result = _tf.cast(masks[0], "bool")
        for m in masks[1:]:
            result = _tf.logical_and(result, _tf.cast(m, "bool"))
        return result

    def _check(self, inputs: Any) -> list[Any]:
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(f"A merge layer should be called on a list of at least 2 inputs. "
                             f"Got {len(inputs) if isinstance(inputs, (list, tuple)) else 1} inputs.")
        return list(inputs)

    def call(self, inputs: Any) -> Any:
        inputs = self._check(inputs)
        out = inputs[0]
        for x in inputs[1:]:
            out = self._combine(out, x)
        return self._finish(out, len(inputs))

    def _combine(self, a: Any, b: Any) -> Any:
        raise NotImplementedError

    def _finish(self, out: Any, count: int) -> Any:
        return out


class Add(_Merge):
    """The elementwise sum of the inputs."""

    def _combine(self, a, b):
        return a + b


class Subtract(_Merge):
    """The first input minus the second."""

    def call(self, inputs: Any) -> Any:
        inputs = self._check(inputs)
        if len(inputs) != 2:
            raise ValueError("A `Subtract` layer should be called on exactly 2 inputs")
        return inputs[0] - inputs[1]


class Multiply(_Merge):
    """The elementwise product of the inputs."""

    def _combine(self, a, b):
        return a * b


class Average(_Merge):
    """The elementwise mean of the inputs."""

    def _combine(self, a, b):
        return a + b

    def _finish(self, out, count):
        return out / float(count)


class Maximum(_Merge):
    """The elementwise maximum of the inputs."""

    def _combine(self, a, b):
        return _tf.maximum(a, b)


class Minimum(_Merge):
    """The elementwise minimum of the inputs."""

    def _combine(self, a, b):
        return _tf.minimum(a, b)


class Concatenate(_Merge):
    """The inputs joined along `axis` (default -1)."""

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = axis

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """Keras 2: the inputs' masks (all-true for an unmasked input, a trailing axis added to a
        step mask) joined along `axis`, then reduced with `all` over the last axis."""
        if not isinstance(mask, list) or all(m is None for m in mask):
            return None
        full = []
        for x, m in zip(inputs, mask):
            if m is None:
                full.append(_tf.cast(_tf.ones_like(x), "bool"))
            elif m.shape.ndims < x.shape.ndims:
                full.append(_tf.expand_dims(_tf.cast(m, "bool"), -1))
            else:
                full.append(_tf.cast(m, "bool"))
        return _tf.reduce_all(_tf.concat(full, self.axis), axis=-1)

    def call(self, inputs: Any) -> Any:
        inputs = self._check(inputs)
        shapes = [K.int_shape(x) for x in inputs]
        rank = len(shapes[0])
        axis = self.axis % rank
        for shape in shapes[1:]:
            if len(shape) != rank or any(a != b and a is not None and b is not None
                                         for i, (a, b) in enumerate(zip(shape, shapes[0])) if i != axis):
                raise ValueError("A `Concatenate` layer requires inputs with matching shapes except for the "
                                 f"concat axis. Got inputs shapes: {shapes}")
        return _tf.concat(inputs, self.axis)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}


def add(inputs: list[Any], **kwargs: Any) -> Any:
    """`Add()(inputs)`."""
    return Add(**kwargs)(inputs)


def subtract(inputs: list[Any], **kwargs: Any) -> Any:
    """`Subtract()(inputs)`."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs: list[Any], **kwargs: Any) -> Any:
    """`Multiply()(inputs)`."""
    return Multiply(**kwargs)(inputs)


def average(inputs: list[Any], **kwargs: Any) -> Any:
    """`Average()(inputs)`."""
    return Average(**kwargs)(inputs)


def maximum(inputs: list[Any], **kwargs: Any) -> Any:
    """`Maximum()(inputs)`."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs: list[Any], **kwargs: Any) -> Any:
    """`Minimum()(inputs)`."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs: list[Any], axis: int = -1, **kwargs: Any) -> Any:
    """`Concatenate(axis)(inputs)`."""
    return Concatenate(axis=axis, **kwargs)(inputs)
