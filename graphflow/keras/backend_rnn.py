"""`K.rnn`: iterates a step function over the time axis, as Keras 2's backend does in TF1 graph
mode: a `tf.while_loop` reading the time-major inputs from a TensorArray and writing the step
outputs to another, so the number of time steps may be unknown until run time. `unroll=True`
builds one copy of the step per time step instead (the length must then be static).

Masked steps (mask False for a batch entry) keep that entry's states, and output either the
previous step's output (Keras 2's default) or zeros (`zero_output_for_mask=True`, which tf_keras'
`Bidirectional` uses when it returns sequences).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import graphflow as _tf
from graphflow.api.control_flow import while_loop
from graphflow.tensor_array import TensorArray


def _time_major(x: Any) -> Any:
    rank = x.shape.ndims
    return _tf.transpose(x, [1, 0] + list(range(2, rank)))


def _masked(mask_t: Any, new: Any, old: Any) -> Any:
    """`new` where the (batch, 1) boolean mask is true, else `old` (broadcast over features)."""
    rank = new.shape.ndims or 2
    mask = _tf.reshape(mask_t, [-1] + [1] * (rank - 1))
    return _tf.where_v2(mask, new, old)


def rnn(step_function: Callable[[Any, list[Any]], tuple[Any, list[Any]]], inputs: Any,
        initial_states: Sequence[Any], go_backwards: bool = False, mask: Any = None,
        constants: Sequence[Any] | None = None, unroll: bool = False, input_length: int | None = None,
        zero_output_for_mask: bool = False) -> tuple[Any, Any, list[Any]]:
    """Runs `step_function(input_t, states + constants) -> (output_t, new_states)` over time.

    Args:
        step_function: the per-step function (a cell's step).
        inputs: `(batch, time, ...)` tensor.
        initial_states: the states entering the first step (each `(batch, ...)`).
        go_backwards: iterate from the last step to the first (outputs in iteration order).
        mask: optional `(batch, time)` boolean tensor; False steps keep states (see module doc).
        constants: tensors passed to every step after the states.
        unroll: build the steps one by one instead of a while loop (time must be static).
        input_length: the static number of steps, if known (accepted as Keras 2's argument).
        zero_output_for_mask: masked steps output zeros instead of the previous output.

    Returns:
        `(last_output, outputs, new_states)`: `outputs` is `(batch, time, ...)`.

    Raises:
        ValueError: inputs of rank < 3, or `unroll=True` with an unknown number of steps.
    """
    inputs = _tf.convert_to_tensor(inputs)
    if inputs.shape.ndims is None or inputs.shape.ndims < 3:
        raise ValueError(f"K.rnn: inputs must be at least 3D (batch, time, ...), got shape {inputs.shape}")
    constants = list(constants or [])
    states = list(initial_states)
    steps_static = inputs.shape.dims[1]
    steps_static = int(steps_static) if steps_static is not None else input_length
    x_tm = _time_major(inputs)
    mask_tm = None
    if mask is not None:
        mask = _tf.cast(mask, "bool")
        if mask.shape.ndims == 3:
            mask = mask[:, :, 0]
        mask_tm = _tf.transpose(mask, [1, 0])
    if go_backwards:
        x_tm = _tf.reverse(x_tm, [0])
        if mask_tm is not None:
            mask_tm = _tf.reverse(mask_tm, [0])
    if unroll:
        if steps_static is None:
            raise ValueError("Cannot unroll a RNN if the time dimension is undefined: give the Input "
                             "(or the first layer) a fixed sequence length.")
        return _unrolled(step_function, x_tm, mask_tm, states, constants, steps_static, zero_output_for_mask)
    return _looped(step_function, x_tm, mask_tm, states, constants, zero_output_for_mask)


def _unrolled(step_function: Callable, x_tm: Any, mask_tm: Any, states: list[Any], constants: list[Any],
              steps: int, zero_output_for_mask: bool) -> tuple[Any, Any, list[Any]]:
    outputs: list[Any] = []
    prev_output = None
    for t in range(steps):
        output, new_states = step_function(x_tm[t], states + constants)
        new_states = list(new_states)
        if mask_tm is not None:
            mask_t = mask_tm[t]
            if prev_output is None or zero_output_for_mask:
                prev_output = _tf.zeros_like(output)
            output = _masked(mask_t, output, prev_output)
            new_states = [_masked(mask_t, new, old) for new, old in zip(new_states, states)]
        outputs.append(output)
        prev_output, states = output, new_states
    stacked = _tf.stack(outputs, axis=1)
    return outputs[-1], stacked, states


def _looped(step_function: Callable, x_tm: Any, mask_tm: Any, states: list[Any], constants: list[Any],
            zero_output_for_mask: bool) -> tuple[Any, Any, list[Any]]:
    time_steps = _tf.shape(x_tm)[0]
    input_ta = TensorArray(dtype=x_tm.dtype, size=time_steps, element_shape=x_tm.shape[1:],
                           tensor_array_name="input_ta").unstack(x_tm)
    mask_ta = None
    if mask_tm is not None:
        mask_ta = TensorArray(dtype="bool", size=time_steps, tensor_array_name="mask_ta").unstack(mask_tm)
    # The first step, built outside the loop only for its output's shape and dtype (as Keras 2).
    probe_output, _ = step_function(x_tm[0], states + constants)
    zero_output = _tf.zeros_like(probe_output)
    output_ta = TensorArray(dtype=probe_output.dtype, size=time_steps, element_shape=probe_output.shape,
                            tensor_array_name="output_ta")
    n_states = len(states)

    def cond(time: Any, *_: Any) -> Any:
        return time < time_steps

    def body(time: Any, out_ta: Any, prev_output: Any, *loop_states: Any) -> tuple[Any, ...]:
        current = input_ta.read(time)
        current.set_shape(x_tm.shape[1:])
        old_states = list(loop_states[:n_states])
        output, new_states = step_function(current, old_states + constants)
        new_states = list(new_states)
        if mask_ta is not None:
            mask_t = mask_ta.read(time)
            output = _masked(mask_t, output, zero_output if zero_output_for_mask else prev_output)
            new_states = [_masked(mask_t, new, old) for new, old in zip(new_states, old_states)]
        for new, old in zip(new_states, old_states):
            new.set_shape(old.shape)
        out_ta = out_ta.write(time, output)
        return (time + 1, out_ta, output) + tuple(new_states)

    loop_vars = (_tf.constant(0, "int32"), output_ta, zero_output) + tuple(states)
    results = while_loop(cond, body, loop_vars, swap_memory=True, maximum_iterations=time_steps)
    final_ta, last_output = results[1], results[2]
    final_states = list(results[3:])
    outputs_tm = final_ta.stack()
    outputs = _time_major(outputs_tm)
    return last_output, outputs, final_states
