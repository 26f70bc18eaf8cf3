"""A SeparableConv2D image classifier written with `tf.keras`, compiled with `rmsprop`: the
8x8 digits, SeparableConv2D + BatchNormalization blocks, global average pooling, softmax.
The same program runs on TensorFlow 1.x with `from tensorflow import keras`.

Usage: python examples/keras_separable.py [--epochs N]
"""

from __future__ import annotations

import argparse

import numpy as np

import graphflow as tf

keras = tf.keras


def load_digits_images() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The digits as (N, 8, 8, 1) images in [0, 1] with one-hot labels, split train/test."""
    (x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
    x_train, x_test = x_train[..., None] / 16.0, x_test[..., None] / 16.0
    return (x_train, keras.utils.to_categorical(y_train, 10)), (x_test, keras.utils.to_categorical(y_test, 10))


def build_model() -> keras.Model:
    """The separable classifier (about 4k parameters)."""
    model = keras.Sequential(name="separable_digits")
    model.add(keras.layers.SeparableConv2D(16, (3, 3), padding="same", input_shape=(8, 8, 1)))
    # momentum 0.9 (Keras' default is 0.99): the moving statistics used at test time must
    # catch up within the few hundred steps of this small dataset.
    model.add(keras.layers.BatchNormalization(momentum=0.9))
    model.add(keras.layers.Activation("relu"))
    model.add(keras.layers.SeparableConv2D(32, (3, 3), padding="same"))
    model.add(keras.layers.BatchNormalization(momentum=0.9))
    model.add(keras.layers.Activation("relu"))
    model.add(keras.layers.MaxPooling2D((2, 2)))
    model.add(keras.layers.SeparableConv2D(64, (3, 3), padding="same", activation="relu"))
    model.add(keras.layers.GlobalAveragePooling2D())
    model.add(keras.layers.Dropout(0.2))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def main(epochs: int = 20, verbose: int = 2) -> dict[str, float]:
    """Trains on the digits; returns the final training and test accuracy."""
    np.random.seed(0)  # noqa: NPY002  (fit shuffles with numpy's global state, as Keras)
    tf.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = load_digits_images()
    model = build_model()
    if verbose:
        model.summary()
    history = model.fit(x_train, y_train, batch_size=32, epochs=epochs, validation_split=0.1, verbose=verbose)
    test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)
    if verbose:
        print(f"test loss {test_loss:.4f}, test accuracy {test_acc:.4f}")
    return {"train_acc": history.history["acc"][-1], "val_acc": history.history["val_acc"][-1],
            "test_acc": test_acc, "test_loss": test_loss}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    main(parser.parse_args().epochs)
