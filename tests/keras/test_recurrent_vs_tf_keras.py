"""Recurrent layers on `tf.while_loop` against tf_keras (tests/keras/record_recurrent.py) with
identical weights: unknown sequence lengths, masking (`Masking`, `Embedding(mask_zero=True)`),
go_backwards, return_state, implementation 1, unroll, Bidirectional merge modes, stateful layers
across batches, and losses/metrics weighted by the output mask."""

from pathlib import Path

import numpy as np
import pytest

import graphflow as tf
from graphflow import keras
from graphflow.keras import backend as K
from tests.keras.rnn_cases import RNN_CASES, case_rng, case_weights, masked_loss_model, stateful_model

REFERENCE = np.load(Path(__file__).parent / "data" / "recurrent.npz")


@pytest.mark.parametrize("name", list(RNN_CASES))
def test_recurrent_case_matches_tf_keras(name):
    inp, outputs = RNN_CASES[name](keras)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    model = keras.Model(inp, outputs)
    assert [w.name for w in model.weights] == list(REFERENCE[f"{name}/weight_names"])
    rng = case_rng(name)
    model.set_weights(case_weights(rng, [tuple(w.shape.as_list()) for w in model.weights]))
    keys = [name, f"{name}@3"] if "free_time" in name else [name]
    for key in keys:
        x = REFERENCE[f"{key}/x"]
        seeds = [REFERENCE[f"{key}/seed{i}"] for i in range(len(outputs))]
        objective = tf.add_n([tf.reduce_sum(o * s) for o, s in zip(outputs, seeds)])
        wrt = ([inp] if x.dtype == np.float32 else []) + model.trainable_weights
        grads = [tf.convert_to_tensor(g) for g in tf.gradients(objective, wrt)]
        values = K.get_session().run(outputs + grads, {inp: x})
        for i, value in enumerate(values[:len(outputs)]):
            np.testing.assert_allclose(value, REFERENCE[f"{key}/out{i}"], rtol=1e-4, atol=1e-5,
                                       err_msg=f"{key} output {i}")
        for i, value in enumerate(values[len(outputs):]):
            np.testing.assert_allclose(value, REFERENCE[f"{key}/grad{i}"], rtol=1e-4, atol=1e-4,
                                       err_msg=f"{key} gradient {i}")


def test_stateful_lstm_carries_states_across_batches_until_reset():
    model = stateful_model(keras)
    rng = case_rng("stateful")
    model.set_weights(case_weights(rng, [tuple(w.shape.as_list()) for w in model.weights]))
    first, second = REFERENCE["stateful/first"], REFERENCE["stateful/second"]
    np.testing.assert_allclose(model.predict(first, batch_size=2), REFERENCE["stateful/y_first"], rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(model.predict(second, batch_size=2), REFERENCE["stateful/y_second"], rtol=1e-4,
                               atol=1e-5)
    model.reset_states()
    np.testing.assert_allclose(model.predict(second, batch_size=2), REFERENCE["stateful/y_reset"], rtol=1e-4,
                               atol=1e-5)


def test_stateful_needs_a_batch_size():
    with pytest.raises(ValueError, match="stateful, it needs to know its batch size"):
        keras.layers.LSTM(2, stateful=True)(keras.layers.Input((3, 4)))
    with pytest.raises(AttributeError, match="Layer must be stateful"):
        keras.layers.LSTM(2).reset_states()


def test_masked_sequence_loss_and_metric_match_tf_keras():
    model = masked_loss_model(keras)
    rng = case_rng("masked_loss")
    model.set_weights(case_weights(rng, [tuple(w.shape.as_list()) for w in model.weights]))
    model.compile(keras.optimizers.SGD(0.1), "mse", metrics=["mae"])
    x, y = REFERENCE["masked_loss/x"], REFERENCE["masked_loss/y"]
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=3, verbose=0), REFERENCE["masked_loss/evaluate"],
                               rtol=1e-5)
    model.train_on_batch(x, y)
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, REFERENCE[f"masked_loss/after{i}"], rtol=1e-4, atol=1e-6,
                                   err_msg=f"weight {i} after one masked SGD step")


def test_unroll_needs_a_static_length():
    with pytest.raises(ValueError, match="Cannot unroll a RNN if the time dimension is undefined"):
        keras.layers.LSTM(2, unroll=True)(tf.placeholder(tf.float32, (None, None, 3)))


