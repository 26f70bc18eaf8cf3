"""`keras.layers`: Keras 2's layers, and `serialize`/`deserialize` of layer configs."""

# ruff: noqa: F401
from __future__ import annotations

from typing import Any

from graphflow.keras.engine.base_layer import InputSpec, Layer
from graphflow.keras.engine.input_layer import Input, InputLayer
from graphflow.keras.layers.advanced_activations import ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU
from graphflow.keras.layers.convolutional import (
    Conv1D,
    Conv2D,
    Conv2DTranspose,
    Convolution1D,
    Convolution2D,
    Deconvolution2D,
    DepthwiseConv2D,
    SeparableConv2D,
)
from graphflow.keras.layers.core import (
    Activation,
    Dense,
    Dropout,
    Flatten,
    Lambda,
    Permute,
    RepeatVector,
    Reshape,
)
from graphflow.keras.layers.embeddings import Embedding
from graphflow.keras.layers.masking import Masking
from graphflow.keras.layers.merge import (
    Add,
    Average,
    Concatenate,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    maximum,
    minimum,
    multiply,
    subtract,
)
from graphflow.keras.layers.noise import GaussianDropout, GaussianNoise, SpatialDropout1D, SpatialDropout2D
from graphflow.keras.layers.normalization import BatchNormalization
from graphflow.keras.layers.pooling import (
    AveragePooling1D,
    AveragePooling2D,
    AvgPool1D,
    AvgPool2D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAvgPool2D,
    GlobalMaxPool2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    MaxPool1D,
    MaxPool2D,
    MaxPooling1D,
    MaxPooling2D,
)
from graphflow.keras.layers.recurrent import (
    GRU,
    LSTM,
    RNN,
    GRUCell,
    LSTMCell,
    SimpleRNN,
    SimpleRNNCell,
    StackedRNNCells,
)
from graphflow.keras.layers.reshaping import Cropping2D, UpSampling2D, ZeroPadding2D
from graphflow.keras.layers.wrappers import Bidirectional, TimeDistributed
from graphflow.keras.utils.generic_utils import deserialize_keras_object


def serialize(layer: Layer) -> dict[str, Any]:
    """`{'class_name': 'Dense', 'config': layer.get_config()}`."""
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def _known_classes() -> dict[str, Any]:
    import graphflow.keras.layers as module
    from graphflow.keras.engine.network import Network
    from graphflow.keras.engine.sequential import Sequential
    from graphflow.keras.engine.training import Model
    known = {name: obj for name, obj in vars(module).items()
             if isinstance(obj, type) and issubclass(obj, Layer)}
    known.update(Model=Model, Sequential=Sequential, Network=Network, Functional=Model)
    return known


def deserialize(config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Layer:
    """The layer a `{'class_name', 'config'}` dict describes (custom classes via `custom_objects`).

    Raises:
        ValueError: for an unknown class name (`Unknown layer: Name`).
    """
    return deserialize_keras_object(config, _known_classes(), custom_objects, "layer")
