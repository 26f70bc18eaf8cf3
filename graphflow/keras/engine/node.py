"""`Node`: one call of a layer on Keras tensors, the edge of a functional model's graph.

Every output tensor of a layer call carries `_keras_history = (layer, node_index,
tensor_index)`, so a model can walk back from its outputs to its inputs.
"""

from __future__ import annotations

from typing import Any


class Node:
    """A layer call: `inbound_layers`[i] produced `input_tensors`[i] at its node
    `node_indices`[i], output `tensor_indices`[i]; the call produced `output_tensors`.

    Args:
        outbound_layer: the called layer.
        input_tensors: the call's input tensors (a list).
        output_tensors: the call's output tensors (a list).
        arguments: the keyword arguments of the call (kept for re-running it).
    """

    def __init__(self, outbound_layer: Any, input_tensors: list[Any], output_tensors: list[Any],
                 arguments: dict[str, Any] | None = None) -> None:
        self.outbound_layer = outbound_layer
        self.input_tensors = input_tensors
        self.output_tensors = output_tensors
        self.arguments = arguments or {}
        histories = [getattr(t, "_keras_history", None) for t in input_tensors]
        self.inbound_layers = [h[0] if h else None for h in histories]
        self.node_indices = [h[1] if h else 0 for h in histories]
        self.tensor_indices = [h[2] if h else 0 for h in histories]
        node_index = len(outbound_layer._inbound_nodes)
        outbound_layer._inbound_nodes.append(self)
        for layer in self.inbound_layers:
            if layer is not None:
                layer._outbound_nodes.append(self)
        for index, tensor in enumerate(output_tensors):
            tensor._keras_history = (outbound_layer, node_index, index)

    def get_config(self) -> list[list[Any]]:
        """Keras 2's inbound-node entry: `[[layer name, node index, tensor index, kwargs], ...]`."""
        return [[layer.name, node_index, tensor_index, self.arguments]
                for layer, node_index, tensor_index in
                zip(self.inbound_layers, self.node_indices, self.tensor_indices)]
