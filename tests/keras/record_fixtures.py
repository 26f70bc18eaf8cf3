"""Records the tf_keras fixtures of tests/keras/data/ again (run with a Python that has
TensorFlow and tf_keras: `/path/to/tf/python tests/keras/record_fixtures.py`).

- tf_keras_mlp.h5 (model.save after 2 epochs of Adam), tf_keras_mlp_weights.h5,
  tf_keras_conv_weights.h5 (Conv2D, BatchNormalization, Flatten, Dense) and
  tf_keras_reference.json (inputs, predictions, weights, optimizer weights, the model JSON);
- reduce_lr_tf_keras.json: ReduceLROnPlateau's learning rates on scripted metrics;
- model_checkpoint_tf_keras.json: the files ModelCheckpoint writes on scripted metrics.
"""

import json
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras as keras  # noqa: E402
from tf_keras.src import callbacks  # noqa: E402

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def record_models():
    tf.random.set_seed(0)
    np.random.seed(0)  # noqa: NPY002 - tf_keras fit shuffles with numpy's global generator
    x = np.random.RandomState(1).rand(8, 4).astype(np.float32)
    y = np.random.RandomState(2).rand(8, 2).astype(np.float32)
    mlp = keras.Sequential([keras.layers.Dense(3, activation="relu", input_shape=(4,), name="dense"),
                            keras.layers.Dense(2, name="dense_1")], name="sequential")
    mlp.compile(optimizer=keras.optimizers.legacy.Adam(0.01), loss="mse", metrics=["mae"])
    mlp.fit(x, y, epochs=2, batch_size=4, verbose=0)
    mlp.save(os.path.join(DATA, "tf_keras_mlp.h5"))
    mlp.save_weights(os.path.join(DATA, "tf_keras_mlp_weights.h5"))
    images = np.random.RandomState(3).rand(2, 6, 6, 1).astype(np.float32)
    conv = keras.Sequential([keras.layers.Conv2D(2, 3, input_shape=(6, 6, 1), name="conv2d"),
                             keras.layers.BatchNormalization(name="batch_normalization"),
                             keras.layers.Flatten(name="flatten"), keras.layers.Dense(2, name="dense_2")],
                            name="conv")
    conv.compile(optimizer="sgd", loss="mse")
    conv.fit(images, np.zeros((2, 2), np.float32), epochs=1, verbose=0)
    conv.save_weights(os.path.join(DATA, "tf_keras_conv_weights.h5"))
    reference = {"mlp_x": x.tolist(), "mlp_pred": mlp.predict(x, verbose=0).tolist(),
                 "mlp_weights": [w.tolist() for w in mlp.get_weights()],
                 "mlp_optimizer_weights": [np.asarray(w).tolist() for w in mlp.optimizer.get_weights()],
                 "mlp_json": json.loads(mlp.to_json()),
                 "conv_x": images.tolist(), "conv_pred": conv.predict(images, verbose=0).tolist(),
                 "conv_weights": [w.tolist() for w in conv.get_weights()]}
    with open(os.path.join(DATA, "tf_keras_reference.json"), "w") as f:
        json.dump(reference, f)


class _Optimizer:
    def __init__(self):
        self.lr = tf.Variable(1.0)


class _Model:
    distribute_strategy = None

    def __init__(self):
        self.optimizer = _Optimizer()
        self.stop_training = False
        self.saved = []

    def _write(self, filepath, overwrite=True, options=None):
        self.saved.append(os.path.basename(filepath))
        with open(filepath, "w") as f:
            f.write("x")

    save = save_weights = _write


def record_reduce_lr():
    cases = {
        "plateau": ([10, 9, 9, 9, 9, 9, 9, 9, 8, 8, 8, 8, 8], dict(monitor="loss", factor=0.5, patience=2)),
        "cooldown": ([5] * 12, dict(monitor="loss", factor=0.1, patience=1, cooldown=2, min_lr=0.001)),
        "min_delta": ([1.0, 0.99995, 0.9999, 0.9, 0.89999, 0.89998],
                      dict(monitor="val_loss", factor=0.5, patience=1, min_delta=1e-4)),
        "acc_auto": ([0.5, 0.6, 0.6, 0.55, 0.7, 0.7, 0.7], dict(monitor="val_acc", factor=0.5, patience=1)),
    }
    out = {}
    for name, (metric, kwargs) in cases.items():
        callback, model = callbacks.ReduceLROnPlateau(**kwargs), _Model()
        callback.set_model(model)
        callback.on_train_begin()
        after, logged = [], []
        for epoch, value in enumerate(metric):
            logs = {kwargs["monitor"]: value}
            callback.on_epoch_end(epoch, logs)
            after.append(float(model.optimizer.lr.numpy()))
            logged.append(float(logs["lr"]))
        out[name] = dict(metric=metric, kw=kwargs, lr_after=after, logged_lr=logged)
    with open(os.path.join(DATA, "reduce_lr_tf_keras.json"), "w") as f:
        json.dump(out, f, indent=1)


def record_model_checkpoint():
    val = [0.9, 0.7, 0.8, 0.42, 0.5]
    cases = {
        "all": (dict(filepath="w.{epoch:02d}-{val_loss:.2f}.h5"), "val_loss", val),
        "best_min": (dict(filepath="b-{epoch:02d}.h5", save_best_only=True), "val_loss", val),
        "best_acc": (dict(filepath="a-{epoch}-{val_acc:.3f}.h5", monitor="val_acc", save_best_only=True,
                          save_weights_only=True), "val_acc", [0.5, 0.7, 0.6, 0.8, 0.8, 0.81]),
        "best_mode_max_loss": (dict(filepath="x{epoch}.h5", monitor="loss", mode="max", save_best_only=True),
                               "loss", [1.0, 2.0, 1.5, 3.0]),
    }
    out = {}
    for name, (kwargs, key, sequence) in cases.items():
        directory = tempfile.mkdtemp()
        path = os.path.join(directory, kwargs["filepath"])
        callback = callbacks.ModelCheckpoint(**dict(kwargs, filepath=path))
        model = _Model()
        callback.set_model(model)
        callback.on_train_begin()
        for epoch, value in enumerate(sequence):
            callback.on_epoch_begin(epoch)
            callback.on_epoch_end(epoch, {key: value})
        out[name] = dict(kw=kwargs, key=key, seq=sequence, saved=model.saved, best=float(callback.best))
    with open(os.path.join(DATA, "model_checkpoint_tf_keras.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    record_models()
    record_reduce_lr()
    record_model_checkpoint()
    print(f"recorded into {DATA}", file=sys.stderr)
