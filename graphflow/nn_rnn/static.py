"""`tf.nn.static_rnn` and `tf.nn.static_bidirectional_rnn`: the RNN unrolled in Python, one cell
call per time step (variables created at step 0, reused after), as TF1 builds it.

With `sequence_length`, a batch entry past its length gets zero outputs and keeps its last
state (TF1's `_rnn_step`, which selects rather than branching: the values are the same).
"""

from __future__ import annotations

from typing import Any

from graphflow import nest
from graphflow.api import array as garray
from graphflow.api import math as gmath
from graphflow.api.indexing import concat, expand_dims, stack, unstack
from graphflow.framework import dtypes
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.graph import get_default_graph
from graphflow.framework.variable_scope import variable_scope

from .cell_base import zeros_for
from .reverse import reverse_sequence


def batch_size_of(flat_input: list[Any]) -> Any:
    """The batch dimension of the first input: an int when static, else a scalar tensor."""
    first = flat_input[0]
    dims = first.shape.dims
    if dims is None or len(dims) < 1:
        raise ValueError(f"Input must have rank at least 1, saw shape {first.shape} ({first.name})")
    if dims[0] is not None:
        return dims[0]
    return garray.shape(first)[0]


STATIC_NO_DTYPE = "If no initial_state is provided, dtype must be specified"
DYNAMIC_NO_DTYPE = "If there is no initial_state, you must give a dtype."


def initial_state_of(cell: Any, initial_state: Any, dtype: Any, batch_size: Any,
                     message: str = STATIC_NO_DTYPE) -> Any:
    """`initial_state`, or the cell's zero state in `dtype`.

    Raises:
        ValueError: without both (TF1's message for the calling driver).
    """
    if initial_state is not None:
        return initial_state
    if not dtype:
        raise ValueError(message)
    if hasattr(cell, "get_initial_state"):
        return cell.zero_state(batch_size, dtype)
    return zeros_for(cell.state_size, batch_size, dtypes.as_dtype(dtype))


def sequence_length_vector(sequence_length: Any, where: str) -> Any:
    """`sequence_length` as an int32 vector (TF1 casts it).

    Raises:
        ValueError: when its rank is known and not 1.
    """
    lengths = gmath.cast(convert_to_tensor(sequence_length), dtypes.int32)
    if lengths.shape.ndims not in (None, 1):
        raise ValueError(f"sequence_length must be a vector of length batch_size, "
                         f"but saw shape: {lengths.shape} ({where})")
    return lengths


def select_rows(done: Any, when_done: Any, otherwise: Any) -> Any:
    """Per batch row: `when_done` where `done[b]`, else `otherwise` (TF1's rank-1 `where`)."""
    rank = otherwise.shape.ndims or 2
    condition = done
    for _ in range(rank - 1):
        condition = expand_dims(condition, -1)
    result = gmath.where_v2(condition, when_done, otherwise)
    result.set_shape(otherwise.get_shape())
    return result


def _copy_through(done: Any, zero_output: Any, output: Any, state: Any, new_state: Any
                  ) -> tuple[Any, Any]:
    """Zero outputs and the previous state for batch entries whose sequence has ended."""
    output = nest.map_structure(lambda z, o: select_rows(done, z, o), zero_output, output)
    new_state = nest.map_structure(lambda old, new: select_rows(done, old, new), state, new_state)
    return output, new_state


