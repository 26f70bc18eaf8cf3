"""`compile`/`fit`/`evaluate`/`predict`: learning curve against tf_keras on digits, logs keys and
metric names, validation split semantics, callbacks, BatchNormalization updates, weights,
generators, multi-input/multi-output models and Keras 2's error messages."""

import json
from pathlib import Path

import numpy as np
import pytest

from graphflow import keras
from graphflow.keras import backend as K

DATA = Path(__file__).parent / "data"
ERRORS = json.loads((DATA / "errors.json").read_text())


def _digits():
    from sklearn.datasets import load_digits
    digits = load_digits()
    return (digits.data / 16.0).astype(np.float32), digits.target.astype(np.int64)


def _mlp(metrics=("acc",), loss="sparse_categorical_crossentropy", optimizer=None):
    model = keras.Sequential([keras.layers.Dense(32, activation="relu", input_shape=(64,)),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer or keras.optimizers.Adam(0.01), loss, metrics=list(metrics))
    return model


def test_digits_learning_curve_close_to_tf_keras():
    x, y = _digits()
    np.random.seed(0)  # noqa: NPY002  (fit shuffles with the global numpy state, as Keras)
    history = _mlp().fit(x, y, batch_size=64, epochs=5, validation_split=0.2, verbose=0)
    reference = json.loads((DATA / "digits_curve.json").read_text())
    assert list(history.history) == ["loss", "acc", "val_loss", "val_acc"]
    assert history.epoch == [0, 1, 2, 3, 4]
    for key in ("acc", "val_acc"):
        ours = history.history[key][-1]
        theirs = np.mean([curve[key][-1] for curve in reference.values()])
        assert abs(ours - theirs) < 0.05, (key, ours, theirs)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def test_metric_names_as_keras_2_in_tf1_mode():
    for metrics, expected in ERRORS["metrics_names"].items():
        K.clear_session()
        if metrics == "multi":
            a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
            h = keras.layers.Concatenate()([a, b])
            model = keras.Model([a, b], [keras.layers.Dense(1, name="out_reg")(h),
                                         keras.layers.Dense(3, activation="softmax", name="out_cls")(h)])
            model.compile("adam", ["mse", "sparse_categorical_crossentropy"], metrics=["acc"],
                          loss_weights=[0.5, 1.0])
        else:
            model = keras.Sequential([keras.layers.Dense(3, input_shape=(4,), activation="softmax")])
            model.compile("sgd", "categorical_crossentropy", metrics=json.loads(metrics))
        assert model.metrics_names == expected


@pytest.mark.parametrize("key", sorted(ERRORS["errors"]))
def test_bad_input_errors_match_keras_2(key):
    model = keras.Sequential([keras.layers.Dense(5, input_shape=(4,)),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile("sgd", "categorical_crossentropy", metrics=["acc"])
    calls = {"input_shape": lambda: model.predict(np.zeros((2, 3))),
             "target_shape": lambda: model.fit(np.zeros((2, 4)), np.zeros((2, 4)), verbose=0),
             "int_labels_cce": lambda: model.fit(np.zeros((2, 4)), np.zeros((2, 1)), verbose=0),
             "lengths": lambda: model.fit(np.zeros((2, 4)), np.zeros((3, 3)), verbose=0),
             "optimizer": lambda: model.compile("adamz", "mse"),
             "loss": lambda: model.compile("sgd", "msez"),
             "ndim": lambda: model.predict(np.zeros((2, 4, 1)))}
    kind, message = ERRORS["errors"][key]
    with pytest.raises(ValueError) as info:
        calls[key]()
    assert kind == "ValueError"
    # tf_keras names its own module in one hint; the rest of the message is Keras 2's.
    assert str(info.value).replace("from keras.utils", "from X") == message.replace("from tf_keras.src.utils",
                                                                                     "from X")


def test_validation_split_takes_the_last_samples_before_shuffling():
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    y = np.arange(10, dtype=np.float32).reshape(10, 1)

    class Record(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.seen = self.validation_data

    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    model.compile("sgd", "mse")
    record = Record()
    model.fit(x, y, epochs=1, validation_split=0.3, verbose=0, callbacks=[record], shuffle=True)
    np.testing.assert_array_equal(record.seen[0], x[7:])
    np.testing.assert_array_equal(record.seen[1], y[7:])


def test_callback_hooks_and_stop_training():
    events = []

    class Spy(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            events.append(("train_begin", sorted(self.params)))

        def on_epoch_begin(self, epoch, logs=None):
            events.append(("epoch_begin", epoch))

        def on_batch_end(self, batch, logs=None):
            events.append(("batch_end", batch, sorted(logs)))
            if batch == 1 and self.model.history.epoch == [0]:
                self.model.stop_training = True

        def on_test_begin(self, logs=None):
            events.append(("test_begin",))

        def on_epoch_end(self, epoch, logs=None):
            events.append(("epoch_end", epoch, sorted(logs)))

        def on_train_end(self, logs=None):
            events.append(("train_end",))

    x, y = _digits()
    model = _mlp()
    history = model.fit(x[:200], y[:200], batch_size=50, epochs=5, verbose=0, callbacks=[Spy()],
                        validation_data=(x[200:260], y[200:260]))
    assert events[0] == ("train_begin", ["batch_size", "do_validation", "epochs", "metrics", "samples", "steps",
                                         "verbose"])
    assert events[1] == ("epoch_begin", 0)
    assert events[2] == ("batch_end", 0, ["acc", "batch", "loss", "size"])
    assert ("test_begin",) in events
    assert ("epoch_end", 0, ["acc", "loss", "val_acc", "val_loss"]) in events
    assert events[-1] == ("train_end",)
    assert history.epoch == [0, 1]  # stopped during epoch 1 after its batch 1
    assert isinstance(model.history, keras.callbacks.History)


def test_evaluate_matches_predict_and_metrics():
    x, y = _digits()
    model = _mlp()
    model.fit(x[:300], y[:300], epochs=2, verbose=0)
    loss, acc = model.evaluate(x[300:500], y[300:500], batch_size=37, verbose=0)
    probs = model.predict(x[300:500], batch_size=64)
    expected_loss = -np.mean(np.log(np.clip(probs[np.arange(200), y[300:500]], 1e-7, 1 - 1e-7)))
    assert loss == pytest.approx(expected_loss, rel=1e-4)
    assert acc == pytest.approx(np.mean(probs.argmax(1) == y[300:500]))
    assert model.test_on_batch(x[300:500], y[300:500])[1] == pytest.approx(acc)
    np.testing.assert_allclose(model.predict_on_batch(x[:5]), model.predict(x[:5]), rtol=1e-6)


def test_batch_normalization_moving_statistics_follow_fit():
    x = np.random.RandomState(0).normal(3.0, 2.0, (256, 4)).astype(np.float32)
    model = keras.Sequential([keras.layers.BatchNormalization(momentum=0.5, input_shape=(4,))])
    model.compile("sgd", "mse")
    model.fit(x, np.zeros_like(x), batch_size=256, epochs=8, verbose=0, shuffle=False)
    mean, var = model.layers[0].get_weights()[2:]
    np.testing.assert_allclose(mean, x.mean(0), rtol=0.01)
    np.testing.assert_allclose(var, x.var(0) * 0.996 + 0.004 * 1.0, rtol=0.02)
    normalized = model.predict(x)  # inference phase: moving statistics
    assert abs(normalized.mean()) < 0.05 and abs(normalized.std() - 1.0) < 0.05


def test_sample_and_class_weights_change_the_loss():
    x = np.eye(4, dtype=np.float32)
    y = np.array([0, 1, 1, 1])
    model = keras.Sequential([keras.layers.Dense(2, activation="softmax", input_shape=(4,),
                                                 kernel_initializer="zeros")])
    model.compile("sgd", "sparse_categorical_crossentropy")
    base = model.evaluate(x, y, verbose=0)
    assert base == pytest.approx(np.log(2.0), rel=1e-5)
    weighted = model.evaluate(x, y, sample_weight=np.array([2.0, 0.0, 0.0, 0.0]), verbose=0)
    assert weighted == pytest.approx(np.log(2.0) * 2 / 4, rel=1e-5)  # mean over the batch of weighted losses
    before = model.get_weights()
    model.fit(x, y, class_weight={0: 10.0, 1: 0.0}, epochs=1, batch_size=4, verbose=0)
    after_probs = model.predict(x)
    assert np.all(after_probs[:, 0] > 0.5)  # only class 0 was learned
    assert not np.allclose(before[0], model.get_weights()[0])


def test_multi_input_multi_output_fit_logs():
    rng = np.random.RandomState(1)
    a, b = rng.rand(64, 3).astype(np.float32), rng.rand(64, 2).astype(np.float32)
    reg, cls = a.sum(1, keepdims=True), (b[:, 0] > 0.5).astype(np.int64)
    ia, ib = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    h = keras.layers.concatenate([ia, ib])
    model = keras.Model([ia, ib], [keras.layers.Dense(1, name="reg")(h),
                                   keras.layers.Dense(2, activation="softmax", name="cls")(h)])
    model.compile("adam", {"reg": "mse", "cls": "sparse_categorical_crossentropy"}, metrics={"cls": ["acc"]},
                  loss_weights={"reg": 2.0, "cls": 1.0})
    history = model.fit({"a": a, "b": b}, {"reg": reg, "cls": cls}, epochs=2, batch_size=16, verbose=0,
                        validation_data=([a, b], [reg, cls]))
    assert list(history.history) == ["loss", "reg_loss", "cls_loss", "cls_acc", "val_loss", "val_reg_loss",
                                     "val_cls_loss", "val_cls_acc"]
    total, reg_loss, cls_loss, _ = model.evaluate([a, b], [reg, cls], verbose=0)
    assert total == pytest.approx(2.0 * reg_loss + cls_loss, rel=1e-4)
    assert [p.shape for p in model.predict([a, b])] == [(64, 1), (64, 2)]


def test_fit_generator_and_sequence():
    x, y = _digits()

    class Batches(keras.utils.Sequence):
        def __len__(self):
            return 10

        def __getitem__(self, index):
            return x[index * 50:(index + 1) * 50], y[index * 50:(index + 1) * 50]

    model = _mlp()
    history = model.fit(Batches(), epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3 and history.history["loss"][-1] < history.history["loss"][0]

    def endless():
        while True:
            for i in range(10):
                yield x[i * 50:(i + 1) * 50], y[i * 50:(i + 1) * 50]
    history = model.fit_generator(endless(), steps_per_epoch=5, epochs=2, verbose=0,
                                  validation_data=(x[500:600], y[500:600]))
    assert set(history.history) == {"loss", "acc", "val_loss", "val_acc"}
    loss, acc = model.evaluate_generator(Batches())
    assert loss == pytest.approx(model.evaluate(x[:500], y[:500], verbose=0)[0], rel=1e-4)
    assert model.predict_generator(Batches(), steps=2).shape == (100, 10)


def test_train_on_batch_and_initial_epoch():
    x, y = _digits()
    model = _mlp()
    first = model.train_on_batch(x[:64], y[:64])
    for _ in range(20):
        last = model.train_on_batch(x[:64], y[:64])
    assert last[0] < first[0] and len(first) == 2
    history = model.fit(x[:64], y[:64], epochs=4, initial_epoch=2, verbose=0)
    assert history.epoch == [2, 3]


def test_trainable_freezing_before_compile():
    model = _mlp()
    model.layers[0].trainable = False
    model.compile("sgd", "sparse_categorical_crossentropy")
    frozen = model.layers[0].get_weights()
    x, y = _digits()
    model.fit(x[:100], y[:100], epochs=1, verbose=0)
    for before, after in zip(frozen, model.layers[0].get_weights()):
        np.testing.assert_array_equal(before, after)
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 2
