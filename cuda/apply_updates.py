"""The fused optimizer updates on the GPU (ApplyAdam, ApplyMomentum, ...: ops/training_ops.py).

One kernel per rule variant and dtype, generated from the same rule text as the CPU loop
(ops/_update_rules.py): a grid-stride loop reads each element of the variable, its slots and the
gradient and writes the new values into fresh device arrays, which then replace the stored ones
(device values are never written in place, as cuda/variables.py). The scalar inputs (learning
rate, decay rates, beta powers) stay on the device: the kernel takes them as one-element arrays
and computes the rule's derived scalars in every thread, so nothing is copied to the host.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphflow.ops._update_rules import RULES, UpdateRule, indent

from .kernel_cache import cached_kernel, configure, launch_config

DTYPES = ("float32", "float64")


def kernel_source(rule: UpdateRule, body: str, dtype: str) -> str:
    """The numba-CUDA source of one rule variant for flat device arrays of `dtype`."""
    from graphflow.ops.training_ops import kernel_arguments

    arguments = [f"{a}_at" if a in rule.scalars else a for a in kernel_arguments(rule)]
    scalars = "\n".join(f"    {s} = {s}_at[0]" for s in rule.scalars)
    loads = "\n".join([f"        {r} = {r}_in[i]" for r in rule.refs] +
                      [f"        {rule.grad_name} = grad_in[i]"])
    stores = "\n".join(f"        {r}_out[i] = {r}" for r in rule.refs)
    return f'''from builtins import max as maximum
from math import fabs as absolute
from math import sqrt

from numba import cuda
from numba import {dtype} as _dtype


@cuda.jit
def kernel({", ".join(arguments)}):
    one = _dtype(1.0)
{scalars}
{indent(rule.prep, 4) if rule.prep else "    pass"}
    for i in range(cuda.grid(1), var_in.shape[0], cuda.gridsize(1)):
{loads}
{indent(body, 8)}
{stores}
'''


def update_kernel(rule: UpdateRule, body: str, dtype: str) -> Any:
    """The compiled kernel of one rule variant and dtype (loaded once per process)."""
    return cached_kernel(("apply_update", rule.op_type, body, dtype),
                         lambda: kernel_source(rule, body, dtype), "cuda_apply_update")


class _HostView:
    """The session's device store seen from the host: a read downloads, a write uploads."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def __getitem__(self, name: str) -> Any:
        from .device import to_host

        return to_host(self._store[name])

    def __setitem__(self, name: str, value: Any) -> None:
        from .device import to_device

        self._store[name] = to_device(value)


def _through_the_host(node: Any, state: Any) -> Callable[..., Any]:
    """The op's CPU kernel on host copies of the variables and values (float16 and the other
    dtypes without a CUDA kernel): the store keeps device arrays."""
    from types import SimpleNamespace

    from .device import to_device, to_host

    apply = node.opdef.bind(node, SimpleNamespace(variables=_HostView(state.variables)))
    return lambda *args: to_device(apply(*(to_host(a) for a in args)))


def build_apply(node: Any, state: Any) -> Callable[..., Any]:
    """The kernel of a fused update node: reads the stored variable and slots, launches the
    rule's kernel, stores the new arrays and returns the variable's. Dtypes without a kernel
    (float16) run the CPU kernel on host copies."""
    from graphflow.ops.training_ops import UpdateOperands

    from .device import empty, flat

    dtype = node.in_specs[0].dtype.np
    if dtype.name not in DTYPES:
        return _through_the_host(node, state)
    rule = RULES[node.type]
    kernel = update_kernel(rule, rule.body_for(node.attrs), dtype.name)
    operands = UpdateOperands(rule, node, state.variables)
    store, names = state.variables, node.ref_vars
    launches: dict[int, Callable[..., Any]] = {}

    def apply(*args: Any) -> Any:
        current, grad, scalars = operands.read(args)
        shape = tuple(current[0].shape)
        new = [empty(shape, dtype) for _ in names]
        size = int(grad.size)
        if size:
            launch = launches.get(size)
            if launch is None:
                launch = launches[size] = configure(kernel, *launch_config(size))
            launch(*[flat(c) for c in current], flat(grad), *[flat(n) for n in new],
                   *[flat(s) for s in scalars])
        for name, value in zip(names, new):
            store[name] = value
        return new[0]

    return apply


def launch_signatures() -> list[Any]:
    """Every rule variant in float32 and float64 (all arguments flat arrays)."""
    from .launch_signatures import Launch, array

    launches = []
    for rule in RULES.values():
        bodies = dict.fromkeys([rule.body, *rule.variants.values()])
        count = 2 * len(rule.refs) + 1 + len(rule.scalars)
        for variant, body in enumerate(bodies):
            for dtype in DTYPES:
                launches.append(Launch(f"{rule.op_type}-{variant}-{dtype}",
                                       update_kernel(rule, body, dtype).py_func,
                                       (array(dtype),) * count, float32_only=dtype == "float32"))
    return launches
