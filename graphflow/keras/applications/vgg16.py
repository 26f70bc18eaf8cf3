"""`keras.applications.VGG16`: the 16-layer VGG architecture with Keras 2's layer names
(`block1_conv1`, ..., `fc1`, `fc2`, `predictions`)."""

from __future__ import annotations

from typing import Any

from graphflow.keras import backend as K
from graphflow.keras import layers
from graphflow.keras.engine.input_layer import Input
from graphflow.keras.engine.training import Model


def VGG16(include_top: bool = True, weights: Any = None, input_tensor: Any = None, input_shape: Any = None,
          pooling: str | None = None, classes: int = 1000, classifier_activation: str = "softmax") -> Model:
    """The VGG16 model.

    Args:
        include_top: whether to add the three dense layers.
        weights: must be None (random initialization): pretrained weights cannot be downloaded.
        input_tensor: a Keras tensor to build on.
        input_shape: the image shape (default (224, 224, 3); at least 32x32 without the top).
        pooling: None, 'avg' or 'max' global pooling when `include_top` is False.
        classes: output classes (with `include_top`).

    Raises:
        ValueError: for pretrained `weights` or a bad input shape.
    """
    if weights is not None:
        raise ValueError(f"The `weights` argument should be None (random initialization): graphflow cannot "
                         f"download pretrained weights. Received: weights={weights!r}")
    if input_shape is None:
        input_shape = (224, 224, 3) if K.image_data_format() == "channels_last" else (3, 224, 224)
    spatial = input_shape[:2] if K.image_data_format() == "channels_last" else input_shape[1:]
    if any(d is not None and d < 32 for d in spatial):
        raise ValueError(f"Input size must be at least 32x32; got `input_shape={tuple(input_shape)}`")
    img_input = Input(shape=input_shape) if input_tensor is None else input_tensor
    x = img_input
    for block, (convs, filters) in enumerate([(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)], start=1):
        for i in range(1, convs + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name=f"block{block}_conv{i}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    return Model(img_input, x, name="vgg16")
