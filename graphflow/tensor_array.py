"""`tf.TensorArray`: TF1's API over functional list values.

A TensorArray is a thin Python wrapper around its `flow`, a `tf.variant` scalar tensor holding a
list value (ops/tensor_list*.py). Every writing method returns a new TensorArray on the new flow;
reading methods read the current flow. The wrapper keeps TF1's flags (dynamic_size,
clear_after_read, infer_shape) and passes them to the ops it creates, and the element shape
learned from writes, shared (as TF1 does) by every TensorArray derived from the same one, so
that the shape a loop body writes is known after the loop.

Control flow carries TensorArrays as loop variables through `flow`: `while_loop`/`cond`
replace each object having `_with_flow` by its `.flow` and rebuild it with `_with_flow(flow)`.
"""

from __future__ import annotations

from typing import Any

from graphflow.api import list_ops
from graphflow.framework import dtypes
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.graph import get_default_graph
from graphflow.framework.tensor import Operation, Tensor
from graphflow.framework.tensor_shape import TensorShape, as_shape


class TensorArray:
    """A list of same-dtype tensors written and read by index, with TF1's semantics.

    Args:
        dtype: the element dtype.
        size: the number of elements (int or int32 scalar tensor); required unless `flow` (or
            `handle`) is given.
        dynamic_size: whether writes past the size grow the array (default False).
        clear_after_read: whether reading an element twice is an error (default True, as TF1).
        tensor_array_name: the name shown in error messages (default: the op's name).
        handle: an existing flow tensor to wrap (TF1's resource handle; same as `flow` here).
        flow: an existing flow tensor (a `tf.variant` scalar) to wrap.
        infer_shape: whether writes must agree on the element shape (and teach it to reads).
        element_shape: the element shape, possibly partial.
        colocate_with_first_write_call: accepted for TF1 compatibility (placement is per op).
        name: the name of the op creating the array.

    Raises:
        ValueError: when neither size nor flow is given, or `flow` is not a variant tensor.
    """

    def __init__(self, dtype: Any, size: Any = None, dynamic_size: bool | None = None,
                 clear_after_read: bool | None = None, tensor_array_name: str | None = None,
                 handle: Any = None, flow: Any = None, infer_shape: bool = True,
                 element_shape: Any = None, colocate_with_first_write_call: bool = True,
                 name: str | None = None) -> None:
        self._dtype = dtypes.as_dtype(dtype)
        self._dynamic_size = bool(dynamic_size)
        self._clear_after_read = True if clear_after_read is None else bool(clear_after_read)
        self._infer_shape = bool(infer_shape)
        self._write_mode = "once"
        # one shared cell: TensorArrays derived from this one learn the same element shape
        self._element_shape = [TensorShape(None) if element_shape is None else as_shape(element_shape)]
        # the size when known statically: TF1's stack() of a fixed-size array has it as its
        # leading dimension
        self._static_size = None
        flow = flow if flow is not None else handle
        if flow is not None:
            flow = convert_to_tensor(flow)
            if flow.dtype != dtypes.variant:
                raise ValueError(f"TensorArray flow must be a variant tensor, got {flow.dtype.name}")
            self._flow = flow
            return
        if size is None:
            raise ValueError("Size must be provided if handle is not provided")
        if not self._dynamic_size:
            known = getattr(size, "_const_value", size) if isinstance(size, Tensor) else size
            self._static_size = None if known is None else int(known)
        graph = get_default_graph()
        full_name = graph.unique_name(name or "TensorArray", mark_as_used=False)
        op_name = full_name.rsplit("/", 1)[-1]
        # the op's own name as an attribute: two arrays are never merged into one value by the
        # compiler (TF1's arrays are resources; reads of one array are counted per value)
        self._flow = list_ops.reserve(self._element_shape[0], size, self._dtype,
                                      array_name=tensor_array_name or op_name, name=op_name,
                                      handle_name=full_name)

    # ---- properties --------------------------------------------------------------------------
    @property
    def flow(self) -> Tensor:
        """The variant tensor holding this array's value."""
        return self._flow

    @property
    def handle(self) -> Tensor:
        """TF1's resource handle: here the flow itself (a list is a value, not a resource)."""
        return self._flow

    @property
    def dtype(self) -> dtypes.DType:
        return self._dtype

    @property
    def element_shape(self) -> TensorShape:
        """The element shape known so far (merged from writes when `infer_shape`)."""
        return self._element_shape[0]

    @property
    def dynamic_size(self) -> bool:
        return self._dynamic_size

    @property
    def _infer_shape_flag(self) -> bool:
        return self._infer_shape

    def _with_flow(self, flow: Tensor) -> TensorArray:
        """A TensorArray on `flow` sharing this one's dtype, flags and element shape (how
        control flow rebuilds TensorArrays it carried as tensors)."""
        new = TensorArray.__new__(TensorArray)
        new.__dict__.update(self.__dict__)
        new._flow = flow
        return new

    def _merge_element_shape(self, shape: TensorShape) -> None:
        """TF1's build-time check that a written element agrees with earlier ones.

        Raises:
            ValueError: "Inconsistent shapes: saw ... but expected ..." (TF1's text).
        """
        if not self._infer_shape:
            return
        known = self._element_shape[0]
        if not known.is_compatible_with(shape):
            raise ValueError(f"Inconsistent shapes: saw {shape} but expected {known} ")
        self._element_shape[0] = known.merge_with(shape)

    def _flags(self) -> dict[str, Any]:
        return {"write_mode": self._write_mode, "resize": self._dynamic_size, "infer_shape": self._infer_shape}

    def _element_dims(self) -> list[int | None] | None:
        return self._element_shape[0].as_list() if self._element_shape[0].ndims is not None else None

    def _value(self, value: Any, name: str) -> Tensor:
        return convert_to_tensor(value, preferred_dtype=self._dtype, name=name)

    # ---- writing -----------------------------------------------------------------------------
    def write(self, index: Any, value: Any, name: str | None = None) -> TensorArray:
        """A TensorArray with element `index` set to `value` (each index is written once).

        Raises:
            ValueError: `value`'s shape disagrees with the element shape (infer_shape).
        """
        with get_default_graph().name_scope(name or "TensorArrayWrite"):
            value = self._value(value, "value")
            self._merge_element_shape(value.shape)
            flow = list_ops.set_item(self._flow, index, value, name="TensorArrayWriteV3",
                                     **self._flags())
        return self._with_flow(flow)

    def scatter(self, indices: Any, value: Any, name: str | None = None) -> TensorArray:
        """A TensorArray with `value[k]` written at `indices[k]`."""
        with get_default_graph().name_scope(name or "TensorArrayScatter"):
            value = self._value(value, "value")
            if value.shape.ndims is not None and value.shape.ndims > 0:
                self._merge_element_shape(TensorShape(value.shape.as_list()[1:]))
            flow = list_ops.scatter(self._flow, value, indices, name="TensorArrayScatterV3",
                                    **self._flags())
        return self._with_flow(flow)

    def unstack(self, value: Any, name: str | None = None) -> TensorArray:
        """A TensorArray with `value`'s rows written at 0, 1, ... (TF1: a scatter)."""
        from graphflow.api.array import shape
        from graphflow.api.indexing import range as range_

        with get_default_graph().name_scope(name or "TensorArrayUnstack"):
            value = self._value(value, "value")
            indices = range_(0, shape(value)[0])
            return self.scatter(indices, value, name="TensorArrayScatter")

    def split(self, value: Any, lengths: Any, name: str | None = None) -> TensorArray:
        """A TensorArray with `value`'s consecutive pieces of `lengths` rows at 0, 1, ..."""
        with get_default_graph().name_scope(name or "TensorArraySplit"):
            value = self._value(value, "value")
            lengths = convert_to_tensor(lengths, preferred_dtype=dtypes.int64, name="lengths")
            # TF1: elements have a known shape only when every length is the same constant
            known = getattr(lengths, "_const_value", None)
            if (value.shape.ndims is not None and value.shape.ndims > 0 and known is not None
                    and known.size and (known == known.flat[0]).all()):
                self._merge_element_shape(TensorShape([int(known.flat[0])] + value.shape.as_list()[1:]))
            flow = list_ops.split(self._flow, value, lengths, name="TensorArraySplitV3",
                                  **self._flags())
        return self._with_flow(flow)

    # ---- reading -----------------------------------------------------------------------------
    def read(self, index: Any, name: str | None = None) -> Tensor:
        """Element `index` (zeros when unwritten and the element shape is fully known)."""
        return list_ops.get_item(self._flow, index, self._dtype, self._element_dims(),
                                 self._clear_after_read, name=name or "TensorArrayReadV3")

    def gather(self, indices: Any, name: str | None = None) -> Tensor:
        """The elements at `indices` stacked along a new first dimension."""
        return list_ops.gather(self._flow, indices, self._dtype, self._element_dims(),
                               self._clear_after_read, name=name or "TensorArrayGatherV3")

    def stack(self, name: str | None = None) -> Tensor:
        """All elements stacked along a new first dimension."""
        with get_default_graph().name_scope(name or "TensorArrayStack"):
            dims = self._element_dims()
            return list_ops.stack(self._flow, self._dtype, dims,
                                  num_elements=-1 if dims is None or self._static_size is None
                                  else self._static_size,
                                  clear_after_read=self._clear_after_read, name="TensorArrayGatherV3")

    def concat(self, name: str | None = None) -> Tensor:
        """The elements concatenated along their first dimension."""
        value, _ = list_ops.concat(self._flow, self._dtype, self._element_dims(),
                                   clear_after_read=self._clear_after_read,
                                   name=name or "TensorArrayConcatV3")
        dims = self._element_dims()
        if dims and self._static_size is not None and dims[0] is not None:
            value.set_shape([self._static_size * dims[0]] + dims[1:])  # TF1's static size
        return value

    def size(self, name: str | None = None) -> Tensor:
        """The number of elements (int32 scalar)."""
        return list_ops.length(self._flow, name=name or "TensorArraySizeV3")

    # ---- the rest of TF1's surface -------------------------------------------------------------
    def identity(self) -> TensorArray:
        """A TensorArray on an identity of the flow (TF1: to order reads after control deps)."""
        from graphflow.api.array import identity

        return self._with_flow(identity(self._flow))

    def close(self, name: str | None = None) -> Operation:
        """TF1 frees the array; a list value needs nothing: a no-op, for compatibility."""
        from graphflow.framework.variables import no_op

        return no_op(name=name or "TensorArrayCloseV3")

    def grad(self, source: str, flow: Any = None, name: str | None = None) -> TensorArray:
        """An empty TensorArray like this one, whose repeated writes add up (TF1's gradient
        TensorArray; `tf.gradients` differentiates list values directly, so this is rarely
        needed)."""
        new = self._with_flow(list_ops.zeros_like(self._flow if flow is None else flow,
                                                  name=name or "TensorArrayGrad"))
        new._clear_after_read = False
        new._write_mode = "aggregate"
        return new
