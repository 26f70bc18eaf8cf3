"""Saving a Keras model three ways, and reloading each:

1. structure only: `model.to_json()` -> `keras.models.model_from_json` (a fresh, untrained model
   with the same layers);
2. weights only: `model.save_weights('weights.h5')` -> `load_weights` into a model of the same
   structure (here: the one rebuilt from JSON);
3. both, with the optimizer's state: `model.save('model.h5')` -> `keras.models.load_model`,
   which can continue training where the original left off.

It checks that the reloaded models predict what the original predicts (1 and 2 give the
structure and the weights separately, 3 both at once).

Usage: python examples/keras_save_three_ways.py [--workdir DIR] [--epochs N]
"""

from __future__ import annotations

import argparse
import os
import tempfile

import numpy as np
from sklearn.datasets import load_iris

from graphflow import keras


def build_model():
    """A small iris classifier, compiled with Adam (whose state `model.save` keeps)."""
    model = keras.Sequential([keras.layers.Dense(16, activation="relu", input_shape=(4,), name="hidden"),
                              keras.layers.Dense(3, activation="softmax", name="output")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def main(workdir: str, epochs: int = 30, verbose: int = 0) -> dict:
    """Trains, saves three ways, reloads; returns the predictions compared (for tests)."""
    os.makedirs(workdir, exist_ok=True)
    keras.backend.clear_session()
    np.random.seed(0)  # noqa: NPY002 - fit shuffles with numpy's global generator, as Keras 2
    iris = load_iris()
    x = ((iris.data - iris.data.mean(0)) / iris.data.std(0)).astype(np.float32)
    y = iris.target
    model = build_model()
    model.fit(x, y, epochs=epochs, batch_size=16, verbose=verbose)
    expected = model.predict(x)

    # 1. structure only
    json_path = os.path.join(workdir, "model.json")
    with open(json_path, "w") as f:
        f.write(model.to_json())
    with open(json_path) as f:
        rebuilt = keras.models.model_from_json(f.read())
    fresh = rebuilt.predict(x)
    print(f"1. structure only -> {json_path}: {len(rebuilt.layers)} layers, "
          f"{rebuilt.count_params()} parameters, untrained (max difference "
          f"{np.abs(fresh - expected).max():.3f})")

    # 2. weights only, into the model rebuilt from the structure
    weights_path = os.path.join(workdir, "weights.h5")
    model.save_weights(weights_path)
    rebuilt.load_weights(weights_path)
    from_weights = rebuilt.predict(x)
    print(f"2. weights only -> {weights_path}: predictions match: {np.allclose(from_weights, expected)}")

    # 3. both, with the optimizer state
    model_path = os.path.join(workdir, "model.h5")
    model.save(model_path)
    restored = keras.models.load_model(model_path)
    from_file = restored.predict(x)
    print(f"3. whole model -> {model_path}: predictions match: {np.allclose(from_file, expected)}")
    # the restored optimizer continues exactly as the original: one more epoch each, same data order
    model.fit(x, y, epochs=1, batch_size=150, shuffle=False, verbose=0)
    restored.fit(x, y, epochs=1, batch_size=150, shuffle=False, verbose=0)
    continued = np.abs(restored.predict(x) - model.predict(x)).max()
    print(f"   one more epoch on each: max difference {continued:.2e}")
    return {"expected": expected, "fresh": fresh, "from_weights": from_weights, "from_file": from_file,
            "continued_difference": float(continued)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "keras_save_three_ways"))
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()
    main(args.workdir, args.epochs)