def test_dropout_masks_are_fixed_per_sequence_and_only_in_training():
    # A linear SimpleRNN with an identity kernel and no recurrence outputs its dropped input, so
    # the dropout mask shows directly: one mask per sequence (constant over time), 0 or 1/keep.
    layer = keras.layers.SimpleRNN(6, activation=None, use_bias=False, dropout=0.5, return_sequences=True)
    inp = keras.layers.Input((None, 6))
    out = layer(inp)
    layer.set_weights([np.eye(6, dtype=np.float32), np.zeros((6, 6), np.float32)])
    x = np.ones((40, 7, 6), np.float32)
    session = K.get_session()
    trained = session.run(out, {inp: x, K.learning_phase(): True})
    assert set(np.unique(trained)) <= {0.0, 2.0}
    np.testing.assert_array_equal(trained, np.repeat(trained[:, :1], 7, axis=1))
    assert 0.3 < (trained == 0).mean() < 0.7
    np.testing.assert_array_equal(session.run(out, {inp: x, K.learning_phase(): False}), x)
    config = layer.get_config()
    assert (config["dropout"], config["recurrent_dropout"]) == (0.5, 0.0)


def test_recurrent_dropout_changes_training_outputs_only():
    layer = keras.layers.LSTM(5, recurrent_dropout=0.4, dropout=0.2, return_sequences=True)
    inp = keras.layers.Input((None, 3))
    out = layer(inp)
    plain = keras.layers.LSTM(5, return_sequences=True)
    plain_out = plain(inp)
    plain.set_weights(layer.get_weights())
    x = np.random.RandomState(3).standard_normal((4, 6, 3)).astype(np.float32)
    session = K.get_session()
    inference, reference = session.run([out, plain_out], {inp: x, K.learning_phase(): False})
    np.testing.assert_allclose(inference, reference, rtol=1e-6)
    trained = session.run(out, {inp: x, K.learning_phase(): True})
    assert np.abs(trained - reference).max() > 1e-3


def test_masked_recurrent_model_saves_and_loads(tmp_path):
    gru = keras.layers.GRU(2, dropout=0.1, return_sequences=True)
    model = keras.Sequential([keras.layers.Masking(input_shape=(None, 3)), keras.layers.Bidirectional(gru),
                              keras.layers.SimpleRNN(2, implementation=1, unroll=False)])
    config = model.get_config()["layers"]
    assert [c["class_name"] for c in config] == ["InputLayer", "Masking", "Bidirectional", "SimpleRNN"]
    assert "backward_layer" not in config[2]["config"]
    assert "implementation" not in config[3]["config"]
    assert config[2]["config"]["layer"]["config"]["dropout"] == 0.1
    x = np.random.RandomState(5).standard_normal((2, 4, 3)).astype(np.float32)
    x[1, 2:] = 0
    expected = model.predict(x)
    path = str(tmp_path / "m.h5")
    model.save(path)
    K.clear_session()
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x), expected, rtol=1e-6)
    # The padding is skipped: the masked entry's output equals that of its unpadded prefix.
    np.testing.assert_allclose(loaded.predict(x[1:, :2]), expected[1:], rtol=1e-5, atol=1e-6)


def test_bidirectional_initial_state_goes_half_to_each_direction():
    inp = keras.layers.Input((None, 3))
    h0, c0 = keras.layers.Input((2,)), keras.layers.Input((2,))
    bidi = keras.layers.Bidirectional(keras.layers.LSTM(2), merge_mode=None)
    forward, backward = bidi(inp, initial_state=[h0, c0, h0, c0])
    alone_forward = bidi.forward_layer(inp, initial_state=[h0, c0])
    alone_backward = bidi.backward_layer(inp, initial_state=[h0, c0])
    rng = np.random.RandomState(4)
    feed = {inp: rng.standard_normal((2, 4, 3)), h0: rng.standard_normal((2, 2)),
            c0: rng.standard_normal((2, 2))}
    got = K.get_session().run([forward, backward, alone_forward, alone_backward], feed)
    np.testing.assert_allclose(got[0], got[2], rtol=1e-6)
    np.testing.assert_allclose(got[1], got[3], rtol=1e-6)
    with pytest.raises(ValueError, match="as many states for the backward layer"):
        bidi(inp, initial_state=[h0, c0, h0])


def test_global_average_pooling_1d_averages_unmasked_steps():
    ids = keras.layers.Input((None,), dtype="int32")
    embedded = keras.layers.Embedding(5, 3, mask_zero=True)(ids)
    pooled = keras.layers.GlobalAveragePooling1D()(embedded)
    assert getattr(pooled, "_keras_mask", None) is None
    table = np.arange(15, dtype=np.float32).reshape(5, 3)
    model = keras.Model(ids, pooled)
    model.set_weights([table])
    x = np.array([[1, 2, 0, 0], [3, 3, 4, 1]], np.int32)
    want = np.stack([table[[1, 2]].mean(0), table[[3, 3, 4, 1]].mean(0)])
    np.testing.assert_allclose(model.predict(x), want, rtol=1e-6)


