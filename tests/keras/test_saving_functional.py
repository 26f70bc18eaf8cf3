"""Saving functional, multi-input and nested models; `by_name` transfer between models; the
`overwrite=False` question; checkpoint-format weights from ModelCheckpoint."""

import builtins

import numpy as np
import pytest

from graphflow import keras

RNG = np.random.RandomState(0)
A = RNG.rand(6, 3).astype(np.float32)
B = RNG.rand(6, 2).astype(np.float32)


@pytest.fixture(autouse=True)
def fresh_session():
    keras.backend.clear_session()
    yield
    keras.backend.clear_session()


def two_inputs():
    a = keras.Input(shape=(3,), name="a")
    b = keras.Input(shape=(2,), name="b")
    out_a = keras.layers.Dense(1, name="out_a")(keras.layers.Dense(4, activation="tanh", name="da")(a))
    out_b = keras.layers.Dense(2, name="out_b")(b)
    model = keras.Model([a, b], [out_a, out_b])
    model.compile(optimizer="rmsprop", loss=["mse", "mae"], loss_weights=[1.0, 0.5])
    return model


def test_functional_two_input_two_output_model_round_trip(tmp_path):
    model = two_inputs()
    targets = [np.ones((6, 1), np.float32), np.zeros((6, 2), np.float32)]
    model.fit([A, B], targets, epochs=2, verbose=0)
    model.save(str(tmp_path / "m.h5"))
    restored = keras.models.load_model(str(tmp_path / "m.h5"))
    assert [layer.name for layer in restored.layers] == [layer.name for layer in model.layers]
    assert restored.loss == ["mse", "mae"] and restored.loss_weights == [1.0, 0.5]
    for got, want in zip(restored.predict([A, B]), model.predict([A, B])):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    # the restored optimizer state continues training exactly as the original
    model.fit([A, B], targets, epochs=1, batch_size=6, shuffle=False, verbose=0)
    restored.fit([A, B], targets, epochs=1, batch_size=6, shuffle=False, verbose=0)
    for got, want in zip(restored.predict([A, B]), model.predict([A, B])):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_nested_model_weights_round_trip(tmp_path):
    inner = keras.Sequential([keras.layers.Dense(4, activation="relu", input_shape=(3,), name="inner_dense")],
                             name="inner")
    outer = keras.Sequential([inner, keras.layers.Dense(1, name="head")])
    expected = outer.predict(A)  # builds the head (wt-keras' Sequential defers it after a nested model)
    outer.save_weights(str(tmp_path / "w.h5"))
    for layer in outer.layers:
        layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
    assert not np.allclose(outer.predict(A), expected)
    outer.load_weights(str(tmp_path / "w.h5"))
    np.testing.assert_allclose(outer.predict(A), expected, rtol=1e-6)


def test_by_name_transfers_a_feature_layer(tmp_path):
    source = keras.Sequential([keras.layers.Dense(4, activation="relu", input_shape=(3,), name="features"),
                               keras.layers.Dense(2, name="old_head")])
    source.save_weights(str(tmp_path / "w.h5"))
    target = keras.Sequential([keras.layers.Dense(4, activation="relu", input_shape=(3,), name="features"),
                               keras.layers.Dense(7, name="new_head")])
    head = target.layers[1].get_weights()
    target.load_weights(str(tmp_path / "w.h5"), by_name=True)
    for got, want in zip(target.layers[0].get_weights(), source.layers[0].get_weights()):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(target.layers[1].get_weights(), head):
        np.testing.assert_array_equal(got, want)


def test_overwrite_false_asks(tmp_path, monkeypatch, capsys):
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    path = tmp_path / "m.h5"
    path.write_bytes(b"keep me")
    answers = iter(["maybe", "n"])
    monkeypatch.setattr(builtins, "input", lambda prompt="": next(answers))
    model.save_weights(str(path), overwrite=False)
    assert path.read_bytes() == b"keep me"
    monkeypatch.setattr(builtins, "input", lambda prompt="": "y")
    model.save(str(path), overwrite=False)
    assert path.read_bytes() != b"keep me"
    assert "[TIP] Next time specify overwrite=True!" in capsys.readouterr().out


def test_model_checkpoint_weights_in_checkpoint_format(tmp_path):
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,), name="dense")])
    model.compile(optimizer="sgd", loss="mse")
    prefix = str(tmp_path / "ckpt" / "weights-{epoch:02d}")
    model.fit(A, np.ones((6, 1), np.float32), epochs=2, verbose=0,
              callbacks=[keras.callbacks.ModelCheckpoint(prefix, monitor="loss", save_weights_only=True)])
    trained = model.get_weights()
    model.set_weights([np.zeros_like(w) for w in trained])
    model.load_weights(str(tmp_path / "ckpt" / "weights-02"))
    for got, want in zip(model.get_weights(), trained):
        np.testing.assert_array_equal(got, want)
    # the directory's latest checkpoint is the last epoch's
    model.set_weights([np.zeros_like(w) for w in trained])
    model.load_weights(str(tmp_path / "ckpt"))
    np.testing.assert_array_equal(model.get_weights()[0], trained[0])
