"""Records tf_keras' reference values into tests/keras/data/ (run with TensorFlow + tf_keras):

    /work/tfenv/bin/python -m tests.keras.record [--out DIR]

Layers (outputs and gradients with identical weights), losses, metrics, optimizer steps,
Keras 2's error messages and a digits learning curve. The tests read the files; they never
need TensorFlow.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

DATA = Path(__file__).resolve().parent / "data"


def _tf():
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    import tf_keras as keras
    return tf, keras


def record_layers() -> None:
    from tests.keras.cases import LAYER_CASES, MERGE_CASES, case_arrays, make_layer
    tf, keras = _tf()
    out: dict[str, np.ndarray] = {}
    for name, cls, kwargs, shape, training in LAYER_CASES:
        tf.reset_default_graph()
        keras.backend.clear_session()
        x_ph = tf.placeholder(tf.float32, shape)
        layer = make_layer(keras.layers, cls, kwargs)
        y = layer(x_ph, training=training) if training is not None else layer(x_ph)
        shapes = [tuple(w.shape.as_list()) for w in layer.weights]
        x, rng, weights = case_arrays(name, shape, shapes, [w.name for w in layer.weights])
        seed = rng.standard_normal(y.shape.as_list()).astype(np.float32)
        trainable = layer.trainable_weights
        grads = tf.gradients(tf.reduce_sum(y * seed), [x_ph] + trainable)
        sess = tf.keras.backend.get_session()
        layer.set_weights(weights)
        updates = layer.updates if training else []
        values = sess.run([y] + grads, {x_ph: x})
        if updates:
            sess.run(updates, {x_ph: x})
        out[f"{name}/y"] = values[0]
        for i, g in enumerate(values[1:]):
            out[f"{name}/grad{i}"] = g
        for i, w in enumerate(layer.get_weights()):
            out[f"{name}/after{i}"] = w
    for name, cls, kwargs in MERGE_CASES:
        tf.reset_default_graph()
        keras.backend.clear_session()
        rng = np.random.RandomState(sum(map(ord, name)))
        a, b = rng.standard_normal((3, 4)).astype(np.float32), rng.standard_normal((3, 4)).astype(np.float32)
        pa, pb = tf.placeholder(tf.float32, (3, 4)), tf.placeholder(tf.float32, (3, 4))
        y = getattr(keras.layers, cls)(**kwargs)([pa, pb])
        out[f"merge_{name}/y"] = tf.keras.backend.get_session().run(y, {pa: a, pb: b})
    np.savez(DATA / "layers.npz", **out)
    print(f"layers: {len(out)} arrays")


LOSS_CASES = [
    ("mse", {}), ("mae", {}), ("mape", {}), ("msle", {}), ("hinge", {}), ("squared_hinge", {}),
    ("binary_crossentropy", {}), ("categorical_crossentropy", {}), ("kld", {}), ("logcosh", {}),
    ("poisson", {}), ("categorical_hinge", {}),
]

LOSS_CLASS_CASES = [
    ("BinaryCrossentropy", {"from_logits": True}), ("BinaryCrossentropy", {"label_smoothing": 0.2}),
    ("CategoricalCrossentropy", {"from_logits": True}), ("CategoricalCrossentropy", {"label_smoothing": 0.1}),
    ("SparseCategoricalCrossentropy", {"from_logits": True}), ("SparseCategoricalCrossentropy", {}),
    ("Huber", {"delta": 0.5}), ("CosineSimilarity", {}), ("MeanSquaredError", {}),
]


def record_losses() -> None:
    from tests.keras.cases import loss_inputs

    tf, keras = _tf()
    data = loss_inputs()
    results = {}
    sess = tf.Session()
    for name, _ in LOSS_CASES:
        fn = keras.losses.get(name)
        truth = data["onehot"] if "categorical" in name or name == "kld" else data["binary"] \
            if name in ("binary_crossentropy", "hinge", "squared_hinge") else data["regress"]
        results[name] = sess.run(fn(tf.constant(truth), tf.constant(data["probs"]))).tolist()
    for cls, kwargs in LOSS_CLASS_CASES:
        obj = getattr(keras.losses, cls)(**kwargs)
        pred = data["logits"] if kwargs.get("from_logits") else data["probs"]
        truth = data["sparse"] if cls.startswith("Sparse") else data["binary"] if cls.startswith("Binary") \
            else data["onehot"] if cls.startswith("Categorical") else data["regress"]
        key = cls + json.dumps(kwargs, sort_keys=True)
        results[key] = float(sess.run(obj(tf.constant(truth), tf.constant(pred))))
        results[key + "/weighted"] = float(sess.run(obj(tf.constant(truth), tf.constant(pred),
                                                        sample_weight=tf.constant(data["weights"]))))
    metrics = {}
    y_true = (np.arange(20) % 3 == 0).astype(np.float32)
    y_score = np.linspace(0.05, 0.95, 20).astype(np.float32)[::-1] ** 1.5
    for cls, kwargs in (("AUC", {}), ("Precision", {}), ("Recall", {}), ("Precision", {"thresholds": 0.3}),
                        ("AUC", {"num_thresholds": 50})):
        m = getattr(keras.metrics, cls)(**kwargs)
        update = m.update_state(y_true[:10], y_score[:10])
        update2 = m.update_state(y_true[10:], y_score[10:])
        sess.run(tf.variables_initializer(m.variables))
        sess.run(update)
        sess.run(update2)
        metrics[cls + json.dumps(kwargs, sort_keys=True)] = float(sess.run(m.result()))
    for name in ("binary_accuracy", "categorical_accuracy", "top_k_categorical_accuracy"):
        fn = getattr(keras.metrics, name)
        truth = data["binary"] if name == "binary_accuracy" else data["onehot"]
        kwargs = {"k": 2} if "top_k" in name else {}
        metrics[name] = sess.run(fn(tf.constant(truth), tf.constant(data["probs"]), **kwargs)).tolist()
    metrics["sparse_categorical_accuracy"] = sess.run(keras.metrics.sparse_categorical_accuracy(
        tf.constant(data["sparse"].reshape(-1, 1).astype(np.float32)), tf.constant(data["probs"]))).tolist()
    (DATA / "losses.json").write_text(json.dumps({"losses": results, "metrics": metrics}, indent=1) + "\n")
    print(f"losses: {len(results)}, metrics: {len(metrics)}")


OPTIMIZER_CASES = [
    ("SGD", {"learning_rate": 0.1}), ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"learning_rate": 0.1, "decay": 0.5}),
    ("RMSprop", {"learning_rate": 0.01}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5, "centered": True}),
    ("Adagrad", {"learning_rate": 0.1}), ("Adadelta", {"learning_rate": 1.0}),
    ("Adam", {"learning_rate": 0.01}), ("Adam", {"learning_rate": 0.01, "amsgrad": True}),
    ("Adamax", {"learning_rate": 0.01}), ("Nadam", {"learning_rate": 0.01}),
    ("SGD", {"learning_rate": 0.1, "clipnorm": 0.5}), ("SGD", {"learning_rate": 0.1, "clipvalue": 0.2}),
]


def optimizer_problem() -> dict[str, np.ndarray]:
    """A tiny least-squares problem: weights w (3x2), b (2), data x (8x3), targets t (8x2)."""
    rng = np.random.RandomState(3)
    return {"w": rng.standard_normal((3, 2)).astype(np.float32),
            "b": rng.standard_normal(2).astype(np.float32),
            "x": rng.standard_normal((8, 3)).astype(np.float32),
            "t": rng.standard_normal((8, 2)).astype(np.float32)}


def record_optimizers() -> None:
    tf, keras = _tf()
    p = optimizer_problem()
    results = {}
    for cls, kwargs in OPTIMIZER_CASES:
        tf.reset_default_graph()
        w = tf.Variable(p["w"], use_resource=True)
        b = tf.Variable(p["b"], use_resource=True)
        loss = tf.reduce_mean(tf.square(tf.matmul(tf.constant(p["x"]), w) + b - p["t"]))
        opt = getattr(keras.optimizers.legacy, cls)(**kwargs)
        updates = opt.get_updates(loss, [w, b])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(4):
                sess.run(updates)
            results[cls + json.dumps(kwargs, sort_keys=True)] = [sess.run(w).tolist(), sess.run(b).tolist()]
    (DATA / "optimizers.json").write_text(json.dumps(results) + "\n")
    print(f"optimizers: {len(results)}")


def record_errors_and_fit() -> None:
    tf, keras = _tf()
    errors = {}
    keras.backend.clear_session()
    model = keras.Sequential([keras.layers.Dense(5, input_shape=(4,)),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile("sgd", "categorical_crossentropy", metrics=["acc"])
    for key, call in (("input_shape", lambda: model.predict(np.zeros((2, 3)))),
                      ("target_shape", lambda: model.fit(np.zeros((2, 4)), np.zeros((2, 4)), verbose=0)),
                      ("int_labels_cce", lambda: model.fit(np.zeros((2, 4)), np.zeros((2, 1)), verbose=0)),
                      ("lengths", lambda: model.fit(np.zeros((2, 4)), np.zeros((3, 3)), verbose=0)),
                      ("optimizer", lambda: model.compile("adamz", "mse")),
                      ("loss", lambda: model.compile("sgd", "msez")),
                      ("ndim", lambda: model.predict(np.zeros((2, 4, 1))))):
        try:
            call()
            errors[key] = None
        except Exception as e:  # the message is the reference
            errors[key] = [type(e).__name__, str(e)]
    names = {}
    for metrics in (["acc"], ["accuracy"], ["mae"], ["mse", "acc"]):
        keras.backend.clear_session()
        m = keras.Sequential([keras.layers.Dense(3, input_shape=(4,), activation="softmax")])
        m.compile("sgd", "categorical_crossentropy", metrics=metrics)
        names[json.dumps(metrics)] = m.metrics_names
    keras.backend.clear_session()
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    h = keras.layers.Concatenate()([a, b])
    o1 = keras.layers.Dense(1, name="out_reg")(h)
    o2 = keras.layers.Dense(3, activation="softmax", name="out_cls")(h)
    m = keras.Model([a, b], [o1, o2])
    m.compile("adam", ["mse", "sparse_categorical_crossentropy"], metrics=["acc"], loss_weights=[0.5, 1.0])
    names["multi"] = m.metrics_names
    (DATA / "errors.json").write_text(json.dumps({"errors": errors, "metrics_names": names}, indent=1) + "\n")
    print(f"errors: {len(errors)}")


def record_digits_curve() -> None:
    tf, keras = _tf()
    from sklearn.datasets import load_digits
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    curves = {}
    for seed in (0, 1):
        keras.backend.clear_session()
        tf.set_random_seed(seed)
        np.random.seed(seed)  # noqa: NPY002  (Keras shuffles with the global numpy state)
        model = keras.Sequential([keras.layers.Dense(32, activation="relu", input_shape=(64,)),
                                  keras.layers.Dense(10, activation="softmax")])
        model.compile(keras.optimizers.legacy.Adam(0.01), "sparse_categorical_crossentropy", metrics=["acc"])
        history = model.fit(x, y, batch_size=64, epochs=5, validation_split=0.2, verbose=0)
        curves[str(seed)] = {k: [float(v) for v in vals] for k, vals in history.history.items()}
    (DATA / "digits_curve.json").write_text(json.dumps(curves, indent=1) + "\n")
    print("digits curve recorded")


def record_model_configs() -> None:
    """tf_keras' JSON of a Sequential and a functional model (graphflow must rebuild them)."""
    tf, keras = _tf()
    keras.backend.clear_session()
    sequential = keras.Sequential([
        keras.layers.Conv2D(2, 3, input_shape=(6, 6, 1), activation="relu",
                            kernel_regularizer=keras.regularizers.l2(0.01)),
        keras.layers.BatchNormalization(), keras.layers.MaxPooling2D(), keras.layers.Flatten(),
        keras.layers.Dropout(0.3), keras.layers.Dense(3, activation="softmax",
                                                      kernel_initializer=keras.initializers.RandomUniform())])
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    h = keras.layers.concatenate([a, b])
    out = keras.layers.Dense(2, name="o")(keras.layers.LSTM(2)(keras.layers.RepeatVector(3)(h)))
    functional = keras.Model([a, b], out)
    models = {name: {"json": model.to_json(), "params": int(model.count_params()),
                     "weights": [w.name for w in model.weights]}
              for name, model in (("sequential", sequential), ("functional", functional))}
    (DATA / "model_configs.json").write_text(json.dumps(models, indent=1) + "\n")
    print("model configs recorded")


