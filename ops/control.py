"""Graph plumbing ops: Const, Placeholder, PlaceholderWithDefault, Identity, NoOp, StopGradient."""

from __future__ import annotations

from typing import Any

import numpy as np

from graphflow.framework import dtypes, errors
from graphflow.framework.tensor_shape import TensorShape, format_dims

from .registry import OpDef, Sample, Spec, register, spec


@register
class Const(OpDef):
    """A constant array (attr `value`, read-only). Its value is known at build time."""

    type = "Const"
    compiled_away = True
    differentiable = False

    def infer(self, inputs, attrs):
        v = attrs["value"]
        return [spec(v.shape, attrs["dtype"], v)]

    def reference(self, attrs, *xs):
        return attrs["value"]

    def samples(self, rng):
        value = rng.normal(size=(2, 3))
        return [Sample([], {"value": value, "dtype": dtypes.float64}, check_grad=False)]


@register
class Placeholder(OpDef):
    """A value supplied through `feed_dict`. Running it unfed is an InvalidArgumentError."""

    type = "Placeholder"
    compiled_away = True
    differentiable = False
    stateful = True  # never merged: two placeholders of one shape are different inputs

    def infer(self, inputs, attrs):
        return [Spec(TensorShape(attrs["shape"]), attrs["dtype"])]

    def bind(self, node, state):
        dtype, shape, name, op = node.attrs["dtype"], node.attrs["shape"], node.name, node.op

        def unfed() -> Any:
            shape_text = format_dims(TensorShape(shape).dims) if shape is not None else "<unknown>"
            raise errors.InvalidArgumentError(
                None, op,
                f"You must feed a value for placeholder tensor '{name}' with dtype "
                f"{dtype.name} and shape {shape_text}",
            )

        return unfed

    def reference(self, attrs, *xs):
        raise errors.InvalidArgumentError(None, None, "placeholder was not fed")


@register
class PlaceholderWithDefault(OpDef):
    """Passes its input through unless fed (`tf.placeholder_with_default`)."""

    type = "PlaceholderWithDefault"
    kernels = {"cuda": "graphflow.cuda.views:build_passthrough"}
    aliases_input = True

    def infer(self, inputs, attrs):
        return [Spec(TensorShape(attrs["shape"]), inputs[0].dtype)]

    def reference(self, attrs, x):
        return x

    def grad(self, op, dy):
        return [dy]

    def samples(self, rng):
        return [Sample([rng.normal(size=(2, 3))], {"shape": [None, 3]})]


@register
class Identity(OpDef):
    """Returns its input (also how a Variable is read: `v/read`)."""

    type = "Identity"
    kernels = {"cuda": "graphflow.cuda.views:build_passthrough"}
    aliases_input = True

    def infer(self, inputs, attrs):
        return [inputs[0]]

    def reference(self, attrs, x):
        return x

    def grad(self, op, dy):
        return [dy]

    def samples(self, rng):
        return [Sample([rng.normal(size=(3, 1))]), Sample([np.arange(4, dtype=np.int32)])]


@register
class StopGradient(OpDef):
    """Identity in the forward pass; blocks gradients (`tf.stop_gradient`)."""

    type = "StopGradient"
    kernels = {"cuda": "graphflow.cuda.views:build_passthrough"}
    aliases_input = True
    differentiable = False

    def infer(self, inputs, attrs):
        return [Spec(inputs[0].shape, inputs[0].dtype)]

    def reference(self, attrs, x):
        return x

    def samples(self, rng):
        return [Sample([rng.normal(size=(2, 2))], check_grad=False)]


@register
class NoOp(OpDef):
    """Does nothing; used for grouping (`tf.group`, `tf.no_op`)."""

    type = "NoOp"
    kernels = {"cuda": "graphflow.cuda.views:build_no_op"}
    differentiable = False

    def infer(self, inputs, attrs):
        return []

    def reference(self, attrs, *xs):
        return None

    def samples(self, rng):
        return [Sample([], check_grad=False)]


@register
class CheckNumerics(OpDef):
    """Passes its input through, failing with InvalidArgumentError on NaN or Inf."""

    type = "CheckNumerics"
    kernels = {"cuda": "graphflow.cuda.check_numerics:build_check_numerics"}
    stateful = True  # its failure is an effect: never folded or merged

    def infer(self, inputs, attrs):
        return [inputs[0]]

    def bind(self, node, state):
        message, op = node.attrs["message"], node.op

        def check(x):
            if not np.all(np.isfinite(x)):
                what = "NaN" if np.isnan(x).any() else "Inf"
                raise errors.InvalidArgumentError(None, op, f"{message} : Tensor had {what} values")
            return x

        return check

    def reference(self, attrs, x):
        return x

    def grad(self, op, dy):
        return [dy]
