"""Training with Keras callbacks: a digits classifier (scikit-learn's 8x8 digits) trained by
`model.fit` with a validation split and the callbacks of the training-practice articles:

- EarlyStopping on val_loss (patience 8, restoring the best weights when it stops),
- ModelCheckpoint(save_best_only=True) on val_loss: the file always holds the best model,
- ReduceLROnPlateau(factor=0.1, patience=4): divide the learning rate on a plateau,
- CSVLogger: one CSV row per epoch,
- TensorBoard(histogram_freq=1): scalars and weight histograms (if tensorboard is installed).

It prints why training stopped and where the best model went, then reloads that model and
checks it scores the best val_loss the checkpoint recorded.

Usage: python examples/keras_callbacks.py [--workdir DIR] [--epochs N]
Written as a tf.keras program of TF 1.x: only the import differs.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import tempfile

import numpy as np
from sklearn.datasets import load_digits

from graphflow import keras


def load_data():
    """Digits scaled to [0, 1] with integer labels, in a fixed shuffled order (validation_split
    takes the last samples, before any shuffling: the data must not be sorted by class)."""
    digits = load_digits()
    order = np.random.RandomState(0).permutation(len(digits.target))
    x = (digits.data[order] / 16.0).astype(np.float32)
    y = digits.target[order].astype(np.int64)
    return x, y


def build_model():
    """A one-hidden-layer digits classifier compiled with SGD."""
    model = keras.Sequential([
        keras.layers.Dense(64, activation="relu", input_shape=(64,), name="hidden"),
        keras.layers.Dense(10, activation="softmax", name="output"),
    ])
    model.compile(optimizer=keras.optimizers.SGD(lr=0.5), loss="sparse_categorical_crossentropy",
                  metrics=["acc"])
    return model


def main(workdir: str, epochs: int = 200, verbose: int = 2) -> dict:
    """Trains with the callbacks; returns what happened (for tests)."""
    os.makedirs(workdir, exist_ok=True)
    keras.backend.clear_session()
    np.random.seed(0)  # noqa: NPY002 - fit shuffles with numpy's global generator, as Keras 2
    x, y = load_data()
    model = build_model()
    best_path = os.path.join(workdir, "best_model.h5")
    csv_path = os.path.join(workdir, "training.csv")
    early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=8, restore_best_weights=True)
    checkpoint = keras.callbacks.ModelCheckpoint(best_path, monitor="val_loss", save_best_only=True)
    plateau = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.1, patience=4, verbose=1)
    callbacks = [early_stopping, checkpoint, plateau, keras.callbacks.CSVLogger(csv_path)]
    if importlib.util.find_spec("tensorboard") is not None:
        callbacks.append(keras.callbacks.TensorBoard(log_dir=os.path.join(workdir, "logs"), histogram_freq=1))
    history = model.fit(x, y, batch_size=32, epochs=epochs, validation_split=0.2, callbacks=callbacks,
                        verbose=verbose)

    epochs_run = len(history.history["loss"])
    if early_stopping.stopped_epoch > 0:
        print(f"EarlyStopping stopped training after epoch {early_stopping.stopped_epoch + 1}: val_loss had "
              f"not improved for {early_stopping.patience} epochs (best {early_stopping.best:.4f}); the best "
              "epoch's weights were restored.")
    else:
        print(f"Training ran all {epochs_run} epochs (val_loss kept improving).")
    print(f"Best model (val_loss {checkpoint.best:.4f}) saved to {best_path}; per-epoch log in {csv_path}.")

    best = keras.models.load_model(best_path)
    best_val_loss = best.evaluate(x[-len(x) // 5:], y[-len(y) // 5:], verbose=0)[0]
    print(f"Reloaded the best model: val_loss {best_val_loss:.4f}.")
    return {"history": history.history, "stopped_epoch": early_stopping.stopped_epoch, "epochs_run": epochs_run,
            "checkpoint_best": float(checkpoint.best), "reloaded_val_loss": float(best_val_loss),
            "best_path": best_path, "csv_path": csv_path}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "keras_callbacks"))
    parser.add_argument("--epochs", type=int, default=200)
    args = parser.parse_args()
    main(args.workdir, args.epochs)
