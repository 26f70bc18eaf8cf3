"""`keras.Sequential`: a linear stack of layers. With `input_shape=` on the first layer the model
is built at once (its input is `<first layer>_input`); otherwise when it first sees data."""

from __future__ import annotations

from typing import Any

import numpy as np

from graphflow.keras import backend as K
from graphflow.keras.engine.base_layer import Layer, to_list, unique_object_name
from graphflow.keras.engine.input_layer import InputLayer
from graphflow.keras.engine.training import Model


def _input_shape_and_dtype(layer: Layer) -> tuple[Any, Any]:
    """The batch input shape and dtype a first layer declares; for a nested model, those of its
    deepest first layer (Keras 2), so a Sequential starting with a built model builds at once.

    Raises:
        ValueError: for an empty nested model.
    """
    while isinstance(layer, Model) and (getattr(layer, "_is_graph_network", False)
                                        or isinstance(layer, Sequential)):
        if isinstance(layer, Sequential):
            if not layer._stack:
                raise ValueError("An empty Model cannot be used as a Layer.")
            if layer._input_layer is not None:
                return layer._input_layer._batch_input_shape, layer._input_layer.dtype
            layer = layer._stack[0]
        else:
            if not layer.inputs:
                raise ValueError("An empty Model cannot be used as a Layer.")
            first = layer.inputs[0]
            return tuple(first.shape.as_list()), first.dtype.base_dtype.name
    return getattr(layer, "_batch_input_shape", None), layer.dtype


class Sequential(Model):
    """A model applying its layers one after the other.

    Args:
        layers: the layers to add, in order.
        name: the model name (default `sequential`, `sequential_1`, ...).

    Raises:
        TypeError: when something other than a layer is added.
    """

    def __init__(self, layers: list[Layer] | None = None, name: str | None = None) -> None:
        super().__init__(name=name or unique_object_name("sequential"))
        self._stack: list[Layer] = []
        self._input_layer: InputLayer | None = None
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self) -> list[Layer]:
        """The added layers (the automatic InputLayer left out, as Keras 2)."""
        return list(self._stack)

    def add(self, layer: Layer) -> None:
        """Appends `layer` (connecting it at once when the model already has an input).

        Raises:
            TypeError: when `layer` is not a Layer.
        """
        if not isinstance(layer, Layer):
            raise TypeError("The added layer must be an instance of class Layer. Found: " + str(layer))
        if isinstance(layer, InputLayer) and not self._stack and self._input_layer is None:
            self._input_layer = layer
            self._connect(layer._inbound_nodes[0].output_tensors[0])
            return
        self._stack.append(layer)
        if self.outputs:
            self._connect(self.inputs[0])
        elif len(self._stack) == 1:
            batch_shape, dtype = _input_shape_and_dtype(layer)
            if batch_shape is not None:
                self._input_layer = InputLayer(batch_input_shape=batch_shape, dtype=dtype or K.floatx(),
                                               name=f"{layer.name}_input")
                self._connect(self._input_layer._inbound_nodes[0].output_tensors[0])

    def pop(self) -> None:
        """Removes the last layer.

        Raises:
            TypeError: when there is no layer.
        """
        if not self._stack:
            raise TypeError("There are no layers in the model.")
        self._stack.pop()
        if self.outputs and self._stack:
            self._connect(self.inputs[0])
        elif not self._stack:
            self.outputs = []

    def _connect(self, input_tensor: Any) -> None:
        x = input_tensor
        for layer in self._stack:
            # Re-use the layer's existing call on this chain when it has one.
            existing = [n for n in layer._inbound_nodes if n.input_tensors and n.input_tensors[0] is x]
            x = existing[0].output_tensors[0] if existing else layer(x)
        self._init_graph_network(input_tensor, x)
        self._refresh_compile()

    def _refresh_compile(self) -> None:
        if getattr(self, "_is_compiled", False):
            self._build_compiled()

    def _build_from_data(self, x: Any) -> None:
        array = np.asarray(to_list(x)[0])
        if not self._stack:
            raise ValueError("The model has no layers yet.")
        dtype = K.floatx() if array.dtype.kind == "f" else array.dtype.name
        self._input_layer = InputLayer(batch_input_shape=(None,) + array.shape[1:], dtype=dtype,
                                       name=f"{self._stack[0].name}_input")
        input_tensor = self._input_layer._inbound_nodes[0].output_tensors[0]
        x_tensor = input_tensor
        for layer in self._stack:
            x_tensor = layer(x_tensor)
        self._init_graph_network(input_tensor, x_tensor)

    def build(self, input_shape: Any = None) -> None:
        """Connects the layers to an input of `input_shape` (batch dimension included)."""
        if self.outputs or input_shape is None:
            return
        self._input_layer = InputLayer(batch_input_shape=tuple(input_shape),
                                       name=f"{self._stack[0].name}_input")
        self._connect(self._input_layer._inbound_nodes[0].output_tensors[0])

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        """Applies the layers to `inputs` in order."""
        x = inputs
        for layer in self._stack:
            x = layer(x)
        return x

    def predict_proba(self, x: Any, batch_size: int = 32, verbose: int = 0) -> np.ndarray:
        """The model's outputs (Keras 2's Sequential helper: probabilities for softmax/sigmoid)."""
        return self.predict(x, batch_size=batch_size, verbose=verbose)

    def predict_classes(self, x: Any, batch_size: int = 32, verbose: int = 0) -> np.ndarray:
        """Class indices: argmax over several outputs, `output > 0.5` for a single one."""
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype("int32")

    def get_config(self) -> dict[str, Any]:
        """`{'name': ..., 'layers': [InputLayer config, layer configs...]}` (tf_keras' layout)."""
        from graphflow.keras.layers import serialize
        layers = []
        if self._input_layer is not None:
            layers.append(serialize(self._input_layer))
        layers.extend(serialize(layer) for layer in self._stack)
        return {"name": self.name, "layers": layers}

    @classmethod
    def from_config(cls, config: Any, custom_objects: dict[str, Any] | None = None) -> Sequential:
        """A Sequential model from `get_config()` (a bare list of layer configs also works)."""
        from graphflow.keras.layers import deserialize
        if isinstance(config, dict):
            name, layer_configs = config.get("name"), config["layers"]
        else:
            name, layer_configs = None, config
        model = cls(name=name)
        for layer_config in layer_configs:
            model.add(deserialize(layer_config, custom_objects=custom_objects))
        return model
