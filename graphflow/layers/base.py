"""`tf.layers.Layer`: the base of TF1's layer classes (`tf.layers.Dense`, `Conv2D`, ...).

A layer object owns a variable scope, chosen the first time it is called: `name` when given,
else its class name in snake case made unique in the enclosing variable scope (`dense`,
`dense_1`, ...). Because TF1 resets those counts when a named variable scope is left, a model
built twice under `tf.variable_scope("D", reuse=True)` finds the same `D/conv2d/kernel` both
times. The first call creates the variables (`build`), every later call reuses them. The
layer's `.name` is a separate per-graph unique name (`dense_1`, `dense_2`, ...), as in TF1.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import Any

from graphflow.api import math as gmath
from graphflow.api.array import shape
from graphflow.framework import dtypes
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.graph import GraphKeys, get_default_graph
from graphflow.framework.variable_scope import VariableScope, get_variable, variable_scope


def to_snake_case(name: str) -> str:
    """`Conv2DTranspose` -> `conv2d_transpose`, `BatchNormalization` -> `batch_normalization`."""
    words = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    snake = re.sub(r"([a-z])([A-Z])", r"\1_\2", words).lower()
    return snake if not snake.startswith("_") else "private" + snake


def _unique_layer_name(base: str) -> str:
    """`base_1`, `base_2`, ... counted per graph (TF1's one-based layer object names)."""
    graph = get_default_graph()
    counts = getattr(graph, "_layer_name_uids", None)
    if counts is None:
        counts = graph._layer_name_uids = {}
    counts[base] = counts.get(base, 0) + 1
    return f"{base}_{counts[base]}"


def _flatten(structure: Any) -> Iterator[Any]:
    if isinstance(structure, (list, tuple)):
        for item in structure:
            yield from _flatten(item)
    elif isinstance(structure, dict):
        for key in sorted(structure):
            yield from _flatten(structure[key])
    else:
        yield structure


def _to_tensors(structure: Any) -> Any:
    if isinstance(structure, (list, tuple)):
        return type(structure)(_to_tensors(item) for item in structure)
    if isinstance(structure, dict):
        return {key: _to_tensors(value) for key, value in structure.items()}
    return convert_to_tensor(structure)


def _shapes(structure: Any) -> Any:
    if isinstance(structure, (list, tuple)):
        return [_shapes(item) for item in structure]
    if isinstance(structure, dict):
        return {key: _shapes(value) for key, value in structure.items()}
    return structure.shape


class Layer:
    """A TF1 layer: variables created once by `build`, the computation in `call`.

    Subclasses override `build(input_shape)` (creating variables with `add_weight`, then
    calling `super().build(input_shape)`) and `call(inputs, ...)`.

    Args:
        trainable: whether the layer's variables go to `TRAINABLE_VARIABLES`.
        name: the layer's variable scope name (default: the class name in snake case, made
            unique in the enclosing variable scope when the layer is first called).
        dtype: the variables' dtype (default: the dtype of the first inputs).
        activity_regularizer: a function of the output whose value, divided by the batch
            size, is added to `tf.GraphKeys.REGULARIZATION_LOSSES`.

    Raises:
        TypeError: for an unknown keyword argument.
    """

    def __init__(self, trainable: bool = True, name: str | None = None, dtype: Any = None,
                 activity_regularizer: Any = None, **kwargs: Any) -> None:
        scope = kwargs.pop("_scope", None)
        self._reuse = kwargs.pop("_reuse", None)
        # Keras arguments that only matter to a Keras model, not to a layer called on tensors.
        for ignored in ("autocast", "input_shape", "batch_input_shape", "batch_size"):
            kwargs.pop(ignored, None)
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unknown keyword arguments "
                            f"{sorted(kwargs)}")
        self.trainable = trainable
        self.built = False
        self._dtype = None if dtype is None else dtypes.as_dtype(dtype).base_dtype
        self._activity_regularizer = activity_regularizer
        self._trainable_weights: list[Any] = []
        self._non_trainable_weights: list[Any] = []
        self._updates: list[Any] = []
        self._losses: list[Any] = []
        self._init_set_name(name)
        self._scope: VariableScope | None = None
        self._current_scope: VariableScope | None = None
        if scope:
            with variable_scope(scope) as captured:
                self._scope = captured

    def _init_set_name(self, name: Any) -> None:
        if isinstance(name, VariableScope):
            self._name, self._base_name = _unique_layer_name(to_snake_case(type(self).__name__)), \
                name.name
        elif name:
            self._name, self._base_name = name, name
        else:
            self._base_name = to_snake_case(type(self).__name__)
            self._name = _unique_layer_name(self._base_name)

    # ---- properties ------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The layer's name (`dense_1` for the first unnamed Dense of a graph, as TF1)."""
        return self._name

    @property
    def dtype(self) -> str | None:
        """The name of the variables' dtype, or None before the first call."""
        return None if self._dtype is None else self._dtype.name

    @property
    def scope_name(self) -> str:
        """The layer's variable scope name.

        Raises:
            ValueError: before the layer is first called.
        """
        if self._scope is None:
            raise ValueError(f'No name available for layer scope because the layer "{self._name}"'
                             " has not been used yet. The scope name is determined the first "
                             "time the layer instance is called. You must therefore call the "
                             "layer before querying `scope_name`.")
        return self._scope.name

    @property
    def trainable_weights(self) -> list[Any]:
        return list(self._trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[Any]:
        if self.trainable:
            return list(self._non_trainable_weights)
        return self._trainable_weights + self._non_trainable_weights

    # Properties that read through the `_weights` ones, so subclasses override only those.
    @property
    def trainable_variables(self) -> list[Any]:
        """Same as `trainable_weights`."""
        return self.trainable_weights

    @property
    def non_trainable_variables(self) -> list[Any]:
        """Same as `non_trainable_weights`."""
        return self.non_trainable_weights

    @property
    def weights(self) -> list[Any]:
        """Trainable then non-trainable variables."""
        return self.trainable_weights + self.non_trainable_weights

    @property
    def variables(self) -> list[Any]:
        """Same as `weights`."""
        return self.weights

    @property
    def updates(self) -> list[Any]:
        """Update ops created by calls (batch normalization's moving averages)."""
        return list(self._updates)

    @property
    def losses(self) -> list[Any]:
        """Regularization losses of the variables and activity of this layer."""
        return list(self._losses)

    def count_params(self) -> int:
        """The number of scalars in the layer's variables.

        Raises:
            ValueError: before the layer is built.
        """
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on {self._name}, but the layer "
                             "isn't built.")
        return sum(v.shape.num_elements() for v in self.weights)

    # ---- building blocks for subclasses ----------------------------------------------------
    def build(self, input_shape: Any) -> None:
        """Creates the variables; the base marks the layer built."""
        self.built = True

    def call(self, inputs: Any, **kwargs: Any) -> Any:
        """The layer's computation; the base returns its inputs."""
        return inputs

    def add_weight(self, name: str, shape: Any, dtype: Any = None, initializer: Any = None,
                   regularizer: Any = None, trainable: bool | None = None,
                   constraint: Any = None, **kwargs: Any) -> Any:
        """Creates (or, when the layer reuses, gets) the variable `<scope>/<name>`.

        Returns:
            The Variable, also tracked in `trainable_weights` or `non_trainable_weights`.
        """
        trainable = True if trainable is None else trainable
        dtype = dtypes.as_dtype(dtype) if dtype is not None else (self._dtype or dtypes.float32)
        self._set_scope(None)
        graph = get_default_graph()
        losses = graph.get_collection_ref(GraphKeys.REGULARIZATION_LOSSES)
        before = len(losses)
        with variable_scope(self._scope, reuse=self.built or self._reuse,
                            auxiliary_name_scope=False) as scope:
            self._current_scope = scope
            with graph.name_scope(scope.original_name_scope):
                variable = get_variable(name, shape, dtype, initializer=initializer,
                                        regularizer=regularizer,
                                        trainable=trainable and self.trainable,
                                        constraint=constraint)
        self._losses.extend(losses[before:])
        tracked = self._trainable_weights if trainable and self.trainable \
            else self._non_trainable_weights
        if all(variable is not v for v in self._trainable_weights + self._non_trainable_weights):
            tracked.append(variable)
        return variable

    add_variable = add_weight  # TF1's older name

    def add_update(self, updates: Any, inputs: Any = None) -> None:
        """Records update ops (run them through `tf.GraphKeys.UPDATE_OPS`)."""
        for update in _flatten(updates):
            self._updates.append(update)

    def add_loss(self, losses: Any, inputs: Any = None) -> None:
        """Records losses in the layer and in `tf.GraphKeys.REGULARIZATION_LOSSES`."""
        graph = get_default_graph()
        for loss in _flatten(losses):
            loss = loss() if callable(loss) else loss
            if loss is None:
                continue
            self._losses.append(loss)
            graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)

    # ---- calling ---------------------------------------------------------------------------
    def _set_scope(self, scope: Any = None) -> None:
        if self._scope is not None:
            return
        if self._reuse:
            with variable_scope(scope if scope is not None else self._base_name) as captured:
                self._scope = captured
        else:
            with variable_scope(scope, default_name=self._base_name) as captured:
                self._scope = captured

    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """Builds the layer on first use, then applies `call` inside the layer's scope.

        Args:
            inputs: a tensor (or a nested list of tensors).
            *args, **kwargs: passed to `call` (e.g. `training=`); `scope=` names the variable
                scope on the first call.

        Returns:
            The outputs of `call`.
        """
        self._set_scope(kwargs.pop("scope", None))
        graph = get_default_graph()
        with variable_scope(self._scope, reuse=True if self.built else self._reuse,
                            auxiliary_name_scope=False) as scope:
            self._current_scope = scope
            with graph.name_scope(scope.original_name_scope):
                # As TF1: `training=` reaches `call` only if it takes it, and a `call` with
                # a `scope` argument receives the layer's variable scope.
                if "training" in kwargs and not self._call_takes("training"):
                    del kwargs["training"]
                if self._call_takes("scope", keyword_catchall=False):
                    kwargs["scope"] = scope
                inputs = _to_tensors(inputs)
                if not self.built:
                    if self._dtype is None:
                        first = next(iter(_flatten(inputs)))
                        self._dtype = first.dtype.base_dtype
                    self.build(_shapes(inputs))
                    self.built = True
                outputs = self.call(inputs, *args, **kwargs)
                self._activity_penalty(outputs)
        collection = graph.get_collection_ref(GraphKeys.UPDATE_OPS)
        for update in self._updates:
            if all(update is not u for u in collection):
                collection.append(update)
        return outputs

    apply = __call__

    def _call_takes(self, argument: str, keyword_catchall: bool = True) -> bool:
        parameters = inspect.signature(self.call).parameters
        return argument in parameters or keyword_catchall and any(
            p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())

    def _activity_penalty(self, outputs: Any) -> None:
        if self._activity_regularizer is None:
            return
        with get_default_graph().name_scope("ActivityRegularizer"):
            for output in _flatten(outputs):
                penalty = self._activity_regularizer(output)
                if penalty is None:
                    continue
                penalty = convert_to_tensor(penalty)
                # TF1 makes the strength independent of the batch size.
                batch = gmath.cast(shape(output)[0], penalty.dtype)
                self.add_loss(gmath.truediv(penalty, batch))

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} {self._name!r}>"


def activation_of(activation: Any) -> Any:
    """A callable activation: None (identity), a function, or a `tf.nn` name ('relu')."""
    if activation is None or callable(activation):
        return activation
    if activation == "linear":
        return None
    from graphflow import nn

    function = getattr(nn, str(activation), None)
    if function is None:
        raise ValueError(f"Unknown activation function: {activation!r}")
    return function