def static_rnn(cell: Any, inputs: Any, initial_state: Any = None, dtype: Any = None,
               sequence_length: Any = None, scope: Any = None) -> tuple[list[Any], Any]:
    """Unrolls `cell` over the list `inputs` (one `[batch, depth]` tensor per step).

    Args:
        cell: an RNNCell.
        inputs: a non-empty list of tensors (or structures of tensors), one per time step.
        initial_state: the first state (default: the cell's zero state in `dtype`).
        dtype: the state dtype when `initial_state` is not given.
        sequence_length: int vector `[batch]`: steps past an entry's length output zeros and
            keep its state.
        scope: the variable scope (default "rnn").

    Returns:
        `(outputs, state)`: the list of outputs and the final state.

    Raises:
        TypeError: when `inputs` is not a list; ValueError: when it is empty, or without
            `initial_state` and `dtype`.
    """
    if not nest.is_nested(inputs):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    outputs = []
    with variable_scope(scope or "rnn") as varscope:
        flat_input = [convert_to_tensor(x) for x in nest.flatten(inputs[0])]
        batch_size = batch_size_of(flat_input)
        state = initial_state_of(cell, initial_state, dtype, batch_size)
        if sequence_length is not None:
            lengths = sequence_length_vector(sequence_length, "static_rnn")
            with get_default_graph().name_scope("sequence_length"):
                lengths = garray.identity(lengths, name="sequence_length")
            flat_state_dtype = nest.flatten(state)[0].dtype
            zero_output = zeros_for(cell.output_size, batch_size, flat_state_dtype)
        for time, input_ in enumerate(inputs):
            if time > 0:
                varscope.reuse_variables()
            output, new_state = cell(input_, state)
            if sequence_length is not None:
                done = gmath.greater_equal(time, lengths)
                output, new_state = _copy_through(done, zero_output, output, state, new_state)
            state = new_state
            outputs.append(output)
    return outputs, state


def _reverse_steps(steps: list[Any], lengths: Any) -> list[Any]:
    """The list of steps reversed, each batch entry within its own length when given."""
    if lengths is None:
        return list(reversed(steps))
    flat_steps = [nest.flatten(step) for step in steps]
    reversed_parts = []
    for part in zip(*flat_steps):
        joined = stack(list(part))
        reversed_parts.append(unstack(reverse_sequence(joined, lengths, seq_axis=0, batch_axis=1),
                                      num=len(steps)))
    return [nest.pack_sequence_as(steps[0], [parts[t] for parts in reversed_parts])
            for t in range(len(steps))]


def static_bidirectional_rnn(cell_fw: Any, cell_bw: Any, inputs: Any, initial_state_fw: Any = None,
                             initial_state_bw: Any = None, dtype: Any = None,
                             sequence_length: Any = None, scope: Any = None
                             ) -> tuple[list[Any], Any, Any]:
    """A forward and a backward `static_rnn` over `inputs`, outputs concatenated per step.

    Args:
        cell_fw, cell_bw: the forward and backward cells (variables under `fw/` and `bw/`).
        inputs: the list of per-step inputs.
        initial_state_fw, initial_state_bw: first states (default: zeros in `dtype`).
        dtype: the states' dtype without initial states.
        sequence_length: int vector `[batch]`; the backward pass reverses each entry within
            its own length.
        scope: the variable scope (default "bidirectional_rnn").

    Returns:
        `(outputs, output_state_fw, output_state_bw)`, each output the depth concatenation of
        the forward and backward outputs at that step.

    Raises:
        TypeError: when `inputs` is not a list; ValueError: when it is empty.
    """
    if not nest.is_nested(inputs):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            output_fw, state_fw = static_rnn(cell_fw, inputs, initial_state_fw, dtype,
                                             sequence_length, scope=fw_scope)
        with variable_scope("bw") as bw_scope:
            lengths = None if sequence_length is None else \
                sequence_length_vector(sequence_length, "static_bidirectional_rnn")
            reversed_inputs = _reverse_steps(list(inputs), lengths)
            reversed_output, state_bw = static_rnn(cell_bw, reversed_inputs, initial_state_bw, dtype,
                                                   sequence_length, scope=bw_scope)
    output_bw = _reverse_steps(reversed_output, lengths)
    outputs = [nest.pack_sequence_as(fw, [concat([f, b], 1) for f, b in
                                          zip(nest.flatten(fw), nest.flatten(bw))])
               for fw, bw in zip(output_fw, output_bw)]
    return outputs, state_fw, state_bw
