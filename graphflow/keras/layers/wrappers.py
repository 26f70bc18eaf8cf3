"""Layer wrappers: `TimeDistributed` (a layer applied to every time step) and `Bidirectional`
(an RNN run forwards and backwards, outputs merged)."""

from __future__ import annotations

import copy
from typing import Any

import graphflow as _tf
from graphflow.keras import backend as K
from graphflow.keras.engine.base_layer import Layer


class _Wrapper(Layer):
    def __init__(self, layer: Layer, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.layer = layer

    @property
    def _layers(self) -> list[Layer]:
        return [self.layer]

    @property
    def trainable_weights(self) -> list[Any]:
        return self.layer.trainable_weights if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[Any]:
        return self.layer.non_trainable_weights if self.trainable else self.layer.weights

    @property
    def updates(self) -> list[Any]:
        return self.layer.updates

    @property
    def losses(self) -> list[Any]:
        return self.layer.losses + list(self._losses)

    def get_config(self) -> dict[str, Any]:
        from graphflow.keras.layers import serialize
        return {**super().get_config(), "layer": serialize(self.layer)}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Layer:
        from graphflow.keras.layers import deserialize
        config = dict(config)
        layer = deserialize(config.pop("layer"), custom_objects=custom_objects)
        return cls(layer, **config)


class TimeDistributed(_Wrapper):
    """Applies `layer` to every step of `(batch, time, ...)` inputs (one set of weights)."""

    def __init__(self, layer: Layer, **kwargs: Any) -> None:
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def build(self, input_shape: Any) -> None:
        self.built = True

    def call(self, inputs: Any, training: Any = None) -> Any:
        shape = K.int_shape(inputs)
        if any(d is None for d in shape[2:]):
            raise ValueError(f"TimeDistributed {self.name}: the feature dimensions must be known, got {shape}")
        flat = _tf.reshape(inputs, [-1] + list(shape[2:]))
        out = self.layer(flat)
        out_shape = K.int_shape(out)
        if shape[1] is not None:
            return _tf.reshape(out, [-1, shape[1]] + list(out_shape[1:]))
        # Unknown number of steps (a while-loop RNN's sequences): the leading dims at run time.
        leading = _tf.shape(inputs)[:2]
        result = _tf.reshape(out, _tf.concat([leading, _tf.constant(list(out_shape[1:]), "int32")], 0))
        result.set_shape([None, None] + list(out_shape[1:]))
        return result


class Bidirectional(_Wrapper):
    """Runs a recurrent `layer` forwards and a copy backwards (`backward_layer`) and merges the
    outputs: 'concat' (default), 'sum', 'mul', 'ave', or None (a list of both).

    Weights: the forward layer's, then the backward layer's (named `forward_<name>`,
    `backward_<name>`, as tf_keras)."""

    def __init__(self, layer: Layer, merge_mode: str | None = "concat", weights: Any = None,
                 backward_layer: Layer | None = None, **kwargs: Any) -> None:
        if merge_mode not in ("sum", "mul", "ave", "concat", None):
            raise ValueError("Invalid merge mode. Merge mode should be one of {'sum', 'mul', 'ave', "
                             f"'concat', None}}. Received: {merge_mode}")
        super().__init__(layer, **kwargs)
        config = layer.get_config()
        name = config["name"]
        forward_config = dict(config, name=f"forward_{name}")
        self.forward_layer = type(layer).from_config(forward_config)
        self._backward_given = backward_layer is not None
        if backward_layer is None:
            backward_config = dict(copy.deepcopy(config), name=f"backward_{name}",
                                   go_backwards=not config.get("go_backwards", False))
            backward_layer = type(layer).from_config(backward_config)
        self.backward_layer = backward_layer
        self.merge_mode = merge_mode
        self.return_sequences = getattr(layer, "return_sequences", False)
        self.return_state = getattr(layer, "return_state", False)
        # tf_keras: masked steps of returned sequences are zeros in both directions.
        for directed in (self.forward_layer, self.backward_layer):
            if hasattr(directed, "zero_output_for_mask"):
                directed.zero_output_for_mask = directed.return_sequences
        self.supports_masking = True
        self._initial_weights = weights

    @property
    def _layers(self) -> list[Layer]:
        return [self.forward_layer, self.backward_layer]

    @property
    def trainable_weights(self) -> list[Any]:
        if not self.trainable:
            return []
        return self.forward_layer.trainable_weights + self.backward_layer.trainable_weights

    @property
    def non_trainable_weights(self) -> list[Any]:
        if not self.trainable:
            return self.forward_layer.weights + self.backward_layer.weights
        return self.forward_layer.non_trainable_weights + self.backward_layer.non_trainable_weights

    @property
    def losses(self) -> list[Any]:
        return self.forward_layer.losses + self.backward_layer.losses

    def build(self, input_shape: Any) -> None:
        self.built = True

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if isinstance(mask, list):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        masks = [output_mask, output_mask] if self.merge_mode is None else [output_mask]
        if self.return_state:
            states = len(getattr(self.forward_layer.cell, "state_size", [])) * 2
            return masks + [None] * states
        return masks if len(masks) > 1 else masks[0]

    def _merge(self, forward: Any, backward: Any) -> Any:
        if self.merge_mode == "concat":
            return _tf.concat([forward, backward], -1)
        if self.merge_mode == "sum":
            return forward + backward
        if self.merge_mode == "ave":
            return (forward + backward) / 2.0
        if self.merge_mode == "mul":
            return forward * backward
        return [forward, backward]

    def call(self, inputs: Any, training: Any = None, mask: Any = None, initial_state: Any = None) -> Any:
        """The merged outputs; with `return_state`, followed by the forward then the backward
        layer's final states. `initial_state`: the forward layer's states, then the backward's."""
        kwargs = {} if training is None else {"training": training}
        if mask is not None:
            kwargs["mask"] = mask
        forward_kwargs, backward_kwargs = dict(kwargs), dict(kwargs)
        if initial_state is not None:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            if len(states) % 2:
                raise ValueError(f"Bidirectional {self.name}: initial_state needs as many states for the "
                                 f"backward layer as for the forward one, got {len(states)} states")
            half = len(states) // 2
            forward_kwargs["initial_state"], backward_kwargs["initial_state"] = states[:half], states[half:]
        forward = self.forward_layer(inputs, **forward_kwargs)
        backward = self.backward_layer(inputs, **backward_kwargs)
        forward_states: list[Any] = []
        backward_states: list[Any] = []
        if self.return_state:
            forward, forward_states = forward[0], list(forward[1:])
            backward, backward_states = backward[0], list(backward[1:])
        if self.return_sequences:
            backward = _tf.reverse(backward, [1])
        merged = self._merge(forward, backward)
        if self.return_state:
            return (merged if isinstance(merged, list) else [merged]) + forward_states + backward_states
        return merged

    def get_config(self) -> dict[str, Any]:
        from graphflow.keras.layers import serialize
        config = {**super().get_config(), "merge_mode": self.merge_mode}
        if self._backward_given:  # tf_keras records the backward layer only when one was given
            config["backward_layer"] = serialize(self.backward_layer)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Layer:
        from graphflow.keras.layers import deserialize
        config = dict(config)
        layer = deserialize(config.pop("layer"), custom_objects=custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            backward = deserialize(backward, custom_objects=custom_objects)
        return cls(layer, backward_layer=backward, **config)
