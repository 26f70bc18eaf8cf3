"""`tf.contrib.legacy_seq2seq`'s RNN decoders: `rnn_decoder` (a static RNN from a given state,
optionally feeding each output back through `loop_function`), `basic_rnn_seq2seq` (an encoder
copy of the cell, then the decoder) and `tied_rnn_seq2seq` (one set of weights for both)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from graphflow.framework import dtypes
from graphflow.framework.variable_scope import get_variable_scope, variable_scope

from .static import static_rnn


def rnn_decoder(decoder_inputs: list[Any], initial_state: Any, cell: Any,
                loop_function: Callable[[Any, int], Any] | None = None,
                scope: Any = None) -> tuple[list[Any], Any]:
    """Runs `cell` over `decoder_inputs` starting from `initial_state`.

    Args:
        decoder_inputs: the list of per-step `[batch, depth]` inputs.
        initial_state: the first state.
        cell: an RNNCell (its variables under `scope`, created at step 0, reused after).
        loop_function: `fn(previous_output, step) -> next_input`; when given, steps after the
            first read it instead of `decoder_inputs` (sampling at inference), built under
            a reusing `loop_function` scope.
        scope: the variable scope (default "rnn_decoder").

    Returns:
        `(outputs, state)`: the list of outputs and the final state.
    """
    with variable_scope(scope or "rnn_decoder"):
        state = initial_state
        outputs = []
        previous = None
        for i, step_input in enumerate(decoder_inputs):
            if loop_function is not None and previous is not None:
                with variable_scope("loop_function", reuse=True):
                    step_input = loop_function(previous, i)
            if i > 0:
                get_variable_scope().reuse_variables()
            output, state = cell(step_input, state)
            outputs.append(output)
            if loop_function is not None:
                previous = output
    return outputs, state


def basic_rnn_seq2seq(encoder_inputs: list[Any], decoder_inputs: list[Any], cell: Any,
                      dtype: Any = dtypes.float32, scope: Any = None) -> tuple[list[Any], Any]:
    """A static RNN encoder (a copy of `cell`, its own variables) whose final state starts the
    `rnn_decoder` over `decoder_inputs`.

    Args:
        encoder_inputs, decoder_inputs: lists of per-step inputs.
        cell: the cell (copied for the encoder before either is first called).
        dtype: the encoder state's dtype.
        scope: the variable scope (default "basic_rnn_seq2seq").

    Returns:
        `(outputs, state)` of the decoder.
    """
    with variable_scope(scope or "basic_rnn_seq2seq"):
        encoder_cell = copy.deepcopy(cell)
        _, encoder_state = static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
        return rnn_decoder(decoder_inputs, encoder_state, cell)


def tied_rnn_seq2seq(encoder_inputs: list[Any], decoder_inputs: list[Any], cell: Any,
                     loop_function: Callable[[Any, int], Any] | None = None,
                     dtype: Any = dtypes.float32, scope: Any = None) -> tuple[list[Any], Any]:
    """Encoder and decoder sharing `cell`'s variables (under "combined_tied_rnn_seq2seq/<scope>").

    Args:
        encoder_inputs, decoder_inputs: lists of per-step inputs.
        cell: the shared cell.
        loop_function: as `rnn_decoder`.
        dtype: the encoder state's dtype.
        scope: the inner scope name (default "tied_rnn_seq2seq").

    Returns:
        `(outputs, state)` of the decoder.
    """
    with variable_scope("combined_tied_rnn_seq2seq"):
        scope = scope or "tied_rnn_seq2seq"
        _, encoder_state = static_rnn(cell, encoder_inputs, dtype=dtype, scope=scope)
        get_variable_scope().reuse_variables()
        return rnn_decoder(decoder_inputs, encoder_state, cell, loop_function=loop_function,
                           scope=scope)
