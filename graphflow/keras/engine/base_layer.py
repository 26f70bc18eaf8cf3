"""`keras.layers.Layer`: Keras 2's layer base in TF1 graph mode.

A layer gets a graph-unique name (`dense`, `dense_1`, ...) when constructed. Its first call
builds its weights (`add_weight`) inside the name scope of its name, so variables are named as
in Keras 2 (`dense/kernel:0`); each call records a `Node` and marks the outputs with their
`_keras_history` so functional models can walk the graph.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

import graphflow as _tf
from graphflow.framework.graph import get_default_graph
from graphflow.keras import backend as K
from graphflow.keras import constraints, initializers, regularizers
from graphflow.keras.engine.node import Node


def to_snake_case(name: str) -> str:
    """`Conv2DTranspose` -> `conv2d_transpose` (the base of default layer names)."""
    words = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    snake = re.sub(r"([a-z])([A-Z])", r"\1_\2", words).lower()
    return snake if not snake.startswith("_") else "private" + snake


def unique_object_name(base: str) -> str:
    """`base`, then `base_1`, `base_2`, ... in the default graph (Keras 2's layer names)."""
    count = K.get_uid(base)
    return base if count == 1 else f"{base}_{count - 1}"


def to_list(x: Any) -> list[Any]:
    """`x` as a list (a single object becomes a one-element list)."""
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _shape_tuple(tensor: Any) -> tuple[int | None, ...]:
    return K.int_shape(tensor)


class InputSpec:
    """What a layer accepts: `ndim`, `min_ndim`, `axes` ({axis: size})."""

    def __init__(self, dtype: Any = None, shape: Any = None, ndim: int | None = None,
                 max_ndim: int | None = None, min_ndim: int | None = None,
                 axes: dict[int, int] | None = None) -> None:
        self.dtype, self.shape, self.ndim = dtype, shape, ndim
        self.max_ndim, self.min_ndim, self.axes = max_ndim, min_ndim, axes or {}


class Layer:
    """The base of Keras layers.

    Subclasses override `build(input_shape)` (creating weights with `add_weight`),
    `call(inputs, **kwargs)`, `compute_output_shape(input_shape)` and `get_config()`.

    Args:
        trainable: whether the weights are trained.
        name: the layer name (default: the class name in snake case, made unique).
        dtype: the weights' dtype (default `floatx()`).
        input_shape: the sample shape of the first layer of a `Sequential` model.
        batch_input_shape: the same with the batch dimension.
        batch_size: the batch dimension for `input_shape`.
        weights: initial weight values, loaded after build.
        activity_regularizer: penalty of the layer's output.

    Raises:
        TypeError: for an unknown keyword argument.
    """

    def __init__(self, trainable: bool = True, name: str | None = None, dtype: Any = None,
                 **kwargs: Any) -> None:
        allowed = {"input_shape", "batch_input_shape", "batch_size", "weights",
                   "activity_regularizer", "input_dim", "autocast"}
        unknown = set(kwargs) - allowed
        if unknown:
            raise TypeError(f"Keyword argument not understood: {sorted(unknown)[0]}")
        self.name = name or unique_object_name(to_snake_case(type(self).__name__))
        self._trainable = trainable
        self.dtype = dtype if dtype is None else _tf.as_dtype(dtype).name
        self.built = False
        self.supports_masking = False
        self.input_spec: Any = None
        self.stateful = False
        self._trainable_weights: list[Any] = []
        self._non_trainable_weights: list[Any] = []
        self._updates: list[Any] = []
        self._losses: list[Any] = []
        self._inbound_nodes: list[Node] = []
        self._outbound_nodes: list[Node] = []
        self._initial_weights = kwargs.get("weights")
        self.activity_regularizer = regularizers.get(kwargs.get("activity_regularizer"))
        if "input_dim" in kwargs and "input_shape" not in kwargs:
            kwargs["input_shape"] = (kwargs["input_dim"],)
        if "batch_input_shape" in kwargs:
            self._batch_input_shape = tuple(kwargs["batch_input_shape"])
        elif "input_shape" in kwargs:
            self._batch_input_shape = (kwargs.get("batch_size"),) + tuple(kwargs["input_shape"])

    # --- weights -------------------------------------------------------------------------

    @property
    def trainable(self) -> bool:
        """Whether the weights are trained (set before `compile`, as Keras 2)."""
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        for layer in getattr(self, "_layers", []):
            layer.trainable = value

    def add_weight(self, name: str, shape: Any = None, dtype: Any = None, initializer: Any = None,
                   regularizer: Any = None, trainable: bool = True, constraint: Any = None,
                   **kwargs: Any) -> Any:
        """Creates a Variable `name` of `shape` in the layer's name scope.

        Args:
            name: the weight's name (`kernel`, `bias`, ...).
            shape: its shape.
            dtype: its dtype (default the layer's, else `floatx()`).
            initializer: a Keras initializer (name, object or callable); default glorot_uniform.
            regularizer: adds a penalty of the weight to the layer's losses.
            trainable: whether it is trained (else it is a non-trainable weight).
            constraint: a projection applied after each optimizer update.

        Returns:
            The graphflow Variable.
        """
        dtype = dtype or self.dtype or K.floatx()
        init = initializers.get(initializer or "glorot_uniform")
        shape = tuple(int(d) for d in (shape or ()))
        graph = get_default_graph()
        with graph.control_dependencies(None):
            variable = _tf.Variable(lambda: init(shape, dtype=dtype), name=name, dtype=dtype,
                                    trainable=trainable, constraint=constraints.get(constraint))
        variable._keras_shape = shape
        if regularizer is not None:
            regularizer = regularizers.get(regularizer)
            with graph.name_scope(f"{name}/Regularizer"):
                self._losses.append(regularizer(variable))
        (self._trainable_weights if trainable else self._non_trainable_weights).append(variable)
        return variable

    @property
    def trainable_weights(self) -> list[Any]:
        """The trained Variables (none when the layer is frozen)."""
        return list(self._trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[Any]:
        """The Variables not trained (all of them when the layer is frozen)."""
        if self.trainable:
            return list(self._non_trainable_weights)
        return list(self._trainable_weights) + list(self._non_trainable_weights)

    @property
    def weights(self) -> list[Any]:
        """Trainable then non-trainable Variables, in creation order within each."""
        return self.trainable_weights + self.non_trainable_weights

    @property
    def variables(self) -> list[Any]:
        """Same as `weights`."""
        return self.weights

    def get_weights(self) -> list[np.ndarray]:
        """The weights' values (numpy arrays) in `weights` order."""
        return K.batch_get_value(self.weights)

    def set_weights(self, weights: list[Any]) -> None:
        """Loads numpy values into the weights.

        Raises:
            ValueError: when the count or a shape differs, naming the layer; nothing is loaded.
        """
        params = self.weights
        if len(params) != len(weights):
            raise ValueError(
                f'You called `set_weights(weights)` on layer "{self.name}" with a weight list of '
                f"length {len(weights)}, but the layer was expecting {len(params)} weights. "
                f"Provided weights: {str(weights)[:50]}...")
        pairs = []
        for param, value in zip(params, weights):
            value = np.asarray(value)
            expected = tuple(param.shape.as_list())
            if expected != value.shape:
                raise ValueError(f"Layer weight shape {expected} not compatible with provided weight "
                                 f"shape {value.shape}")
            pairs.append((param, value))
        K.batch_set_value(pairs)

    def count_params(self) -> int:
        """The number of scalars in the weights.

        Raises:
            ValueError: when the layer is not built yet.
        """
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on {self.name}, but the layer isn't "
                             "built. You can build it manually via: "
                             f"`{self.name}.build(batch_input_shape)`.")
        return int(sum(int(np.prod(w.shape.as_list())) for w in self.weights))

    # --- updates and losses ---------------------------------------------------------------

    @property
    def updates(self) -> list[Any]:
        """Ops the training step runs (BatchNormalization's moving averages)."""
        return list(self._updates) if self.trainable else []

    def add_update(self, updates: Any, inputs: Any = None) -> None:
        """Registers update ops run by each training step."""
        self._updates.extend(to_list(updates))

    @property
    def losses(self) -> list[Any]:
        """Penalties added to the model's loss (weight regularizers, activity regularizers)."""
        return list(self._losses)

    def add_loss(self, losses: Any, inputs: Any = None) -> None:
        """Adds penalty tensors to the layer's losses."""
        self._losses.extend(to_list(losses))

    # --- calling ---------------------------------------------------------------------------

    def build(self, input_shape: Any) -> None:
        """Creates the weights (subclasses call `super().build` at the end)."""
        self.built = True

    def call(self, inputs: Any, **kwargs: Any) -> Any:
        """The layer's computation (the identity here)."""
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        """The output shape for `input_shape` (default: the input shape)."""
        return input_shape

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The output's mask: the input mask for layers that support masking, else None (tf_keras
        ignores a mask reaching a layer that does not support masking)."""
        return mask if self.supports_masking else None

    def _call_accepts_mask(self) -> bool:
        import inspect
        try:
            return "mask" in inspect.signature(self.call).parameters
        except (TypeError, ValueError):
            return False

    def _check_input(self, inputs: list[Any]) -> None:
        spec = self.input_spec
        if spec is None or isinstance(spec, list):
            return
        for x in inputs:
            rank = x.shape.ndims
            if rank is None:
                continue
            if spec.ndim is not None and rank != spec.ndim:
                raise ValueError(f"Input 0 of layer {self.name} is incompatible with the layer: "
                                 f"expected ndim={spec.ndim}, found ndim={rank}. Full shape received: "
                                 f"{list(K.int_shape(x))}")
            if spec.min_ndim is not None and rank < spec.min_ndim:
                raise ValueError(f"Input 0 of layer {self.name} is incompatible with the layer: "
                                 f"expected min_ndim={spec.min_ndim}, found ndim={rank}. Full shape "
                                 f"received: {list(K.int_shape(x))}")
            for axis, size in spec.axes.items():
                got = K.int_shape(x)[axis]
                if got is not None and got != size:
                    raise ValueError(f"Input 0 of layer {self.name} is incompatible with the layer: "
                                     f"expected axis {axis} of input shape to have value {size} but "
                                     f"received input with shape {list(K.int_shape(x))}")

    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """Builds the layer on the first call, applies `call`, records the call as a `Node`.

        Returns:
            The output tensor(s), marked with their `_keras_history`.
        """
        flat = [_tf.convert_to_tensor(x) if not hasattr(x, "graph") else x for x in to_list(inputs)]
        if not isinstance(inputs, (list, tuple)):
            inputs = flat[0]
        else:
            inputs = type(inputs)(flat) if isinstance(inputs, list) else list(flat)
        graph = flat[0].graph
        with graph.as_default(), graph.name_scope(self.name):
            if not self.built:
                self._check_input(flat)
                shapes = [_shape_tuple(x) for x in flat]
                self.build(shapes if isinstance(inputs, list) else shapes[0])
                self.built = True
                if self._initial_weights is not None:
                    self.set_weights(self._initial_weights)
                    self._initial_weights = None
            else:
                self._check_input(flat)
            if "training" in kwargs and kwargs["training"] is None:
                kwargs.pop("training")
            # Keras 2 masking: the inputs' `_keras_mask` goes to `call(mask=)` and `compute_mask`.
            masks = [getattr(x, "_keras_mask", None) for x in flat]
            input_mask = masks if isinstance(inputs, list) else masks[0]
            if all(m is None for m in masks):
                input_mask = None
            call_kwargs = dict(kwargs)
            if input_mask is not None and "mask" not in call_kwargs and self._call_accepts_mask():
                call_kwargs["mask"] = input_mask
            outputs = self.call(inputs, *args, **call_kwargs)
            output_mask = self.compute_mask(inputs, kwargs.get("mask", input_mask))
            if self.activity_regularizer is not None:
                with graph.name_scope("ActivityRegularizer"):
                    for out in to_list(outputs):
                        penalty = self.activity_regularizer(out)
                        batch = _tf.cast(_tf.shape(out)[0], penalty.dtype)
                        self._losses.append(penalty / batch)
        out_list = to_list(outputs)
        out_masks = output_mask if isinstance(output_mask, list) else [output_mask] * len(out_list)
        for out, out_mask in zip(out_list, out_masks):
            # A tensor that already carries a mask (a nested model's output) keeps it.
            if out_mask is not None or not hasattr(out, "_keras_mask"):
                out._keras_mask = out_mask
            if not hasattr(out, "_keras_shape"):
                dims = out.shape.as_list() if out.shape.dims is not None else None
                if dims is not None:
                    out._keras_shape = tuple(dims)
        Node(self, flat, out_list, kwargs)
        return outputs

    # --- nodes -----------------------------------------------------------------------------

    def _node_attr(self, attr: str, node_index: int, what: str) -> Any:
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} is not connected, no {what} to return.")
        values = getattr(self._inbound_nodes[node_index], attr)
        return values[0] if len(values) == 1 else values

    @property
    def input(self) -> Any:
        """The input tensor(s) of the layer's first call."""
        return self._node_attr("input_tensors", 0, "input")

    @property
    def output(self) -> Any:
        """The output tensor(s) of the layer's first call."""
        return self._node_attr("output_tensors", 0, "output")

    def get_input_at(self, node_index: int) -> Any:
        """The input tensor(s) of call `node_index`."""
        return self._node_attr("input_tensors", node_index, "input")

    def get_output_at(self, node_index: int) -> Any:
        """The output tensor(s) of call `node_index`."""
        return self._node_attr("output_tensors", node_index, "output")

    @property
    def input_shape(self) -> Any:
        """The input shape(s) of the first call."""
        shapes = [K.int_shape(t) for t in to_list(self.input)]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self) -> Any:
        """The output shape(s) of the first call."""
        shapes = [K.int_shape(t) for t in to_list(self.output)]
        return shapes[0] if len(shapes) == 1 else shapes

    # --- config ----------------------------------------------------------------------------

    def get_config(self) -> dict[str, Any]:
        """`name`, `trainable`, `dtype` (+ `batch_input_shape` when given), as Keras 2."""
        config: dict[str, Any] = {"name": self.name, "trainable": self.trainable}
        if hasattr(self, "_batch_input_shape"):
            config["batch_input_shape"] = self._batch_input_shape
        config["dtype"] = self.dtype or K.floatx()
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        """A layer from its `get_config()`."""
        return cls(**config)
