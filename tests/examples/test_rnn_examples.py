"""The recurrent examples (issue 17) run and learn: examples/lstm_digits.py reaches the accuracy
TensorFlow reaches with the same program, examples/char_rnn.py learns its corpus and samples."""

from __future__ import annotations

import math

import numpy as np

from tests.examples.test_examples import EXAMPLES, load


def test_lstm_digits_learns_row_by_row(monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLES))  # it imports optimizers' data split
    # The full 20 epochs reach 97.2% on both engines (TF1_IMPL=tf runs it on TensorFlow); a
    # short run must clearly learn.
    result = load("lstm_digits").main(epochs=6, verbose=False)
    assert result["test_accuracy"] > 0.85
    assert result["final_loss"] < 0.5


def test_char_rnn_learns_and_samples_from_its_vocabulary():
    example = load("char_rnn")
    text = example.corpus()
    assert len(text) > 10000
    sess, vocab, sampler, losses = example.train(text, steps=120, verbose=False)
    try:
        # Starts near uniform guessing over the vocabulary, then learns the character statistics.
        assert abs(losses[0] - math.log(len(vocab.chars))) < 0.3
        assert np.mean(losses[-10:]) < 3.0
        generated = example.sample(sess, vocab, sampler, prime="Return ", length=80)
        again = example.sample(sess, vocab, sampler, prime="Return ", length=80)
    finally:
        sess.close()
    assert generated.startswith("Return ") and len(generated) == len("Return ") + 80
    assert set(generated) <= set(vocab.chars)
    assert generated == again  # the sampler's seed makes it reproducible