def test_merge_layers_combine_masks():
    a, b = keras.layers.Input((None, 2)), keras.layers.Input((None, 2))
    masked_a, masked_b = keras.layers.Masking()(a), keras.layers.Masking()(b)
    added = keras.layers.Add()([masked_a, masked_b])
    joined = keras.layers.Concatenate()([masked_a, b])
    x = np.ones((1, 3, 2), np.float32)
    xa, xb = x.copy(), x.copy()
    xa[0, 2] = 0
    xb[0, 0] = 0
    got = K.get_session().run([added._keras_mask, joined._keras_mask], {a: xa, b: xb})
    np.testing.assert_array_equal(got[0], [[False, True, False]])
    np.testing.assert_array_equal(got[1], [[True, True, False]])
    assert keras.layers.Add()([a, b])._keras_mask is None


def test_lambda_masks_as_keras_2():
    inp = keras.layers.Input((None, 2))
    masked = keras.layers.Masking()(inp)
    dropped = keras.layers.Lambda(lambda x: x * 2.0)(masked)
    assert dropped._keras_mask is None  # no `mask=`: the mask stops here
    kept = keras.layers.Lambda(lambda x: x * 2.0, mask=lambda inputs, mask: mask)(masked)
    counted = keras.layers.Lambda(lambda x, mask: tf.reduce_sum(tf.cast(mask, "float32"), 1))(masked)
    x = np.ones((2, 3, 2), np.float32)
    x[1, 1:] = 0
    got = K.get_session().run([kept._keras_mask, counted], {inp: x})
    np.testing.assert_array_equal(got[0], [[True, True, True], [True, False, False]])
    np.testing.assert_array_equal(got[1], [3.0, 1.0])


class _MinimalCell(keras.layers.Layer):
    """Keras 2's documented custom cell: h = x W + tanh(h_prev U)."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", (input_shape[-1], self.units), initializer="uniform")
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, self.units),
                                                initializer="uniform")
        self.built = True

    def call(self, inputs, states):
        output = K.dot(inputs, self.kernel) + tf.tanh(K.dot(states[0], self.recurrent_kernel))
        return output, [output]


def test_rnn_runs_a_custom_cell_with_masking():
    inp = keras.layers.Input((None, 3))
    layer = keras.layers.RNN(_MinimalCell(2), return_sequences=True)
    out = layer(keras.layers.Masking()(inp))
    rng = np.random.RandomState(6)
    kernel, recurrent = rng.standard_normal((3, 2)), rng.standard_normal((2, 2))
    layer.set_weights([kernel, recurrent])
    x = rng.standard_normal((2, 4, 3)).astype(np.float32)
    x[1, 2:] = 0
    h, want = np.zeros((2, 2)), []
    for t in range(4):
        new = x[:, t] @ kernel + np.tanh(h @ recurrent)
        keep = (x[:, t] != 0).any(-1)[:, None]
        output = np.where(keep, new, want[-1] if want else 0.0)
        h = np.where(keep, new, h)
        want.append(output)
    np.testing.assert_allclose(K.get_session().run(out, {inp: x}), np.stack(want, 1), rtol=1e-5, atol=1e-6)


def test_stacked_cells_save_load_and_train_with_dropout(tmp_path):
    cells = [keras.layers.LSTMCell(3, dropout=0.2, recurrent_dropout=0.2), keras.layers.SimpleRNNCell(2)]
    model = keras.Sequential([keras.layers.RNN(cells, input_shape=(None, 2)), keras.layers.Dense(1)])
    assert model.layers[0].get_config()["cell"]["class_name"] == "StackedRNNCells"
    rng = np.random.RandomState(8)
    x = rng.standard_normal((16, 5, 2)).astype(np.float32)
    model.compile("sgd", "mse")
    model.fit(x, x[:, :, :1].sum(1), epochs=1, batch_size=8, verbose=0)
    expected = model.predict(x)
    path = str(tmp_path / "stacked.h5")
    model.save(path)
    K.clear_session()
    np.testing.assert_allclose(keras.models.load_model(path).predict(x), expected, rtol=1e-6)


def test_loads_a_recurrent_model_saved_by_tf_keras():
    path = Path(__file__).parent / "data" / "tf_keras_recurrent.h5"
    model = keras.models.load_model(str(path), compile=False)
    np.testing.assert_allclose(model.predict(REFERENCE["saved/x"]), REFERENCE["saved/y"], rtol=1e-4, atol=1e-5)
