"""`tf.nn.raw_rnn`: the RNN loop driven by a user's `loop_fn`, which picks each step's input,
the first state, what to emit and when each batch entry is finished (TF1's building block for
decoders that feed their own outputs back). One `tf.while_loop`; emitted values go to
dynamically sized TensorArrays; a finished entry emits zeros and keeps its state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphflow import nest
from graphflow.api import array as garray
from graphflow.api import math as gmath
from graphflow.api.control_flow import while_loop
from graphflow.api.indexing import concat
from graphflow.framework import dtypes
from graphflow.framework.constant import constant, convert_to_tensor
from graphflow.framework.tensor_shape import TensorShape
from graphflow.framework.variable_scope import variable_scope
from graphflow.tensor_array import TensorArray

from .static import select_rows


def _static_batch(flat_input: list[Any]) -> int | None:
    batch = None
    for value in flat_input:
        dims = value.shape.dims
        first = dims[0] if dims else None
        if first is not None:
            if batch is not None and batch != first:
                raise ValueError(f"raw_rnn inputs disagree on the batch size: {batch} vs {first}")
            batch = first
    return batch


def _emit_size(emit: Any) -> Any:
    """The size of one batch entry's emit (the emit structure has no batch dimension)."""
    return emit.shape.as_list() if emit.shape.is_fully_defined() else garray.shape(emit)


def _dims(size: Any) -> list[int | None] | None:
    """A static size as a list of dims (None for a size only known as a tensor)."""
    if isinstance(size, int):
        return [size]
    if isinstance(size, (list, tuple, TensorShape)):
        return TensorShape(size).as_list()
    return None


def _zeros(batch_size: Any, size: Any, dtype: Any) -> Any:
    dims = _dims(size)
    if dims is not None and isinstance(batch_size, int):
        return garray.zeros([batch_size] + dims, dtype=dtype)
    tail = constant(dims, dtypes.int32) if dims is not None else size
    return garray.zeros(concat([garray.reshape(batch_size, [1]), tail], 0), dtype=dtype)


def raw_rnn(cell: Any, loop_fn: Callable[..., Any], parallel_iterations: int | None = None,
            swap_memory: bool = False, scope: Any = None) -> tuple[Any, Any, Any]:
    """Runs `cell` in a while loop whose inputs, state and stopping `loop_fn` decides.

    `loop_fn(time, cell_output, cell_state, loop_state)` returns `(elements_finished,
    next_input, next_cell_state, emit_output, next_loop_state)`. It is called once before the
    loop with `cell_output=cell_state=loop_state=None` (returning the first input, the initial
    state, the emit structure or None for the cell's output, and the initial loop state), then
    after every step. The loop runs until every batch entry is finished.

    Args:
        cell: an RNNCell.
        loop_fn: as above.
        parallel_iterations, swap_memory: accepted (iterations run in order).
        scope: the variable scope (default "rnn").

    Returns:
        `(emit_ta, final_state, final_loop_state)`: TensorArrays (in the emit structure) of
        `[batch, ...]` values per step (`.stack()` gives `[time, batch, ...]`), the final cell
        state, and the final loop state (None when `loop_fn` started with None).

    Raises:
        TypeError: when `loop_fn` is not callable.
    """
    if not callable(loop_fn):
        raise TypeError("loop_fn must be a callable")
    parallel_iterations = parallel_iterations or 32
    with variable_scope(scope or "rnn"):
        time = constant(0, dtypes.int32)
        elements_finished, next_input, initial_state, emit_structure, init_loop_state = loop_fn(
            time=time, cell_output=None, cell_state=None, loop_state=None)
        flat_input = [convert_to_tensor(x) for x in nest.flatten(next_input)]
        next_input = nest.pack_sequence_as(next_input, flat_input)
        loop_state = init_loop_state if init_loop_state is not None else constant(0, dtypes.int32)
        const_batch = _static_batch(flat_input)
        batch_size = const_batch if const_batch is not None else garray.shape(flat_input[0])[0]
        nest.assert_same_structure(initial_state, cell.state_size)
        state = nest.map_structure(convert_to_tensor, initial_state)
        flat_state = nest.flatten(state)
        if emit_structure is not None:
            flat_emit = nest.flatten(emit_structure)
            flat_sizes = [_emit_size(convert_to_tensor(e)) for e in flat_emit]
            flat_dtypes = [convert_to_tensor(e).dtype for e in flat_emit]
        else:
            emit_structure = cell.output_size
            flat_sizes = nest.flatten(emit_structure)
            flat_dtypes = [flat_state[0].dtype] * len(flat_sizes)
        flat_ta = []
        for i, (dtype, size) in enumerate(zip(flat_dtypes, flat_sizes)):
            dims = _dims(size)
            element = TensorShape([const_batch] + dims) if dims is not None else TensorShape(None)
            flat_ta.append(TensorArray(dtype, size=0, dynamic_size=True, element_shape=element,
                                       name=f"rnn_output_{i}"))
        emit_ta = nest.pack_sequence_as(emit_structure, flat_ta)
        zero_emit = nest.pack_sequence_as(
            emit_structure, [_zeros(batch_size, size, dtype) for size, dtype in zip(flat_sizes, flat_dtypes)])

        def condition(_time: Any, finished: Any, *_: Any) -> Any:
            return gmath.logical_not(gmath.reduce_all(finished))

        def body(time: Any, finished: Any, current_input: Any, emit_ta: Any, state: Any,
                 loop_state: Any) -> tuple[Any, ...]:
            output, cell_state = cell(current_input, state)
            nest.assert_same_structure(state, cell_state)
            next_time = gmath.add(time, 1)
            next_finished, next_input, next_state, emit_output, next_loop_state = loop_fn(
                next_time, output, cell_state, loop_state)
            nest.assert_same_structure(state, next_state)
            nest.assert_same_structure(current_input, next_input)
            nest.assert_same_structure(emit_ta, emit_output)
            loop_state = loop_state if next_loop_state is None else next_loop_state

            def copy_through(current: Any, candidate: Any) -> Any:
                if isinstance(current, TensorArray) or current.shape.ndims == 0:
                    return candidate
                return select_rows(finished, current, candidate)

            emit_output = nest.map_structure(copy_through, zero_emit, emit_output)
            next_state = nest.map_structure(copy_through, state, next_state)
            emit_ta = nest.map_structure(lambda ta, emit: ta.write(time, emit), emit_ta, emit_output)
            finished = gmath.logical_or(finished, next_finished)
            return next_time, finished, next_input, emit_ta, next_state, loop_state

        returned = while_loop(condition, body,
                              [time, elements_finished, next_input, emit_ta, state, loop_state],
                              parallel_iterations=parallel_iterations, swap_memory=swap_memory)
        emit_ta, final_state, final_loop_state = returned[-3:]
        if init_loop_state is None:
            final_loop_state = None
        return emit_ta, final_state, final_loop_state
