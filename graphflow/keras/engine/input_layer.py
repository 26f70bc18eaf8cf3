"""`InputLayer` and `Input`: the placeholder a functional or Sequential model is fed through."""

from __future__ import annotations

from typing import Any

import graphflow as _tf
from graphflow.keras import backend as K
from graphflow.keras.engine.base_layer import Layer, unique_object_name
from graphflow.keras.engine.node import Node


class InputLayer(Layer):
    """The layer owning a model input: a placeholder named after the layer.

    Args:
        input_shape: the sample shape (without the batch dimension).
        batch_size: the batch dimension (default None).
        dtype: the placeholder's dtype (default `floatx()`).
        input_tensor: an existing tensor to use instead of a new placeholder.
        sparse: unsupported (must be False).
        name: the layer name (default `input_1`, `input_2`, ...).
        batch_input_shape: the full shape, batch dimension first.

    Raises:
        ValueError: when neither a shape nor a tensor is given.
    """

    def __init__(self, input_shape: Any = None, batch_size: int | None = None, dtype: Any = None,
                 input_tensor: Any = None, sparse: bool = False, name: str | None = None,
                 batch_input_shape: Any = None, ragged: bool = False, optional: bool = False,
                 **kwargs: Any) -> None:
        if sparse:
            raise ValueError("InputLayer: sparse inputs are not supported by graphflow")
        # `ragged` (TF 1.15) and `optional` (tf_keras 2.x) appear in saved configs, False there
        if ragged or optional:
            raise ValueError("InputLayer: ragged and optional inputs are not supported by graphflow")
        name = name or unique_object_name("input")
        super().__init__(name=name, dtype=dtype or K.floatx(), **kwargs)
        if batch_input_shape is None:
            if input_shape is None and input_tensor is None:
                raise ValueError("You should provide an input_shape or an input_tensor to InputLayer "
                                 "(or to Input).")
            if input_shape is not None:
                batch_input_shape = (batch_size,) + tuple(input_shape)
            else:
                batch_input_shape = K.int_shape(input_tensor)
        self._batch_input_shape = tuple(batch_input_shape)
        self.is_placeholder = input_tensor is None
        if input_tensor is None:
            input_tensor = _tf.placeholder(self.dtype, shape=list(self._batch_input_shape), name=name)
        input_tensor._keras_shape = self._batch_input_shape
        self.built = True
        Node(self, [], [input_tensor])

    def get_config(self) -> dict[str, Any]:
        """`batch_input_shape`, `dtype`, `sparse`, `name` (Keras 2's keys)."""
        return {"batch_input_shape": self._batch_input_shape, "dtype": self.dtype, "sparse": False,
                "name": self.name}


def Input(shape: Any = None, batch_size: int | None = None, name: str | None = None, dtype: Any = None,
          sparse: bool = False, tensor: Any = None, batch_shape: Any = None, **kwargs: Any) -> Any:
    """A model input: the placeholder tensor of a new `InputLayer`.

    Args:
        shape: the sample shape, e.g. `(784,)`.
        batch_size: the batch dimension (default None).
        name: the layer name.
        dtype: the dtype (default `floatx()`).
        sparse: unsupported.
        tensor: an existing tensor to wrap.
        batch_shape: the full shape including the batch dimension.

    Returns:
        The input tensor (a placeholder carrying `_keras_history`).
    """
    if "batch_input_shape" in kwargs:
        batch_shape = kwargs.pop("batch_input_shape")
    layer = InputLayer(input_shape=shape, batch_size=batch_size, name=name, dtype=dtype, sparse=sparse,
                       input_tensor=tensor, batch_input_shape=batch_shape, **kwargs)
    return layer._inbound_nodes[0].output_tensors[0]
