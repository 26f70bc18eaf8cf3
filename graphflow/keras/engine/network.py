"""`Network`: a graph of layers from input tensors to output tensors (the functional API).

Built by walking back from the outputs through the tensors' `_keras_history`; calling a
network on new tensors re-applies its layers node by node (so models nest like layers).
"""

from __future__ import annotations

from typing import Any

from graphflow.keras.engine.base_layer import Layer, to_list
from graphflow.keras.engine.input_layer import InputLayer
from graphflow.keras.engine.node import Node
from graphflow.keras.engine.summary import print_summary


def _walk(outputs: list[Any]) -> list[Node]:
    """The nodes producing `outputs`, inputs first (a topological order)."""
    order: list[Node] = []
    seen: set[int] = set()

    def visit(tensor: Any) -> None:
        history = getattr(tensor, "_keras_history", None)
        if history is None:
            raise ValueError("Output tensors to a Model must be the output of a Keras `Layer` "
                             f"(thus holding past layer metadata). Found: {tensor}")
        layer, node_index, _ = history
        node = layer._inbound_nodes[node_index]
        if id(node) in seen:
            return
        for parent in node.input_tensors:
            visit(parent)
        seen.add(id(node))
        order.append(node)

    for tensor in outputs:
        visit(tensor)
    return order


