"""`tf.nn.dynamic_rnn` and `tf.nn.bidirectional_dynamic_rnn`: the RNN as one `tf.while_loop` over
time, built as TF1 builds it: the time-major inputs unstacked into a TensorArray read at step
`time`, the outputs written to a TensorArray stacked after the loop, the state a loop variable.

With `sequence_length` the loop stops at the longest sequence, a batch entry past its length
outputs zeros and keeps its state (TF1's `_rnn_step` with `skip_conditionals=True`), and steps
after the longest sequence stay zero in the stacked outputs.
"""

from __future__ import annotations

from typing import Any

from graphflow import nest
from graphflow.api import array as garray
from graphflow.api import math as gmath
from graphflow.api.control_flow import while_loop
from graphflow.api.indexing import reverse, transpose
from graphflow.framework import dtypes
from graphflow.framework.constant import constant, convert_to_tensor
from graphflow.framework.graph import get_default_graph
from graphflow.framework.tensor_shape import TensorShape
from graphflow.framework.variable_scope import variable_scope
from graphflow.tensor_array import TensorArray

from .cell_base import zeros_for
from .reverse import reverse_sequence
from .static import DYNAMIC_NO_DTYPE, _copy_through, initial_state_of, sequence_length_vector


def transpose_batch_time(value: Any) -> Any:
    """Swaps the first two dimensions (batch-major <-> time-major).

    Raises:
        ValueError: for a tensor of rank < 2.
    """
    value = convert_to_tensor(value)
    rank = value.shape.ndims
    if rank is not None and rank < 2:
        raise ValueError(f"Expected input tensor {value.name} to have rank at least 2, but saw "
                         f"shape: {value.shape}")
    if rank is None:
        raise ValueError(f"dynamic_rnn needs inputs of known rank, saw {value.name} of shape "
                         f"{value.shape}")
    swapped = transpose(value, [1, 0] + list(range(2, rank)))
    dims = list(value.shape.dims)
    swapped.set_shape([dims[1], dims[0]] + dims[2:])
    return swapped


def _batch_size(flat_input: list[Any]) -> Any:
    """The batch dimension (axis 1 of time-major inputs): static when any input knows it."""
    for value in flat_input:
        dims = value.shape.dims
        if dims is None:
            continue
        if len(dims) < 2:
            raise ValueError(f"Expected input tensor {value.name} to have rank at least 2")
        if dims[1] is not None:
            return dims[1]
    return garray.shape(flat_input[0])[1]


def _check_input_shapes(flat_input: list[Any]) -> tuple[int | None, int | None]:
    shapes = [value.shape for value in flat_input]
    for shape in shapes:
        if shape.ndims is None or shape.ndims < 3:
            raise ValueError(f"dynamic_rnn inputs must have rank at least 3 ([time, batch, depth] "
                             f"or [batch, time, depth]), saw shape {shape}")
        if any(d is None for d in list(shape.dims)[2:]):
            raise ValueError("Input size (depth of inputs) must be accessible via shape "
                             "inference, but saw value None.")
    const_time, const_batch = list(shapes[0].dims)[:2]
    for shape in shapes[1:]:
        if shape.dims[0] != const_time:
            raise ValueError("Time steps is not the same for all the elements in the input in a "
                             "batch.")
        if shape.dims[1] != const_batch:
            raise ValueError("Batch_size is not the same for all the elements in the input.")
    return const_time, const_batch


def _size_dims(size: Any) -> list[int | None]:
    return TensorShape(size).as_list() if not isinstance(size, int) else [size]


def _dynamic_rnn_loop(cell: Any, inputs: Any, state: Any, swap_memory: bool,
                      sequence_length: Any, parallel_iterations: int) -> tuple[Any, Any]:
    flat_input = nest.flatten(inputs)
    flat_output_size = nest.flatten(cell.output_size)
    const_time, const_batch = _check_input_shapes(flat_input)
    time_steps = garray.shape(flat_input[0])[0]
    batch_size = _batch_size(flat_input)
    state_dtype = nest.flatten(state)[0].dtype
    zero_output = zeros_for(cell.output_size, batch_size, state_dtype)
    max_length = time_steps if sequence_length is None else gmath.reduce_max(sequence_length)
    time = constant(0, dtypes.int32, name="time")
    graph = get_default_graph()
    with graph.name_scope("dynamic_rnn") as scope:
        base_name = scope
    output_ta = tuple(
        TensorArray(state_dtype, size=time_steps, tensor_array_name=f"{base_name}output_{i}",
                    element_shape=TensorShape([const_batch] + _size_dims(size)))
        for i, size in enumerate(flat_output_size))
    input_ta = tuple(
        TensorArray(value.dtype, size=time_steps, tensor_array_name=f"{base_name}input_{i}",
                    element_shape=value.shape[1:]).unstack(value)
        for i, value in enumerate(flat_input))

    def time_step(time: Any, output_ta_t: Any, state: Any) -> tuple[Any, Any, Any]:
        input_t = []
        for ta, value in zip(input_ta, flat_input):
            read = ta.read(time)
            read.set_shape(value.shape[1:])
            input_t.append(read)
        input_t = nest.pack_sequence_as(inputs, input_t)
        output, new_state = cell(input_t, state)
        nest.assert_same_structure(zero_output, output)
        nest.assert_same_structure(state, new_state)
        if sequence_length is not None:
            done = gmath.greater_equal(time, sequence_length)
            output, new_state = _copy_through(done, zero_output, output, state, new_state)
        output_ta_t = tuple(ta.write(time, out) for ta, out in zip(output_ta_t, nest.flatten(output)))
        return gmath.add(time, 1), output_ta_t, new_state

    # At least one iteration, so an all-empty batch still builds its outputs (TF1).
    loop_bound = gmath.minimum(time_steps, gmath.maximum(1, max_length))
    _, final_ta, final_state = while_loop(
        lambda time, *_: gmath.less(time, loop_bound), time_step, (time, output_ta, state),
        parallel_iterations=parallel_iterations, maximum_iterations=time_steps,
        swap_memory=swap_memory)
    final_outputs = []
    for ta, size in zip(final_ta, flat_output_size):
        stacked = ta.stack()
        stacked.set_shape([const_time, const_batch] + _size_dims(size))
        final_outputs.append(stacked)
    return nest.pack_sequence_as(cell.output_size, final_outputs), final_state


