"""`tf.contrib.rnn.stack_bidirectional_rnn` / `stack_bidirectional_dynamic_rnn`: layers of
bidirectional RNNs, each layer reading the depth concatenation of the previous layer's forward
and backward outputs. Variables live under `stack_bidirectional_rnn/cell_<i>/` (the dynamic
form adds TF1's `bidirectional_rnn/` scope of `bidirectional_dynamic_rnn` below that)."""

from __future__ import annotations

from typing import Any

from graphflow.api.indexing import concat
from graphflow.framework.variable_scope import variable_scope

from .dynamic import bidirectional_dynamic_rnn
from .static import static_bidirectional_rnn


def _check(cells_fw: Any, cells_bw: Any, initial_states_fw: Any, initial_states_bw: Any) -> None:
    if not cells_fw:
        raise ValueError("Must specify at least one fw cell for BidirectionalRNN.")
    if not cells_bw:
        raise ValueError("Must specify at least one bw cell for BidirectionalRNN.")
    if not isinstance(cells_fw, list):
        raise ValueError("cells_fw must be a list of RNNCells (one per layer).")
    if not isinstance(cells_bw, list):
        raise ValueError("cells_bw must be a list of RNNCells (one per layer).")
    if len(cells_fw) != len(cells_bw):
        raise ValueError("Forward and Backward cells must have the same depth.")
    for states, name in ((initial_states_fw, "fw"), (initial_states_bw, "bw")):
        if states is not None and (not isinstance(states, (list, tuple))
                                   or len(states) != len(cells_fw)):
            raise ValueError(f"initial_states_{name} must be a list of state tensors (one per "
                             "layer).")


def _layer_states(states: Any, i: int) -> Any:
    return states[i] if states else None


def _stack(cells_fw: Any, cells_bw: Any, inputs: Any, initial_states_fw: Any, initial_states_bw: Any,
           scope: Any, run_layer: Any) -> tuple[Any, tuple[Any, ...], tuple[Any, ...]]:
    """Feeds `inputs` through one `run_layer(cell_fw, cell_bw, layer, state_fw, state_bw,
    cell_scope) -> (outputs, final_fw, final_bw)` per pair of cells, each in scope `cell_<i>`."""
    _check(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
    states_fw, states_bw = [], []
    layer = inputs
    with variable_scope(scope or "stack_bidirectional_rnn"):
        for i, (cell_fw, cell_bw) in enumerate(zip(cells_fw, cells_bw)):
            with variable_scope(f"cell_{i}") as cell_scope:
                layer, state_fw, state_bw = run_layer(cell_fw, cell_bw, layer,
                                                      _layer_states(initial_states_fw, i),
                                                      _layer_states(initial_states_bw, i), cell_scope)
            states_fw.append(state_fw)
            states_bw.append(state_bw)
    return layer, tuple(states_fw), tuple(states_bw)


def stack_bidirectional_rnn(cells_fw: list[Any], cells_bw: list[Any], inputs: list[Any],
                            initial_states_fw: Any = None, initial_states_bw: Any = None,
                            dtype: Any = None, sequence_length: Any = None,
                            scope: Any = None) -> tuple[list[Any], tuple[Any, ...], tuple[Any, ...]]:
    """Stacked `static_bidirectional_rnn` layers over the list of per-step `inputs`.

    Args:
        cells_fw, cells_bw: one forward and one backward cell per layer.
        inputs: the list of `[batch, depth]` steps.
        initial_states_fw, initial_states_bw: one first state per layer (default: zeros).
        dtype: the states' dtype without initial states.
        sequence_length: int vector `[batch]`.
        scope: the variable scope (default "stack_bidirectional_rnn").

    Returns:
        `(outputs, states_fw, states_bw)`: the last layer's per-step outputs (forward and
        backward concatenated) and each layer's final states.

    Raises:
        ValueError: for empty or unequal cell lists, or initial states not one per layer.
    """
    def run_layer(cell_fw: Any, cell_bw: Any, layer: Any, state_fw: Any, state_bw: Any, cell_scope: Any) -> Any:
        return static_bidirectional_rnn(cell_fw, cell_bw, layer, state_fw, state_bw, dtype, sequence_length,
                                        scope=cell_scope)

    return _stack(cells_fw, cells_bw, inputs, initial_states_fw, initial_states_bw, scope, run_layer)


def stack_bidirectional_dynamic_rnn(cells_fw: list[Any], cells_bw: list[Any], inputs: Any,
                                    initial_states_fw: Any = None, initial_states_bw: Any = None,
                                    dtype: Any = None, sequence_length: Any = None,
                                    parallel_iterations: int | None = None, time_major: bool = False,
                                    scope: Any = None, swap_memory: bool = False
                                    ) -> tuple[Any, tuple[Any, ...], tuple[Any, ...]]:
    """Stacked `bidirectional_dynamic_rnn` layers over `[batch, time, depth]` inputs.

    Args:
        cells_fw, cells_bw: one forward and one backward cell per layer.
        inputs: `[batch, time, depth]` (`[time, batch, depth]` with `time_major`).
        initial_states_fw, initial_states_bw: one first state per layer (default: zeros).
        dtype, sequence_length, parallel_iterations, time_major, swap_memory: as
            `dynamic_rnn`.
        scope: the variable scope (default "stack_bidirectional_rnn").

    Returns:
        `(outputs, states_fw, states_bw)`: the last layer's outputs `[..., 2 * units]` and each
        layer's final states.

    Raises:
        ValueError: for empty or unequal cell lists, or initial states not one per layer.
    """
    def run_layer(cell_fw: Any, cell_bw: Any, layer: Any, state_fw: Any, state_bw: Any, cell_scope: Any) -> Any:
        outputs, (final_fw, final_bw) = bidirectional_dynamic_rnn(
            cell_fw, cell_bw, layer, sequence_length, state_fw, state_bw, dtype, parallel_iterations,
            swap_memory, time_major)
        return concat(list(outputs), 2), final_fw, final_bw

    return _stack(cells_fw, cells_bw, inputs, initial_states_fw, initial_states_bw, scope, run_layer)
