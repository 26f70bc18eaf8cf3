"""`model.fit` against the same training steps run by hand with `sess.run`, for the MLP of the
shared TF1 bench (784-256-256-10 ReLU, batch 128, Adam 1e-3, sparse softmax cross-entropy).

    python benchmarks/keras_fit.py                          # graphflow (TF1_IMPL=graphflow)
    TF1_IMPL=tf /work/tfenv/bin/python benchmarks/keras_fit.py   # TensorFlow + tf_keras

Prints one JSON line (milliseconds per epoch of 40 batches, medians of 5 interleaved epochs):
  fit_epoch_ms        model.fit(x, y, batch_size=128, epochs=1, verbose=0) (shuffled)
  hand_epoch_ms       the hand-written TF1 graph (tf.train.AdamOptimizer), one sess.run(train)
                      per shuffled batch
  fit_over_hand       fit_epoch_ms / hand_epoch_ms
"""

from __future__ import annotations

import json
import os
import statistics
import time
from typing import Any

import numpy as np
from mlp_graph import build_mlp

IMPL = os.environ.get("TF1_IMPL", "graphflow")
if IMPL == "tf":
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow.compat.v1 as tf
    import tf_keras as keras

    tf.disable_v2_behavior()
    Adam = keras.optimizers.legacy.Adam
else:
    import graphflow as tf
    from graphflow import keras

    Adam = keras.optimizers.Adam

BATCH, BATCHES, DIN, HIDDEN, CLASSES, EPOCHS = 128, 40, 784, 256, 10, 5


def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(0)
    return rng.rand(BATCH * BATCHES, DIN).astype(np.float32), rng.randint(0, CLASSES, BATCH * BATCHES)


def fit_epoch(x: np.ndarray, y: np.ndarray) -> Any:
    """A compiled Keras model and a function running one `fit` epoch on it."""
    keras.backend.clear_session()
    model = keras.Sequential([keras.layers.Dense(HIDDEN, activation="relu", input_shape=(DIN,)),
                              keras.layers.Dense(HIDDEN, activation="relu"), keras.layers.Dense(CLASSES)])
    model.compile(Adam(1e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)


def hand_epoch(x: np.ndarray, y: np.ndarray) -> Any:
    """The hand-written TF1 graph of the same MLP and a function running one epoch of
    `sess.run(train)` over shuffled batches."""
    graph = tf.Graph()
    with graph.as_default():
        mlp = build_mlp(tf, DIN, HIDDEN, CLASSES)
        xs, ys, train = mlp.x, mlp.y, mlp.train
        sess = tf.Session(graph=graph)
        sess.run(tf.global_variables_initializer())

    def epoch() -> None:
        order = np.random.permutation(len(x))  # noqa: NPY002  (as fit shuffles)
        for start in range(0, len(x), BATCH):
            ids = order[start:start + BATCH]
            sess.run(train, {xs: x[ids], ys: y[ids]})
    return epoch


def _seconds(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    x, y = data()
    fit, hand = fit_epoch(x, y), hand_epoch(x, y)
    fit()  # warm-up epochs compile the plans
    hand()
    # Interleaved, so load from other processes hits both alike.
    fit_times, hand_times = [], []
    for _ in range(EPOCHS):
        fit_times.append(_seconds(fit))
        hand_times.append(_seconds(hand))
    fit_ms, hand_ms = statistics.median(fit_times) * 1e3, statistics.median(hand_times) * 1e3
    print(json.dumps({"impl": IMPL, "fit_epoch_ms": round(fit_ms, 2), "hand_epoch_ms": round(hand_ms, 2),
                      "fit_over_hand": round(fit_ms / hand_ms, 3)}))


if __name__ == "__main__":
    main()
