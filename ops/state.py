"""Variable ops: VariableV2 (a read of session-owned storage), Assign, AssignAdd, AssignSub,
IsVariableInitialized.

Storage is a dict `state.variables[name] -> ndarray` owned by the session. Writes *replace* the
stored array instead of mutating it, so a value read earlier in the same run (or returned to the
user) never changes underneath its readers: TF1's ref-variable races cannot happen here.
"""

from __future__ import annotations

import numpy as np

from graphflow.framework import errors
from graphflow.framework.tensor_shape import TensorShape, format_dims

from .registry import OpDef, Spec, register


def uninitialized(name: str, op) -> errors.OpError:
    return errors.FailedPreconditionError(None, op, f"Attempting to use uninitialized value {name}")


def assign_shape_mismatch(op, var_shape: TensorShape, value_shape) -> errors.OpError:
    """TF1's error for an Assign whose value does not fit the variable (validate_shape)."""
    return errors.InvalidArgumentError(
        None, op, f"Assign requires shapes of both tensors to match. lhs shape= "
        f"{format_dims(var_shape.dims)} rhs shape= {format_dims(value_shape)}")


def update_shape_mismatch(op, current_shape, value_shape) -> errors.OpError:
    """TF1's error for an AssignAdd/AssignSub value of another shape than the variable's."""
    return errors.InvalidArgumentError(
        None, op, f"Incompatible shapes: {format_dims(current_shape)} vs. "
        f"{format_dims(value_shape)}")


@register
class VariableV2(OpDef):
    """A variable. Each consumer reads the stored value when it runs (see the lowering pass)."""

    type = "VariableV2"
    kernels = {"cuda": "graphflow.cuda.variables:build_read"}
    stateful = True
    aliases_input = True  # the output is the stored array itself

    def infer(self, inputs, attrs):
        return [Spec(TensorShape(attrs["shape"]), attrs["dtype"])]

    def bind(self, node, state):
        store, name, op = state.variables, node.name, node.op

        def read():
            try:
                return store[name]
            except KeyError:
                raise uninitialized(name, op) from None

        return read

    def grad(self, op, *dys):
        return []


def _incompatible_shapes_text(a: TensorShape, b: TensorShape) -> str:
    """TF1's shape-inference text for two shapes that cannot be merged (ranks, then a dimension)."""
    if a.ndims != b.ndims:
        return f"Shapes must be equal rank, but are {a.ndims} and {b.ndims}"
    i, da, db = next((i, da, db) for i, (da, db) in enumerate(zip(a.dims, b.dims))
                     if da is not None and db is not None and da != db)
    return (f"Dimension {i} in both shapes must be equal, but are {da} and {db}. "
            f"Shapes are {format_dims(a.dims)} and {format_dims(b.dims)}.")


class _Write(OpDef):
    """Shared rule of the assignment ops: input 0 is the variable, input 1 the value."""

    stateful = True
    ref_inputs = (0,)
    aliases_input = True
    differentiable = False

    def infer(self, inputs, attrs):
        ref, value = inputs
        if ref.dtype != value.dtype:
            raise TypeError(
                f"Input 'value' of {self.type} has type {value.dtype.name} that does not match "
                f"type {ref.dtype.name} of the variable"
            )
        if attrs.get("validate_shape", True) and not ref.shape.is_compatible_with(value.shape):
            raise ValueError(_incompatible_shapes_text(ref.shape, value.shape))
        validated = attrs.get("validate_shape", True)
        return [Spec(ref.shape.merge_with(value.shape) if validated else value.shape, ref.dtype)]


