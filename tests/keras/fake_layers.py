"""Numpy-backed stand-ins for Keras layers and models: the interface the saving code uses
(`name`, `weights` with `.name`/`.shape`, `get_weights`/`set_weights`, `model.layers`)."""

from __future__ import annotations

import numpy as np


class FakeWeight:
    def __init__(self, name, shape):
        self.name = name
        self.shape = tuple(shape)


class FakeLayer:
    def __init__(self, name, shapes, seed=0, weight_names=None):
        self.name = name
        names = weight_names or [f"{name}/w{i}:0" for i in range(len(shapes))]
        self.weights = [FakeWeight(n, s) for n, s in zip(names, shapes)]
        rng = np.random.RandomState(seed)
        self._values = [rng.randn(*s).astype(np.float32) for s in shapes]
        self.set_calls = 0

    def get_weights(self):
        return [v.copy() for v in self._values]

    def set_weights(self, values):
        assert [np.shape(v) for v in values] == [w.shape for w in self.weights]
        self.set_calls += 1
        self._values = [np.array(v, np.float32) for v in values]


class FakeModel:
    def __init__(self, layers):
        self.layers = layers

    def get_weights(self):
        return [v for layer in self.layers for v in layer.get_weights()]


def dense(name, n_in, n_out, seed=0):
    return FakeLayer(name, [(n_in, n_out), (n_out,)], seed, [f"{name}/kernel:0", f"{name}/bias:0"])


def tf_keras_mlp(seed=0):
    """The architecture of tests/keras/data/tf_keras_mlp*.h5 (Dense(3) on 4 inputs, Dense(2))."""
    return FakeModel([dense("dense", 4, 3, seed), dense("dense_1", 3, 2, seed + 1)])


def tf_keras_conv(seed=0):
    """The architecture of tests/keras/data/tf_keras_conv_weights.h5."""
    bn = [f"batch_normalization/{n}:0" for n in ("gamma", "beta", "moving_mean", "moving_variance")]
    return FakeModel([FakeLayer("conv2d", [(3, 3, 1, 2), (2,)], seed, ["conv2d/kernel:0", "conv2d/bias:0"]),
                      FakeLayer("batch_normalization", [(2,)] * 4, seed + 1, bn),
                      FakeLayer("flatten", [], seed + 2),
                      dense("dense_2", 32, 2, seed + 3)])
