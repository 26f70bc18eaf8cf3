"""`model.summary()`: Keras 2's table (TF 1.15 layout): one row per layer with its output
shape and parameter count (plus "Connected to" for non-sequential functional models), then the
total, trainable and non-trainable parameter counts."""

from __future__ import annotations

from typing import Any

import numpy as np


def _sequential_like(model: Any) -> bool:
    if not getattr(model, "_is_graph_network", False) or type(model).__name__ == "Sequential":
        return True
    for layer in model.layers:
        nodes = [n for n in layer._inbound_nodes if id(n) in model._network_nodes]
        if len(nodes) > 1 or (nodes and len(nodes[0].inbound_layers) > 1):
            return False
    return True


def _shape_text(layer: Any) -> str:
    try:
        shape = layer.output_shape
    except AttributeError:
        return "multiple"
    if isinstance(shape, list):
        return str([tuple(s) for s in shape]) if len(shape) > 1 else str(tuple(shape[0]))
    return str(tuple(shape))


def _row(fields: list[str], positions: list[int]) -> str:
    line = ""
    for i, field in enumerate(fields):
        if i > 0:
            line = line[:-1] + " "
        line += str(field)
        line = line[:positions[i]]
        line += " " * (positions[i] - len(line))
    return line


def print_summary(model: Any, line_length: int | None = None, positions: Any = None,
                  print_fn: Any = None) -> None:
    """Prints the summary table of `model` through `print_fn` (default `print`).

    Raises:
        ValueError: when the model is not built yet.
    """
    if not model.built:
        raise ValueError("This model has not yet been built. Build the model first by calling "
                         "`build()` or calling `fit()` with some data, or specify an `input_shape` "
                         "argument in the first layer(s) for automatic build.")
    print_fn = print_fn or print
    sequential = _sequential_like(model)
    if sequential:
        line_length = line_length or 65
        positions = positions or [0.45, 0.85, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #"]
    else:
        line_length = line_length or 98
        positions = positions or [0.33, 0.55, 0.67, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    print_fn(_row(header, positions))
    print_fn("=" * line_length)
    layers = model.layers
    for i, layer in enumerate(layers):
        name = f"{layer.name} ({type(layer).__name__})"
        params = layer.count_params() if layer.built else 0
        if sequential:
            print_fn(_row([name, _shape_text(layer), params], positions))
        else:
            connections = []
            for node in layer._inbound_nodes:
                if id(node) not in model._network_nodes:
                    continue
                for parent, tensor in zip(node.inbound_layers, node.input_tensors):
                    _, node_index, tensor_index = tensor._keras_history
                    connections.append(f"{parent.name}[{node_index}][{tensor_index}]")
            first = connections[0] if connections else ""
            print_fn(_row([name, _shape_text(layer), params, first], positions))
            for extra in connections[1:]:
                print_fn(_row(["", "", "", extra], positions))
        print_fn("=" * line_length if i == len(layers) - 1 else "_" * line_length)
    trainable = int(sum(int(np.prod(w.shape.as_list())) for w in model.trainable_weights))
    total = int(sum(int(np.prod(w.shape.as_list())) for w in model.weights))
    print_fn(f"Total params: {total:,}")
    print_fn(f"Trainable params: {trainable:,}")
    print_fn(f"Non-trainable params: {total - trainable:,}")
    print_fn("_" * line_length)
