"""TF1's fused optimizer updates: ApplyGradientDescent, ApplyMomentum, ApplyKerasMomentum,
ApplyAdam, ApplyAdaMax, ApplyRMSProp, ApplyCenteredRMSProp, ApplyAdagrad, ApplyAdagradV2 and
ApplyAdadelta.

One op updates a variable and its slots in one pass: `Adam/update_w/ApplyAdam` reads w, m and v
and the gradient, and writes all three, where the op-by-op form ran about ten kernels and
copied each slot in an Assign. The rules themselves (ops/_update_rules.py) are shared with the
CUDA kernels. Storage semantics stay those of ops/state.py: an array read earlier, in this run
or returned to the user, never changes. The CPU kernels write the new values into the stored
arrays only where nobody else holds them (ops/_unshared_arrays.py counts the holders; the MLP
step's updates take about 20% less time so, the new arrays' cache misses), and otherwise into
fresh arrays that replace the stored ones.

Inputs and attributes are TF1's (`training_ops.apply_adam(var, m, v, beta1_power, beta2_power,
lr, beta1, beta2, epsilon, grad, use_locking=False, use_nesterov=False)`); the output is the
variable's new value.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from graphflow.framework import errors
from graphflow.framework.tensor_shape import TensorShape, format_dims

from ._unshared_arrays import stored_only
from ._update_rules import RULES, UpdateRule, indent
from .registry import OpDef, Spec, register
from .state import _incompatible_shapes_text, uninitialized

#: dtypes with a numba kernel; others (float16, integers) run the numpy reference
KERNEL_DTYPES = ("float32", "float64")
#: Whether the CPU kernels overwrite stored arrays that nobody else holds (ops/_unshared_arrays.py);
#: False: always fresh arrays (a switch for benchmarks' before/after)
IN_PLACE = True

_lock = threading.Lock()
_cpu_kernels: dict[tuple[str, str, str, bool], Callable[..., Any]] = {}


def kernel_arguments(rule: UpdateRule) -> list[str]:
    """The generated kernels' parameters: each reference's input, the gradient, each
    reference's output, then the scalars (the same order on the CPU and on the GPU)."""
    return ([f"{r}_in" for r in rule.refs] + ["grad_in"] + [f"{r}_out" for r in rule.refs]
            + list(rule.scalars))


def _element_lines(rule: UpdateRule, spaces: int, in_place: bool = False) -> tuple[str, str]:
    """The loads of one element into the rule's names and the stores of the results (into the
    inputs when `in_place`)."""
    pad = " " * spaces
    loads = [f"{pad}{r} = {r}_in[i]" for r in rule.refs] + [f"{pad}{rule.grad_name} = grad_in[i]"]
    stores = [f"{pad}{r}_{'in' if in_place else 'out'}[i] = {r}" for r in rule.refs]
    return "\n".join(loads), "\n".join(stores)


def cpu_source(rule: UpdateRule, body: str, dtype: str, in_place: bool = False) -> str:
    """The numba source of one rule's CPU loop over flat arrays of `dtype`; `in_place`: the loop
    stores into its inputs (no output arrays: with distinct outputs LLVM's vectorized loop
    checks that they do not overlap the inputs, and aliased ones would take its scalar
    fallback) and holds the GIL while it runs (ops/_unshared_arrays.py says why)."""
    loads, stores = _element_lines(rule, 8, in_place)
    arguments = [a for a in kernel_arguments(rule) if not (in_place and a.endswith("_out"))]
    return f'''from numba import njit
from numba import {dtype} as _dtype
from numpy import absolute, maximum, sqrt


@njit(cache=True, nogil={not in_place}, error_model="numpy")
def kernel({", ".join(arguments)}):
    one = _dtype(1.0)
{indent(rule.prep, 4) if rule.prep else "    pass"}
    for i in range(var_in.shape[0]):
{loads}
{indent(body, 8)}
{stores}
'''


def cpu_kernel_for(rule: UpdateRule, body: str, dtype: str, in_place: bool = False
                   ) -> Callable[..., Any]:
    """The compiled CPU loop of a rule variant (loaded once per process)."""
    from graphflow.generated_source import load_generated

    key = (rule.op_type, body, dtype, in_place)
    with _lock:
        kernel = _cpu_kernels.get(key)
        if kernel is None:
            kernel = _cpu_kernels[key] = load_generated(
                cpu_source(rule, body, dtype, in_place),
                "apply_update_in_place" if in_place else "apply_update").kernel
        return kernel


def evaluate(rule: UpdateRule, body: str, values: Mapping[str, Any], dtype: Any) -> tuple:
    """The rule on whole numpy arrays (the reference): the new value of every reference."""
    namespace: dict[str, Any] = {"sqrt": np.sqrt, "maximum": np.maximum, "absolute": np.absolute,
                                 "one": np.dtype(dtype).type(1)}
    namespace.update({k: np.asarray(v, dtype) for k, v in values.items()})
    exec(rule.prep + "\n" + body, namespace)  # noqa: S102 - the fixed rule texts of _update_rules
    return tuple(np.asarray(namespace[r], dtype) for r in rule.refs)


def _shape_error(op: Any, rule: UpdateRule, name: str, var_shape: Sequence[int],
                 shape: Sequence[int]) -> errors.OpError:
    return errors.InvalidArgumentError(
        None, op, f"{rule.refs[0]} and {name} do not have the same shape"
        f"{format_dims(tuple(var_shape))} {format_dims(tuple(shape))}")


