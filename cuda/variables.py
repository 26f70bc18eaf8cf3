"""Variables on the GPU: the session's store holds device arrays, so reading a variable is the
op's own `bind` (no copy), an assignment stores the new device array, and AssignAdd/AssignSub
combine the stored value with the update in one elementwise program."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def build_read(node: Any, state: Any) -> Callable[..., Any]:
    """VariableV2, InitializedValueOrDefault: the op's own reader of the store."""
    return node.opdef.bind(node, state)


def build_assign(node: Any, state: Any) -> Callable[[Any], Any]:
    """Assign: the device array becomes the variable's value (values are never written in
    place, so no copy is needed)."""
    from graphflow.ops.state import assign_shape_mismatch

    store, name, op = state.variables, node.ref_vars[0], node.op
    var_shape = node.in_specs[0].shape
    validate = node.attrs.get("validate_shape", True)

    def assign(value: Any) -> Any:
        if validate and not var_shape.is_compatible_with(value.shape):
            raise assign_shape_mismatch(op, var_shape, value.shape)
        store[name] = value
        return value

    return assign


def build_assign_update(node: Any, state: Any) -> Callable[[Any], Any]:
    """AssignAdd, AssignSub: a one-step program on the stored value (built for the variable's
    shape on first use)."""
    from graphflow.compiler.fused_op import single_row
    from graphflow.ops.state import uninitialized, update_shape_mismatch

    from .elementwise import program_runner

    store, name, op = state.variables, node.ref_vars[0], node.op
    row, dtype = {"AssignAdd": "Add", "AssignSub": "Sub"}[node.type], node.in_specs[0].dtype.name
    programs: dict[tuple[int, ...], Callable[..., Any]] = {}

    def update(value: Any) -> Any:
        try:
            current = store[name]
        except KeyError:
            raise uninitialized(name, op) from None
        shape = tuple(current.shape)
        if shape != tuple(value.shape):
            raise update_shape_mismatch(op, shape, value.shape)
        combine = programs.get(shape)
        if combine is None:
            combine = programs[shape] = program_runner(
                single_row(row, (shape, shape), (dtype, dtype), dtype))
        new = store[name] = combine(current, value)
        return new

    return update
