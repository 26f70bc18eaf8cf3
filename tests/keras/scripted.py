"""A fake model and a scripted epoch loop for testing callbacks without a real Keras model:
metrics come from a list, weights are numpy arrays that change every epoch, saves are
recorded (and written as small files so that paths can be checked on disk)."""

from __future__ import annotations

import os

import numpy as np


class FakeModel:
    """The parts of a Keras model that callbacks touch."""

    def __init__(self, optimizer=None):
        self.weights = [np.zeros((2, 2), np.float32), np.zeros(2, np.float32)]
        self.stop_training = False
        self.saved: list[tuple[str, str]] = []
        self.optimizer = optimizer
        self.layers = []

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]

    def save(self, filepath, overwrite=True):
        self.saved.append(("model", filepath))
        with open(filepath, "w") as f:
            f.write("model")

    def save_weights(self, filepath, overwrite=True):
        self.saved.append(("weights", filepath))
        with open(filepath, "w") as f:
            f.write("weights")


def run_epochs(callbacks, epoch_logs, model=None, batches=0, batch_size=4):
    """Drives `callbacks` like `fit` over `len(epoch_logs)` epochs: epoch e's weights are all e,
    its end logs are `epoch_logs[e]` (a dict) and training stops when a callback sets
    `model.stop_training`. Returns (model, number of epochs run)."""
    model = model or FakeModel()
    for cb in callbacks:
        cb.set_model(model)
        cb.set_params({"epochs": len(epoch_logs), "steps": batches, "verbose": 0})
    for cb in callbacks:
        cb.on_train_begin({})
    ran = 0
    for epoch, logs in enumerate(epoch_logs):
        for cb in callbacks:
            cb.on_epoch_begin(epoch, {})
        model.set_weights([np.full_like(w, epoch) for w in model.weights])
        for batch in range(batches):
            batch_logs = {"batch": batch, "size": batch_size, "loss": logs.get("loss", 0.0)}
            for cb in callbacks:
                cb.on_train_batch_begin(batch, batch_logs)
            for cb in callbacks:
                cb.on_train_batch_end(batch, batch_logs)
        logs = dict(logs)
        for cb in callbacks:
            cb.on_epoch_end(epoch, logs)
        ran += 1
        if model.stop_training:
            break
    for cb in callbacks:
        cb.on_train_end({})
    return model, ran


def listdir(path):
    return sorted(os.listdir(path))
