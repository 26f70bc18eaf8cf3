"""`keras.utils.plot_model` / `model_to_dot`: the model's layer graph drawn with graphviz."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any


def _label(layer: Any, show_shapes: bool, show_layer_names: bool) -> str:
    name = f"{layer.name}: {type(layer).__name__}" if show_layer_names else type(layer).__name__
    if not show_shapes:
        return name
    try:
        in_shape = str(layer.input_shape)
    except AttributeError:
        in_shape = "multiple"
    try:
        out_shape = str(layer.output_shape)
    except AttributeError:
        out_shape = "multiple"
    return f"{{{name}|{{input:|output:}}|{{{in_shape}|{out_shape}}}}}"


def model_to_dot(model: Any, show_shapes: bool = False, show_layer_names: bool = True, rankdir: str = "TB",
                 dpi: int = 96) -> str:
    """The DOT source of the model's layer graph (one record node per layer, an edge per
    connection inside the model)."""
    layers = list(model.layers)
    input_layers = getattr(model, "_input_layer", None)
    if input_layers is not None and input_layers not in layers:
        layers = [input_layers] + layers
    ids = {id(layer): f"n{i}" for i, layer in enumerate(layers)}
    lines = ["digraph G {", f"  rankdir={rankdir};", f"  dpi={dpi};", "  node [shape=record];"]
    for layer in layers:
        label = _label(layer, show_shapes, show_layer_names).replace('"', '\\"')
        lines.append(f'  {ids[id(layer)]} [label="{label}"];')
    for layer in layers:
        for node in layer._inbound_nodes:
            for parent in node.inbound_layers:
                if parent is not None and id(parent) in ids:
                    edge = f"  {ids[id(parent)]} -> {ids[id(layer)]};"
                    if edge not in lines:
                        lines.append(edge)
    lines.append("}")
    return "\n".join(lines) + "\n"


def plot_model(model: Any, to_file: str = "model.png", show_shapes: bool = False, show_layer_names: bool = True,
               rankdir: str = "TB", expand_nested: bool = False, dpi: int = 96) -> str:
    """Renders the layer graph to `to_file` (format from its extension) with graphviz' `dot`.

    Returns:
        The DOT source.

    Raises:
        ImportError: when the graphviz `dot` program is not installed (Keras 2's message).
    """
    dot = shutil.which("dot")
    if dot is None:
        raise ImportError("Failed to import pydot. You must `pip install pydot` and install graphviz "
                          "(https://graphviz.gitlab.io/download/), for `pydotprint` to work.")
    source = model_to_dot(model, show_shapes, show_layer_names, rankdir, dpi)
    extension = os.path.splitext(to_file)[1][1:] or "png"
    subprocess.run([dot, f"-T{extension}", "-o", to_file], input=source.encode(), check=True)
    return source