@register
class Assign(_Write):
    """`ref = value` (`tf.assign`, `Variable.assign`, variable initializers)."""

    type = "Assign"
    kernels = {"cuda": "graphflow.cuda.variables:build_assign"}

    def bind(self, node, state):
        store, name, op = state.variables, node.ref_vars[0], node.op
        var_shape = node.in_specs[0].shape
        validate = node.attrs.get("validate_shape", True)
        dtype = node.in_specs[0].dtype.np
        # a fully known variable shape is checked by one tuple comparison: TensorShape's
        # general check costs about 8 us, a dozen times per Adam step
        exact = tuple(var_shape.as_list()) if var_shape.is_fully_defined() else None

        def assign(value):
            value = np.asarray(value)
            if validate and value.shape != exact and not var_shape.is_compatible_with(value.shape):
                raise assign_shape_mismatch(op, var_shape, value.shape)
            stored = np.array(value, dtype=dtype, copy=True)  # storage is never a user's array
            store[name] = stored
            return stored

        return assign


class _Update(_Write):
    """ref = ref (+|-) value; the variable must already be initialized."""

    def infer(self, inputs, attrs):
        ref, value = inputs
        if ref.dtype != value.dtype:
            raise TypeError(f"{self.type}: value dtype {value.dtype.name} != variable dtype {ref.dtype.name}")
        if not ref.shape.is_compatible_with(value.shape):
            raise ValueError(
                f"Shapes must be equal, but are {format_dims(ref.dims)} and {format_dims(value.dims)}"
            )
        return [Spec(ref.shape, ref.dtype)]

    def bind(self, node, state):
        store, name, op, fn = state.variables, node.ref_vars[0], node.op, self.combine

        def update(value):
            try:
                current = store[name]
            except KeyError:
                raise uninitialized(name, op) from None
            if current.shape != np.shape(value):
                raise update_shape_mismatch(op, current.shape, np.shape(value))
            new = fn(current, value).astype(current.dtype, copy=False)
            store[name] = new
            return new

        return update


@register
class AssignAdd(_Update):
    """`ref += value` (`tf.assign_add`)."""

    type = "AssignAdd"
    kernels = {"cuda": "graphflow.cuda.variables:build_assign_update"}
    combine = staticmethod(np.add)


@register
class AssignSub(_Update):
    """`ref -= value` (`tf.assign_sub`)."""

    type = "AssignSub"
    kernels = {"cuda": "graphflow.cuda.variables:build_assign_update"}
    combine = staticmethod(np.subtract)


@register
class IsVariableInitialized(OpDef):
    """True when the referenced variable holds a value."""

    type = "IsVariableInitialized"
    host_memory = True
    stateful = True
    ref_inputs = (0,)
    differentiable = False

    def infer(self, inputs, attrs):
        from graphflow.framework import dtypes

        return [Spec(TensorShape([]), dtypes.bool_)]

    def bind(self, node, state):
        store, name = state.variables, node.ref_vars[0]
        return lambda: np.bool_(name in store)


@register
class ReportUninitializedVariables(OpDef):
    """The names (bytes) of the referenced variables that hold no value yet."""

    type = "ReportUninitializedVariables"
    host_memory = True
    stateful = True
    differentiable = False

    def is_ref_input(self, index):
        return True

    def infer(self, inputs, attrs):
        from graphflow.framework import dtypes

        return [Spec(TensorShape([None]), dtypes.string)]

    def bind(self, node, state):
        store, names = state.variables, node.ref_vars
        return lambda: np.array([n.encode() for n in names if n not in store], dtype=object)


@register
class InitializedValueOrDefault(OpDef):
    """The referenced variable's value if it holds one, else input 1 (its initial value): what
    `Variable.initialized_value()` reads, so one variable's initializer may use another's."""

    type = "InitializedValueOrDefault"
    kernels = {"cuda": "graphflow.cuda.variables:build_read"}
    stateful = True
    ref_inputs = (0,)
    aliases_input = True

    def infer(self, inputs, attrs):
        return [Spec(inputs[0].shape, inputs[0].dtype)]

    def bind(self, node, state):
        store, name = state.variables, node.ref_vars[0]
        return lambda default: store.get(name, default)

    def grad(self, op, dy):
        return [None, dy]
