"""`Masking`: marks the time steps whose features all equal `mask_value` as padding, so that
the recurrent layers after it skip them (Keras 2's mask propagation through `_keras_mask`)."""

from __future__ import annotations

from typing import Any

import graphflow as _tf
from graphflow.keras.engine.base_layer import Layer


class Masking(Layer):
    """Masks `(batch, time, features)` steps equal to `mask_value` in every feature.

    The output is the input with the masked steps set to zero; its mask is `(batch, time)`,
    True for the steps kept.

    Args:
        mask_value: the padding value (default 0.0).
    """

    def __init__(self, mask_value: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.mask_value = mask_value

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return _tf.reduce_any(_tf.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs: Any) -> Any:
        keep = _tf.reduce_any(_tf.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return inputs * _tf.cast(keep, inputs.dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mask_value": self.mask_value}