class Network(Layer):
    """A model made of layers connecting `inputs` to `outputs`.

    Args:
        inputs: the input tensor(s) (from `Input`).
        outputs: the output tensor(s).
        name: the model name (default `model`, `model_1`, ...).

    Raises:
        ValueError: when an output does not come from a layer, or an input is not an `Input`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        inputs = kwargs.pop("inputs", args[0] if args else None)
        outputs = kwargs.pop("outputs", args[1] if len(args) > 1 else None)
        name = kwargs.pop("name", None)
        if name is None:
            from graphflow.keras.engine.base_layer import to_snake_case, unique_object_name
            base = "model" if type(self).__name__ in ("Model", "Network") else \
                to_snake_case(type(self).__name__)
            name = unique_object_name(base)
        super().__init__(name=name, **{k: v for k, v in kwargs.items() if k in ("trainable", "dtype")})
        self._layers: list[Layer] = []
        self._is_graph_network = False
        self.inputs: list[Any] = []
        self.outputs: list[Any] = []
        if inputs is not None and outputs is not None:
            self._init_graph_network(inputs, outputs)

    def __setattr__(self, name: str, value: Any) -> None:
        # Subclassed models: layers assigned as attributes (alone or in a list) become the
        # model's layers.
        tracking = "_layers" in self.__dict__ and not self.__dict__.get("_is_graph_network")
        if tracking and not name.startswith("_"):
            candidates = value if isinstance(value, (list, tuple)) else [value]
            for item in candidates:
                if isinstance(item, Layer) and item not in self._layers:
                    self._layers.append(item)
        super().__setattr__(name, value)

    def _init_graph_network(self, inputs: Any, outputs: Any) -> None:
        self._nested_inputs = inputs
        self._nested_outputs = outputs
        self.inputs = to_list(inputs)
        self.outputs = to_list(outputs)
        for tensor in self.inputs:
            history = getattr(tensor, "_keras_history", None)
            if history is None or not isinstance(history[0], InputLayer):
                raise ValueError(f"Input tensors to a {type(self).__name__} must come from "
                                 f"`keras.layers.Input`. Received: {tensor}")
        self._nodes = _walk(self.outputs)
        layers: list[Layer] = []
        for node in self._nodes:
            if node.outbound_layer not in layers:
                layers.append(node.outbound_layer)
        self._layers = layers
        self._is_graph_network = True
        self.input_layers = [t._keras_history[0] for t in self.inputs]
        self.output_layers = [t._keras_history[0] for t in self.outputs]
        self.input_names = [layer.name for layer in self.input_layers]
        self.output_names = [layer.name for layer in self.output_layers]
        self._network_nodes = {id(node) for node in self._nodes}
        self.built = True

    # --- layers and weights -------------------------------------------------------------------

    @property
    def layers(self) -> list[Layer]:
        """The model's layers (for a functional model its InputLayers too), in graph order."""
        return list(self._layers)

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """The layer called `name`, or at position `index` of `layers`.

        Raises:
            ValueError: for an unknown name or an index out of range.
        """
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only has "
                                 f"{len(self.layers)} layers.")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}")

    def _gather(self, attr: str) -> list[Any]:
        seen: list[Any] = []
        for layer in self.layers:
            for item in getattr(layer, attr):
                if not any(item is s for s in seen):
                    seen.append(item)
        return seen

    @property
    def trainable_weights(self) -> list[Any]:
        """The layers' trainable Variables (none when the model is frozen)."""
        return self._gather("trainable_weights") if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[Any]:
        """The layers' other Variables."""
        if self.trainable:
            return self._gather("non_trainable_weights")
        return self._gather("weights")

    @property
    def weights(self) -> list[Any]:
        """Every layer's weights in layer order (each layer: trainable, then non-trainable)."""
        return self._gather("weights")

    @property
    def updates(self) -> list[Any]:
        """Update ops of the layers (BatchNormalization's moving averages)."""
        return self._gather("updates") if self.trainable else []

    @property
    def losses(self) -> list[Any]:
        """Regularization penalties of the layers and of the model itself."""
        return self._gather("losses") + list(self._losses)

    def reset_states(self) -> None:
        """Zeroes the states of the model's stateful layers (stateful RNNs)."""
        for layer in self.layers:
            if getattr(layer, "stateful", False) and hasattr(layer, "reset_states"):
                layer.reset_states()

    def count_params(self) -> int:
        """The number of scalars in the weights."""
        return int(sum(layer.count_params() for layer in self.layers if layer.built))

    def summary(self, line_length: int | None = None, positions: Any = None, print_fn: Any = None) -> None:
        """Prints Keras 2's table of layers, output shapes and parameter counts."""
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn)

    @property
    def input(self) -> Any:
        """The model's input tensor (a list for several inputs)."""
        if not self.inputs:
            return super().input
        return self.inputs[0] if len(self.inputs) == 1 else list(self.inputs)

    @property
    def output(self) -> Any:
        """The model's output tensor (a list for several outputs)."""
        if not self.outputs:
            return super().output
        return self.outputs[0] if len(self.outputs) == 1 else list(self.outputs)

    # --- calling on new tensors ---------------------------------------------------------------

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        """Re-applies the layers to new input tensors."""
        if not self._is_graph_network:
            raise NotImplementedError("A subclassed Model must implement `call`.")
        tensor_map = {id(old): new for old, new in zip(self.inputs, to_list(inputs))}
        for node in self._nodes:
            layer = node.outbound_layer
            if isinstance(layer, InputLayer):
                continue
            args = [tensor_map[id(t)] for t in node.input_tensors]
            kwargs = dict(node.arguments)
            if training is not None and "training" in _call_args(layer):
                kwargs["training"] = training
            outs = layer(args if len(args) > 1 else args[0], **kwargs)
            for old, new in zip(node.output_tensors, to_list(outs)):
                tensor_map[id(old)] = new
        results = [tensor_map[id(t)] for t in self.outputs]
        return results if len(results) > 1 else results[0]

    def compute_output_shape(self, input_shape: Any) -> Any:
        shapes = [layer_output_shape(t) for t in self.outputs]
        return shapes if len(shapes) > 1 else shapes[0]

    # --- config -------------------------------------------------------------------------------

    def _node_key_index(self, layer: Layer, node: Node) -> int:
        kept = [n for n in layer._inbound_nodes if id(n) in self._network_nodes]
        return kept.index(node) if node in kept else 0

    def get_config(self) -> dict[str, Any]:
        """Keras 2's functional config: `name`, `layers` (each with `inbound_nodes`),
        `input_layers`, `output_layers`."""
        from graphflow.keras.layers import serialize
        layer_configs = []
        for layer in self.layers:
            inbound = []
            for node in layer._inbound_nodes:
                if id(node) not in self._network_nodes or not node.inbound_layers:
                    continue
                entry = []
                for parent, tensor in zip(node.inbound_layers, node.input_tensors):
                    _, parent_node_index, tensor_index = tensor._keras_history
                    parent_node = parent._inbound_nodes[parent_node_index]
                    entry.append([parent.name, self._node_key_index(parent, parent_node), tensor_index,
                                  dict(node.arguments)])
                inbound.append(entry)
            config = serialize(layer)
            config["name"] = layer.name
            config["inbound_nodes"] = inbound
            layer_configs.append(config)

        def ends(tensors: list[Any]) -> list[list[Any]]:
            out = []
            for t in tensors:
                layer, node_index, tensor_index = t._keras_history
                out.append([layer.name, self._node_key_index(layer, layer._inbound_nodes[node_index]),
                            tensor_index])
            return out
        return {"name": self.name, "layers": layer_configs, "input_layers": ends(self.inputs),
                "output_layers": ends(self.outputs)}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Network:
        """Rebuilds a functional model from `get_config()`'s layout.

        Raises:
            ValueError: for an unknown layer class (name it in `custom_objects`).
        """
        from graphflow.keras.layers import deserialize
        created: dict[str, Layer] = {}
        outputs_of: dict[str, list[Any]] = {}
        pending = list(config["layers"])
        for layer_config in pending:
            created[layer_config["name"]] = deserialize(layer_config, custom_objects=custom_objects)
        for layer_config in pending:
            layer = created[layer_config["name"]]
            if isinstance(layer, InputLayer):
                outputs_of[layer.name] = [layer._inbound_nodes[0].output_tensors]
        progress = True
        remaining = [c for c in pending if not isinstance(created[c["name"]], InputLayer)]
        while remaining and progress:
            progress = False
            for layer_config in list(remaining):
                layer = created[layer_config["name"]]
                done = outputs_of.setdefault(layer.name, [])
                nodes = layer_config["inbound_nodes"]
                while len(done) < len(nodes):
                    entry = nodes[len(done)]
                    if not all(e[0] in outputs_of and len(outputs_of[e[0]]) > e[1] for e in entry):
                        break
                    args = [outputs_of[e[0]][e[1]][e[2]] for e in entry]
                    kwargs = entry[0][3] if entry and len(entry[0]) > 3 else {}
                    outs = layer(args if len(args) > 1 else args[0], **kwargs)
                    done.append(to_list(outs))
                    progress = True
                if len(done) == len(nodes):
                    remaining.remove(layer_config)
        inputs = [outputs_of[n][i][t] for n, i, t in config["input_layers"]]
        outputs = [outputs_of[n][i][t] for n, i, t in config["output_layers"]]
        return cls(inputs=inputs if len(inputs) > 1 else inputs[0],
                   outputs=outputs if len(outputs) > 1 else outputs[0], name=config.get("name"))


def layer_output_shape(tensor: Any) -> tuple[int | None, ...]:
    """The Keras shape of a tensor."""
    from graphflow.keras import backend as K
    return K.int_shape(tensor)


def _call_args(layer: Layer) -> tuple[str, ...]:
    import inspect
    return tuple(inspect.signature(layer.call).parameters)