def main() -> None:
    """Records every reference file (into --out DIR instead of tests/keras/data when given)."""
    global DATA
    if "--out" in sys.argv:
        DATA = Path(sys.argv[sys.argv.index("--out") + 1])
    DATA.mkdir(exist_ok=True)
    record_layers()
    record_losses()
    record_optimizers()
    record_errors_and_fit()
    record_digits_curve()
    record_progbar()
    record_model_configs()


PROGBAR_SCRIPT = [(0.0, None), (0.5, (32, [("loss", 1.0), ("acc", 0.5)])),
                  (1.2, (64, [("loss", 0.5), ("acc", 0.6)])), (2.0, (100, [("loss", 0.25), ("acc", 0.7)]))]


def record_progbar() -> None:
    """Keras 2's Progbar lines for a scripted run on a fake clock (final lines only: the
    redraw control characters depend on the terminal)."""
    import io
    import sys
    from unittest import mock
    _tf()
    from tf_keras.src.utils import generic_utils
    lines = {}
    for verbose in (1, 2):
        clock = iter([t for t, _ in PROGBAR_SCRIPT])
        buffer = io.StringIO()
        with mock.patch.object(generic_utils.time, "time", lambda clock=clock: next(clock)), \
                mock.patch.object(sys, "stdout", buffer):
            bar = generic_utils.Progbar(100, verbose=verbose, stateful_metrics=["acc"], unit_name="sample")
            for _, update in PROGBAR_SCRIPT[1:]:
                bar.update(update[0], update[1])
        text = buffer.getvalue()
        lines[str(verbose)] = text.split("\r")[-1].replace("\b", "")
    (DATA / "progbar.json").write_text(json.dumps(lines, indent=1) + "\n")
    print("progbar recorded")


if __name__ == "__main__":
    main()
