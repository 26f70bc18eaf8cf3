"""`Tensor` (one output of an `Operation`) and `Operation` (one node of the user's graph).

These are the user-facing, mutable-graph objects. Compilation never mutates them; the compiler
lowers them into its own immutable IR (`graphflow.compiler.ir`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from .default_session import session_for
from .dtypes import DType
from .tensor_shape import TensorShape, as_shape

if TYPE_CHECKING:
    from .graph import Graph


class Tensor:
    """A symbolic handle to one output of an Operation, named `"<op name>:<index>"`.

    Supports Python operators (`+`, `*`, `@`, `[]`, comparisons, ...), which create ops in the
    tensor's graph. `Tensor.eval()` runs it in the default session.
    """

    # Make numpy defer to our reflected operators: `np_array * tensor` builds a graph op.
    __array_priority__ = 100

    # Operator implementations are installed by graphflow.api.math / api.array (avoids cycles).
    _OPERATORS: dict[str, Callable[..., Any]] = {}

    def __init__(
        self, op: Operation, value_index: int, dtype: DType, shape: TensorShape, value: Any = None
    ) -> None:
        self._op = op
        self._value_index = value_index
        self._dtype = dtype
        self._shape = shape
        self._const_value = value  # statically known value (constant propagation), or None
        self._consumers: list[Operation] = []

    @property
    def op(self) -> Operation:
        return self._op

    @property
    def value_index(self) -> int:
        return self._value_index

    @property
    def dtype(self) -> DType:
        return self._dtype

    @property
    def graph(self) -> Graph:
        return self._op.graph

    @property
    def name(self) -> str:
        return f"{self._op.name}:{self._value_index}"

    @property
    def device(self) -> str:
        return self._op.device

    @property
    def shape(self) -> TensorShape:
        return self._shape

    def get_shape(self) -> TensorShape:
        """The static shape (possibly partial)."""
        return self._shape

    def set_shape(self, shape: Any) -> None:
        """Refines the static shape.

        Raises:
            ValueError: if `shape` is incompatible with the current static shape.
        """
        try:
            self._shape = self._shape.merge_with(as_shape(shape))
        except ValueError:
            raise ValueError(
                f"Tensor {self.name} has shape {self._shape} which is incompatible with {as_shape(shape)}"
            ) from None

    def consumers(self) -> list[Operation]:
        return list(self._consumers)

    def eval(self, feed_dict: Mapping[Any, Any] | None = None, session: Any = None) -> Any:
        """Runs this tensor in `session` (default: the default session) and returns its value."""
        return session_for(session, self.graph).run(self, feed_dict)

    def __repr__(self) -> str:
        return f'<tf.Tensor "{self.name}" shape={self._shape} dtype={self._dtype.name}>'

    __str__ = __repr__

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:  # identity, as TF1 graph-mode tensors
        return self is other

    def __bool__(self) -> bool:
        raise TypeError(
            "Using a `tf.Tensor` as a Python `bool` is not allowed. Use `if t is not None:` "
            "instead of `if t:` or tf.cond to execute subgraphs conditioned on the value."
        )

    def __iter__(self) -> Any:
        raise TypeError("'Tensor' object is not iterable.")

    def __len__(self) -> int:
        raise TypeError(f"len is not well defined for symbolic Tensors ({self.name}).")

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        raise TypeError(
            f"Cannot convert a symbolic Tensor ({self.name}) to a numpy array; run it in a Session."
        )


def _install_operator(name: str) -> None:
    def method(self: Tensor, *args: Any) -> Any:
        return Tensor._OPERATORS[name](self, *args)

    method.__name__ = name
    setattr(Tensor, name, method)


for _name in (
    "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
    "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__", "__pow__",
    "__rpow__", "__matmul__", "__rmatmul__", "__neg__", "__abs__", "__invert__", "__and__",
    "__rand__", "__or__", "__ror__", "__xor__", "__rxor__", "__lt__", "__le__", "__gt__",
    "__ge__", "__getitem__",
):  # fmt: skip
    _install_operator(_name)


class Operation:
    """A node of the graph: an op type, attributes, input tensors and output tensors."""

    def __init__(
        self,
        graph: Graph,
        op_type: str,
        name: str,
        inputs: list[Tensor],
        attrs: dict[str, Any],
        control_inputs: list[Operation],
        device: str,
        creation_site: str,
        op_id: int,
    ) -> None:
        self._graph = graph
        self._type = op_type
        self._name = name
        self._inputs = tuple(inputs)
        self._attrs = attrs
        self._control_inputs = list(control_inputs)
        self._device = device
        self.creation_site = creation_site
        self._id = op_id
        self._outputs: tuple[Tensor, ...] = ()

    @property
    def name(self) -> str:
        return self._name

    @property
    def type(self) -> str:
        return self._type

    @property
    def graph(self) -> Graph:
        return self._graph

    @property
    def inputs(self) -> tuple[Tensor, ...]:
        return self._inputs

    @property
    def outputs(self) -> tuple[Tensor, ...]:
        return self._outputs

    @property
    def control_inputs(self) -> list[Operation]:
        return list(self._control_inputs)

    @property
    def device(self) -> str:
        return self._device

    @property
    def attrs(self) -> Mapping[str, Any]:
        return self._attrs

    @property
    def node_def(self) -> Any:
        return None

    def get_attr(self, name: str) -> Any:
        """The value of attribute `name`.

        Raises:
            ValueError: if the op has no such attribute (as TF1).
        """
        if name not in self._attrs:
            raise ValueError(f"Operation '{self._name}' has no attr named '{name}'.")
        return self._attrs[name]

    def values(self) -> tuple[Tensor, ...]:
        return self._outputs

    def _add_control_input(self, op: Operation) -> None:
        if op not in self._control_inputs:
            self._control_inputs.append(op)

    def _add_control_inputs(self, ops: list[Operation]) -> None:
        for op in ops:
            self._add_control_input(op)

    def run(self, feed_dict: Mapping[Any, Any] | None = None, session: Any = None) -> None:
        """Runs this op in `session` (default: the default session)."""
        session_for(session, self._graph).run(self, feed_dict)

    def __repr__(self) -> str:
        return f'<tf.Operation "{self._name}" type={self._type}>'

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other
