"""Recurrent-layer cases compared with tf_keras (shared by tests/keras/record_recurrent.py, run with
TensorFlow, and tests/keras/test_recurrent_vs_tf_keras.py): each builds a functional model from a
`keras` module; inputs are padded with zeros after each sequence's length, so masked cases see
padding. Weights, inputs and output seeds come from the case name."""

from __future__ import annotations

import numpy as np

FEATURES = 4
LENGTHS = (6, 4, 2)  # per batch entry; the padded length is the first


def _masked_rnn(layer_name: str, **kwargs):
    def build(keras):
        inp = keras.layers.Input((None, FEATURES))
        out = getattr(keras.layers, layer_name)(**kwargs)(keras.layers.Masking()(inp))
        return inp, out
    return build


def _plain_rnn(layer_name: str, **kwargs):
    def build(keras):
        inp = keras.layers.Input((None, FEATURES))
        return inp, getattr(keras.layers, layer_name)(**kwargs)(inp)
    return build


def _unrolled(keras):
    inp = keras.layers.Input((LENGTHS[0], FEATURES))
    return inp, keras.layers.LSTM(3, unroll=True, return_sequences=True)(keras.layers.Masking()(inp))


def _bidirectional(merge_mode, return_sequences: bool, return_state: bool = False):
    def build(keras):
        inp = keras.layers.Input((None, FEATURES))
        layer = keras.layers.LSTM(2, return_sequences=return_sequences, return_state=return_state)
        out = keras.layers.Bidirectional(layer, merge_mode=merge_mode)(keras.layers.Masking()(inp))
        return inp, out
    return build


def _stacked(keras):
    inp = keras.layers.Input((None, FEATURES))
    cells = [keras.layers.LSTMCell(4), keras.layers.GRUCell(2)]
    return inp, keras.layers.RNN(cells, return_sequences=True)(keras.layers.Masking()(inp))


def _embedding_gru(keras):
    inp = keras.layers.Input((None,), dtype="int32")
    emb = keras.layers.Embedding(7, 3, mask_zero=True)(inp)
    return inp, keras.layers.GRU(4, return_sequences=True)(emb)


RNN_CASES = {
    "lstm_free_time": _plain_rnn("LSTM", units=3, return_sequences=True, return_state=True),
    "gru_free_time_backwards": _plain_rnn("GRU", units=3, go_backwards=True),
    "simple_rnn_masked_last": _masked_rnn("SimpleRNN", units=3),
    "simple_rnn_masked_seq": _masked_rnn("SimpleRNN", units=3, return_sequences=True),
    "lstm_masked_seq_state": _masked_rnn("LSTM", units=3, return_sequences=True, return_state=True),
    "lstm_masked_backwards": _masked_rnn("LSTM", units=3, go_backwards=True, return_sequences=True,
                                         return_state=True),
    "lstm_masked_impl1": _masked_rnn("LSTM", units=2, implementation=1, return_state=True),
    "gru_masked_seq_state": _masked_rnn("GRU", units=3, return_sequences=True, return_state=True),
    "gru_v1_masked": _masked_rnn("GRU", units=2, reset_after=False, return_state=True),
    "lstm_unrolled_masked": _unrolled,
    "bidirectional_concat_seq": _bidirectional("concat", True),
    "bidirectional_sum_last": _bidirectional("sum", False),
    "bidirectional_ave_seq": _bidirectional("ave", True),
    "bidirectional_mul_last": _bidirectional("mul", False),
    "bidirectional_none_seq": _bidirectional(None, True),
    "bidirectional_concat_seq_state": _bidirectional("concat", True, return_state=True),
    "bidirectional_none_last_state": _bidirectional(None, False, return_state=True),
    "embedding_mask_gru": _embedding_gru,
    "stacked_lstm_gru_masked": _stacked,
}


def case_rng(name: str) -> np.random.RandomState:
    return np.random.RandomState(sum(map(ord, name)) + 7)


def case_input(name: str, rng: np.random.RandomState, steps: int | None = None) -> np.ndarray:
    """The batch: random features (or token ids 1..6) zero-padded after each entry's length."""
    steps = steps or LENGTHS[0]
    lengths = [min(n, steps) for n in LENGTHS]
    if name.startswith("embedding"):
        x = rng.randint(1, 7, size=(len(LENGTHS), steps)).astype(np.int32)
    else:
        x = rng.standard_normal((len(LENGTHS), steps, FEATURES)).astype(np.float32)
    for row, n in enumerate(lengths):
        x[row, n:] = 0
    return x


def case_weights(rng: np.random.RandomState, shapes: list[tuple[int, ...]]) -> list[np.ndarray]:
    return [(rng.standard_normal(shape) * 0.5).astype(np.float32) for shape in shapes]


def stateful_model(keras):
    """An LSTM with `stateful=True` on batches of 2 sequences of 3 steps."""
    inp = keras.layers.Input(batch_shape=(2, 3, FEATURES))
    return keras.Model(inp, keras.layers.LSTM(3, stateful=True, return_sequences=True)(inp))


def masked_loss_model(keras):
    """Masking -> LSTM(return_sequences) -> TimeDistributed(Dense): the loss weights steps by the mask."""
    inp = keras.layers.Input((None, FEATURES))
    seq = keras.layers.LSTM(3, return_sequences=True)(keras.layers.Masking()(inp))
    return keras.Model(inp, keras.layers.TimeDistributed(keras.layers.Dense(2))(seq))


def saved_model(keras):
    """Saved by tf_keras (model.save) and loaded by graphflow: masking, a Bidirectional LSTM with
    dropout, a GRU and a Dense head."""
    inp = keras.layers.Input((None, FEATURES))
    x = keras.layers.Masking()(inp)
    x = keras.layers.Bidirectional(keras.layers.LSTM(3, return_sequences=True, recurrent_dropout=0.1))(x)
    x = keras.layers.GRU(2, go_backwards=True)(x)
    return keras.Model(inp, keras.layers.Dense(1)(x))