class UpdateOperands:
    """Where one fused update op's operands are: its stored variables (var and slots, by store
    name) and, among the op's other inputs (`values`, the kernel's arguments in order), the
    gradient and the scalars. Shared by the CPU and CUDA kernels."""

    def __init__(self, rule: UpdateRule, node: Any, store: Any) -> None:
        self.rule, self.op, self.store, self.names = rule, node.op, store, node.ref_vars
        self.values = [n for n in rule.inputs if n not in rule.refs]
        self.grad_at = self.values.index(rule.grad_name)
        self.scalar_at = [i for i, n in enumerate(self.values) if n != rule.grad_name]

    def read(self, args: Sequence[Any]) -> tuple[list[Any], Any, list[Any]]:
        """The stored arrays, the gradient and the scalars of one call (numpy or device arrays),
        checked as TF1 checks them.

        Raises:
            FailedPreconditionError: a variable or slot is not initialized.
            InvalidArgumentError: shapes differ from the variable's, or a scalar is not one.
        """
        rule, op = self.rule, self.op
        current = []
        for name in self.names:
            try:
                current.append(self.store[name])
            except KeyError:
                raise uninitialized(name, op) from None
        shape = tuple(current[0].shape)
        for ref, value in zip(rule.refs[1:], current[1:]):
            if tuple(value.shape) != shape:
                raise _shape_error(op, rule, ref, shape, value.shape)
        grad = args[self.grad_at]
        if tuple(grad.shape) != shape:
            raise _shape_error(op, rule, rule.grad_name, shape, grad.shape)
        scalars = [args[i] for i in self.scalar_at]
        for i, s in zip(self.scalar_at, scalars):
            # numpy's and device arrays' own ndim: np.shape costs 0.2 us a scalar
            if (s.ndim if hasattr(s, "ndim") else np.ndim(s)):
                raise errors.InvalidArgumentError(
                    None, op, f"{self.values[i]} is not a scalar: {format_dims(tuple(np.shape(s)))}")
        return current, grad, scalars


class ApplyUpdate(OpDef):
    """The shared definition of the fused update ops (one `UpdateRule` each)."""

    rule: UpdateRule
    stateful = True
    aliases_input = True  # the output is the variable's stored array
    differentiable = False
    kernels = {"cuda": "graphflow.cuda.apply_updates:build_apply"}

    def infer(self, inputs: Sequence[Spec], attrs: Mapping[str, Any]) -> list[Spec]:
        rule, var = self.rule, inputs[0]
        shape = var.shape
        for name, s in zip(rule.inputs, inputs):
            if s.dtype != var.dtype:
                raise TypeError(f"Input '{name}' of '{self.type}' Op has type {s.dtype.name} that "
                                f"does not match type {var.dtype.name} of argument 'var'.")
            if name in rule.refs or name == rule.grad_name:
                if not shape.is_compatible_with(s.shape):
                    raise ValueError(f"{_incompatible_shapes_text(shape, s.shape)} ({self.type} "
                                     f"inputs 'var' and '{name}')")
                shape = shape.merge_with(s.shape)
            elif s.shape.ndims not in (None, 0):
                raise ValueError(f"Shape must be rank 0 but is rank {s.shape.ndims} for input "
                                 f"'{name}' of '{self.type}' (shape {format_dims(s.dims)})")
        return [Spec(TensorShape(shape), var.dtype)]

    def reference(self, attrs: Mapping[str, Any], *xs: Any) -> tuple:
        """The new value of every variable reference (the variable first), in numpy."""
        dtype = np.asarray(xs[0]).dtype
        return evaluate(self.rule, self.rule.body_for(attrs), dict(zip(self.rule.inputs, xs)), dtype)

    def bind(self, node: Any, state: Any) -> Callable[..., Any]:
        rule, attrs = self.rule, node.attrs
        body = rule.body_for(attrs)
        operands = UpdateOperands(rule, node, state.variables)
        store, names, values = state.variables, node.ref_vars, operands.values
        dtype = node.in_specs[0].dtype.np
        kernel = in_place = None
        if dtype.name in KERNEL_DTYPES:
            kernel = cpu_kernel_for(rule, body, dtype.name)
            in_place = cpu_kernel_for(rule, body, dtype.name, in_place=True)
        to_scalar = dtype.type

        def apply(*args: Any) -> Any:
            current, grad, scalars = operands.read(args)
            shape = current[0].shape
            if kernel is not None and grad.size:
                # reshape(-1) is a view of a contiguous array (a copy of another: inputs only)
                flat_grad = grad if grad.ndim == 1 else grad.reshape(-1)
                flat_scalars = [s if type(s) is to_scalar else to_scalar(s) for s in scalars]
                if IN_PLACE and stored_only(current, store, names):
                    in_place(*[c if c.ndim == 1 else c.reshape(-1) for c in current], flat_grad,
                             *flat_scalars)
                    return current[0]
                new = [np.empty(shape, dtype) for _ in names]
                kernel(*[c.reshape(-1) for c in current], flat_grad,
                       *[n.reshape(-1) for n in new], *flat_scalars)
            else:
                inputs = dict(zip(rule.refs, current))
                inputs[rule.grad_name] = grad
                inputs.update((values[i], s) for i, s in zip(operands.scalar_at, scalars))
                new = list(evaluate(rule, body, inputs, dtype))
            for name, value in zip(names, new):
                store[name] = value
            return new[0]

        return apply


def _define(rule: UpdateRule) -> type[OpDef]:
    refs = tuple(i for i, n in enumerate(rule.inputs) if n in rule.refs)
    doc = f"`{rule.op_type}`: {rule.body.replace(chr(10), '; ')} (see ops/_update_rules.py)."
    return register(type(rule.op_type, (ApplyUpdate,), {
        "__doc__": doc, "type": rule.op_type, "rule": rule, "ref_inputs": refs,
        "defaults": dict(rule.defaults), "__module__": __name__}))


APPLY_OPS: dict[str, type[OpDef]] = {t: _define(r) for t, r in RULES.items()}