def _checked_lengths(sequence_length: Any, batch_size: Any) -> Any:
    """`sequence_length` behind a run-time check that it has one entry per batch entry (TF1's
    InvalidArgumentError; a length-1 vector would otherwise broadcast silently)."""
    from graphflow.api._build import op
    from graphflow.api.indexing import stack

    actual = garray.shape(sequence_length)
    expected = stack([batch_size])
    ok = gmath.reduce_all(gmath.equal(actual, expected))
    check = op("Assert", [ok, expected, actual], {
        "message": f"Expected shape for Tensor {sequence_length.name} is [batch_size] but saw "
                   "(expected, got):", "summarize": 3}, name="Assert")
    with get_default_graph().control_dependencies([check]):
        return garray.identity(sequence_length, name="CheckSeqLen")


def dynamic_rnn(cell: Any, inputs: Any, sequence_length: Any = None, initial_state: Any = None,
                dtype: Any = None, parallel_iterations: int | None = None, swap_memory: bool = False,
                time_major: bool = False, scope: Any = None) -> tuple[Any, Any]:
    """Runs `cell` over the time dimension of `inputs` in a `tf.while_loop`.

    Args:
        cell: an RNNCell.
        inputs: `[batch, time, depth]` (or `[time, batch, depth]` with `time_major`), or a
            nested structure of such tensors.
        sequence_length: int vector `[batch]`: outputs past an entry's length are zeros and its
            state is carried unchanged; the loop stops at the longest.
        initial_state: the first state (default: the cell's zero state in `dtype`).
        dtype: the state dtype when `initial_state` is not given.
        parallel_iterations, swap_memory: accepted (the loop runs its iterations in order).
        time_major: the inputs and outputs are `[time, batch, ...]`.
        scope: the variable scope (default "rnn").

    Returns:
        `(outputs, state)`: outputs `[batch, time, output_size]` (time-major with `time_major`)
        in the structure of `cell.output_size`, and the final state.

    Raises:
        ValueError: without `initial_state` and `dtype`, for a `sequence_length` that is not a
            vector, inputs of rank < 3 or unknown depth, or inputs disagreeing on time/batch.
    """
    with variable_scope(scope or "rnn"):
        flat_input = [convert_to_tensor(value) for value in nest.flatten(inputs)]
        if not time_major:
            flat_input = [transpose_batch_time(value) for value in flat_input]
        parallel_iterations = parallel_iterations or 32
        if sequence_length is not None:
            sequence_length = garray.identity(sequence_length_vector(sequence_length, "dynamic_rnn"),
                                              name="sequence_length")
        batch_size = _batch_size(flat_input)
        state = initial_state_of(cell, initial_state, dtype, batch_size, DYNAMIC_NO_DTYPE)
        if sequence_length is not None:
            sequence_length = _checked_lengths(sequence_length, batch_size)
        inputs = nest.pack_sequence_as(inputs, flat_input)
        outputs, final_state = _dynamic_rnn_loop(cell, inputs, state, swap_memory, sequence_length,
                                                 parallel_iterations)
        if not time_major:
            outputs = nest.map_structure(transpose_batch_time, outputs)
        return outputs, final_state


def bidirectional_dynamic_rnn(cell_fw: Any, cell_bw: Any, inputs: Any, sequence_length: Any = None,
                              initial_state_fw: Any = None, initial_state_bw: Any = None,
                              dtype: Any = None, parallel_iterations: int | None = None,
                              swap_memory: bool = False, time_major: bool = False,
                              scope: Any = None) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """A forward `dynamic_rnn` and one over the reversed inputs (each entry reversed within its
    `sequence_length`), its outputs reversed back.

    Args:
        cell_fw, cell_bw: the two cells (variables under `fw/` and `bw/`).
        inputs, sequence_length, dtype, parallel_iterations, swap_memory, time_major: as
            `dynamic_rnn`.
        initial_state_fw, initial_state_bw: the first states (default: zeros in `dtype`).
        scope: the variable scope (default "bidirectional_rnn").

    Returns:
        `((output_fw, output_bw), (output_state_fw, output_state_bw))`.
    """
    time_axis, batch_axis = (0, 1) if time_major else (1, 0)

    def reverse_time(value: Any) -> Any:
        if sequence_length is None:
            return reverse(value, axis=[time_axis])
        return reverse_sequence(value, sequence_length, seq_axis=time_axis, batch_axis=batch_axis)

    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            output_fw, state_fw = dynamic_rnn(cell_fw, inputs, sequence_length, initial_state_fw,
                                              dtype, parallel_iterations, swap_memory, time_major,
                                              scope=fw_scope)
        with variable_scope("bw") as bw_scope:
            reversed_inputs = nest.map_structure(reverse_time, inputs)
            reversed_output, state_bw = dynamic_rnn(cell_bw, reversed_inputs, sequence_length,
                                                    initial_state_bw, dtype, parallel_iterations,
                                                    swap_memory, time_major, scope=bw_scope)
    output_bw = nest.map_structure(reverse_time, reversed_output)
    return (output_fw, output_bw), (state_fw, state_bw)
