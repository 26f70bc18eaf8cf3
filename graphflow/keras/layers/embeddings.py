"""`Embedding`: integer indices to dense vectors (weight `embeddings`, `(input_dim, output_dim)`)."""

from __future__ import annotations

from typing import Any

import graphflow as _tf
from graphflow.keras import constraints, initializers, regularizers
from graphflow.keras.engine.base_layer import Layer
from graphflow.keras.layers._config import ser_constraint, ser_initializer, ser_regularizer


class Embedding(Layer):
    """Looks up rows of the `embeddings` matrix.

    Args:
        input_dim: the vocabulary size.
        output_dim: the vector size.
        embeddings_initializer: default `uniform` (RandomUniform(-0.05, 0.05)).
        input_length: the sequence length (for `Flatten` after it).
        mask_zero: index 0 is padding: the output carries a mask, False where the input is 0
            (so `input_dim` must count the padding index).
    """

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer: Any = "uniform",
                 embeddings_regularizer: Any = None, activity_regularizer: Any = None,
                 embeddings_constraint: Any = None, mask_zero: bool = False, input_length: Any = None,
                 **kwargs: Any) -> None:
        if "input_shape" not in kwargs and "batch_input_shape" not in kwargs and input_length is not None:
            kwargs["input_shape"] = (input_length,) if isinstance(input_length, int) else tuple(input_length)
        kwargs.setdefault("dtype", "float32")
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        if embeddings_initializer == "uniform":
            embeddings_initializer = initializers.RandomUniform(-0.05, 0.05)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero, self.input_length = mask_zero, input_length

    def build(self, input_shape: Any) -> None:
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)
        self.built = True

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if not self.mask_zero:
            return None
        return _tf.not_equal(inputs, 0)

    def call(self, inputs: Any) -> Any:
        ids = inputs if inputs.dtype.is_integer else _tf.cast(inputs, "int32")
        return _tf.gather(self.embeddings, ids)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": ser_initializer(self.embeddings_initializer),
                "embeddings_regularizer": ser_regularizer(self.embeddings_regularizer),
                "activity_regularizer": ser_regularizer(self.activity_regularizer),
                "embeddings_constraint": ser_constraint(self.embeddings_constraint),
                "mask_zero": self.mask_zero, "input_length": self.input_length}
