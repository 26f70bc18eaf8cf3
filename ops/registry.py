"""The op contract: every op is one `OpDef` registered here, the single place its semantics live.

From an `OpDef` one reaches:
  * `infer(inputs, attrs) -> output specs`: the shape/dtype rule, run when the graph is built and
    again when a plan is compiled with concrete feed shapes. It may fill `Spec.value` when the
    output is known at build time (constant propagation for `tf.shape`, `tf.range`, ...).
  * `reference(attrs, *arrays)`: the numpy implementation: the executable spec, the fallback
    kernel and the test oracle. Returns one array, a tuple of arrays, or None (no outputs).
  * `grad(op, *output_grads) -> input grads`, built from graph ops, or `differentiable = False`.
  * `cpu_kernel(node)`: an optional faster CPU implementation (numba or tuned numpy) for one
    concrete node; None means the reference is already the fastest CPU path.
  * `bind(node, state)`: for stateful ops (variables, assignments, random numbers) the kernel
    bound to a session's state.
  * `kernels`: every other backend's kernel builder, by backend name, as an import string
    resolved on first use (`kernel_builder`), so importing graphflow never imports numba-CUDA;
    `host_arguments` and `host_memory` say which values TF1 keeps in host memory.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from graphflow.framework.dtypes import DType
from graphflow.framework.tensor_shape import TensorShape

#: The most elements a shape rule computes as `Spec.value` while the graph is built (constant
#: propagation: shapes computed from constants stay known); larger results are left to the
#: compiler's constant folding, itself bounded (graphflow.compiler.fold), or to run time, so
#: building a graph never materializes a large tensor.
MAX_PROPAGATED_ELEMENTS = 4096


@dataclass(frozen=True)
class Spec:
    """What is statically known about a tensor: shape, dtype and (if constant) its value."""

    shape: TensorShape
    dtype: DType
    value: np.ndarray | None = field(default=None, compare=False)

    @property
    def dims(self) -> tuple[int | None, ...] | None:
        return self.shape.dims

    @property
    def rank(self) -> int | None:
        return self.shape.ndims


@dataclass
class Sample:
    """One conformance case of an op: input arrays (floats in float64; the suite also runs them
    in float32), attributes, and whether to check the gradient by finite differences here."""

    inputs: list[np.ndarray]
    attrs: dict[str, Any] = field(default_factory=dict)
    check_grad: bool = True


def spec(shape: Any, dtype: DType, value: np.ndarray | None = None) -> Spec:
    """Shorthand constructor accepting lists/tuples/None for the shape."""
    return Spec(shape if isinstance(shape, TensorShape) else TensorShape(shape), dtype, value)


class OpDef:
    """Base class of every op definition. Subclasses set `type` and implement the contract."""

    type: ClassVar[str] = ""
    #: Stateful ops are never merged, folded or reordered past each other.
    stateful: ClassVar[bool] = False
    #: Input positions that take a variable *reference* (the variable op), not its value.
    ref_inputs: ClassVar[tuple[int, ...]] = ()
    #: The output may be a view of an input; fetched results of such chains are copied.
    aliases_input: ClassVar[bool] = False
    #: False for ops whose inputs get no gradient (comparisons, shape queries, argmax...).
    differentiable: ClassVar[bool] = True
    #: Kernel builders of the backends other than the CPU (whose kernel is `cpu_kernel`), by
    #: backend name, as "module:function" import strings resolved on first use, e.g.
    #: `{"cuda": "graphflow.cuda.conv:build_conv2d"}`. A builder takes the plan node (static
    #: shapes; only the inputs' when `value_shaped`) and, for a stateful op, the session state; it
    #: returns the node's kernel (a function of device arrays) or None for a variant it does not
    #: cover, which then runs on the host.
    kernels: ClassVar[Mapping[str, str]] = {}
    #: Input positions TF1 keeps in host memory (HostMemory in its GPU kernels): the integer
    #: arguments that fix the output shape or an index map (shapes, sizes, paddings, bounds). When
    #: they are computed at run time, a device backend reads them and specializes the kernel.
    host_arguments: ClassVar[tuple[int, ...]] = ()
    #: TF1 keeps this op's values in host memory (shape metadata, variable bookkeeping): it runs
    #: on the host of every backend, by design rather than for want of a device kernel.
    host_memory: ClassVar[bool] = False
    #: The device kernel takes host objects among its values (strings, TensorLists) as they
    #: are: control-flow ops pass them to their bodies, so a device backend does not run the
    #: op on the host because of them.
    takes_host_objects: ClassVar[bool] = False
    #: The output shape depends on input values (Range, Where): a device kernel is built from the
    #: inputs' shapes alone.
    value_shaped: ClassVar[bool] = False
    #: No backend ever runs this op: the compiler turns it into a value of the plan (Const: a
    #: constant; Placeholder: a feed).
    compiled_away: ClassVar[bool] = False
    #: The outputs are a list (Unpack, Split): kernels return a tuple even when it has one entry.
    list_output: ClassVar[bool] = False
    #: `grad` receives None for outputs nothing depends on (instead of zeros), so it can skip
    #: work: cross-entropy's backprop output is rarely differentiated.
    grad_takes_none: ClassVar[bool] = False
    #: Attribute defaults, filled in when an op is created (as TF1's NodeDef defaults), so
    #: gradients and kernels can read every attribute with `op.get_attr`.
    defaults: ClassVar[Mapping[str, Any]] = {}

    def is_ref_input(self, index: int) -> bool:
        """Whether input `index` is a variable reference (see `ref_inputs`)."""
        return index in self.ref_inputs

    def infer(self, inputs: Sequence[Spec], attrs: Mapping[str, Any]) -> list[Spec]:
        raise NotImplementedError(f"{self.type} has no shape rule")

    def reference(self, attrs: Mapping[str, Any], *xs: Any) -> Any:
        raise NotImplementedError(f"{self.type} has no reference implementation")

    def grad(self, op: Any, *dys: Any) -> Sequence[Any]:
        if not self.differentiable:
            return [None] * len(op.inputs)
        raise LookupError(f"No gradient defined for operation '{op.name}' (op type: {self.type})")

    def cpu_kernel(self, node: Any) -> Callable[..., Any] | None:
        return None

    def kernel_builder(self, backend: str) -> Callable[..., Any] | None:
        """The kernel builder this op declares for `backend` in `kernels`, imported on first use.

        Returns:
            The builder, or None when the op declares none for `backend`.

        Raises:
            ImportError: naming the op when its declaration does not resolve.
        """
        target = self.kernels.get(backend)
        return None if target is None else resolve(target, self.type)

    def samples(self, rng: np.random.Generator) -> list[Sample]:
        """Small cases the op-conformance suite runs (shape rule, kernels, gradient).

        Every non-stateful op must return at least one; cover broadcasting, odd sizes, size-1
        dims and attributes. Keep values away from kinks (e.g. |x| > 0.1 for abs or relu).
        """
        return []

    def bind(self, node: Any, state: Any) -> Callable[..., Any]:
        raise NotImplementedError(f"{self.type} is stateful but has no bind()")

    def __repr__(self) -> str:
        return f"<OpDef {self.type}>"


REGISTRY: dict[str, OpDef] = {}

_resolved: dict[str, Callable[..., Any]] = {}


def resolve(target: str, op_type: str = "") -> Callable[..., Any]:
    """The function a "module:function" import string names, imported once and cached.

    Args:
        target: e.g. "graphflow.cuda.conv:build_conv2d".
        op_type: the op declaring it, for the error message.

    Raises:
        ImportError: naming the op and the import string when it does not resolve.
    """
    function = _resolved.get(target)
    if function is None:
        module_name, _, name = target.partition(":")
        try:
            function = getattr(importlib.import_module(module_name), name)
        except (ImportError, AttributeError) as e:
            raise ImportError(f"op {op_type or '?'}: kernel builder {target!r} does not resolve: "
                              f"{e}") from e
        _resolved[target] = function
    return function


def register(cls: type[OpDef]) -> type[OpDef]:
    """Class decorator: instantiate the OpDef and register it under its `type`.

    Raises:
        ValueError: if another op already uses the type name.
    """
    if not cls.type:
        raise ValueError(f"{cls.__name__} has no type name")
    if cls.type in REGISTRY:
        raise ValueError(f"op type {cls.type!r} is registered twice")
    REGISTRY[cls.type] = cls()
    return cls


def get(op_type: str) -> OpDef:
    """The registered OpDef of an op type.

    Raises:
        KeyError: naming the unknown type.
    """
    try:
        return REGISTRY[op_type]
    except KeyError:
        raise KeyError(f"no op type {op_type!r} is registered") from None
