"""A character-level LSTM language model on text that ships with Python: the docstrings of the
standard library's `collections`, `textwrap`, `string` and `json` modules. Two stacked LSTMs
over embedded characters (tf.nn.dynamic_rnn), trained with tf.contrib.seq2seq.sequence_loss and
Adam on clipped gradients; then a second graph sharing the weights (variable scope reuse) feeds
its state back one character at a time to sample new text.

Usage: python examples/char_rnn.py [--steps N] [--sample N] [--temperature T]
"""

from __future__ import annotations

import argparse
import inspect
import time

import numpy as np

import graphflow as tf

MODULES = ("collections", "textwrap", "string", "json")


def corpus() -> str:
    """The docstrings of MODULES and of their public classes and functions, joined."""
    import importlib

    parts = []
    for name in MODULES:
        module = importlib.import_module(name)
        parts.append(inspect.getdoc(module) or "")
        for attribute in sorted(dir(module)):
            member = getattr(module, attribute)
            if not attribute.startswith("_") and (inspect.isclass(member) or inspect.isfunction(member)):
                parts.append(inspect.getdoc(member) or "")
    return "\n\n".join(p for p in parts if p)


class Vocabulary:
    """Characters <-> ids."""

    def __init__(self, text: str) -> None:
        self.chars = sorted(set(text))
        self.ids = {c: i for i, c in enumerate(self.chars)}

    def encode(self, text: str) -> np.ndarray:
        return np.array([self.ids[c] for c in text], np.int32)

    def decode(self, ids) -> str:
        return "".join(self.chars[i] for i in ids)


def model(vocab_size: int, batch: int, steps, units: int, embedding: int, reuse: bool = False):
    """Embedding -> 2 stacked LSTMs -> logits, with the state as placeholders-with-defaults so
    the sampler can feed the previous state back. Returns (inputs, initial state, logits,
    final state)."""
    with tf.variable_scope("char_rnn", reuse=reuse):
        inputs = tf.placeholder(tf.int32, [batch, steps], name="inputs")
        cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(units) for _ in range(2)])
        zero = cell.zero_state(batch, tf.float32)
        initial = tuple(tf.nn.rnn_cell.LSTMStateTuple(tf.placeholder_with_default(s.c, s.c.shape),
                                                      tf.placeholder_with_default(s.h, s.h.shape))
                        for s in zero)
        table = tf.get_variable("embedding", [vocab_size, embedding])
        outputs, final = tf.nn.dynamic_rnn(cell, tf.nn.embedding_lookup(table, inputs),
                                           initial_state=initial)
        logits = tf.layers.dense(outputs, vocab_size, name="softmax", reuse=reuse)
    return inputs, initial, logits, final


def build(vocab_size: int, batch: int = 32, length: int = 32, units: int = 128,
          embedding: int = 32) -> dict:
    """The training graph (loss by tf.contrib.seq2seq.sequence_loss, Adam on gradients clipped
    to a global norm of 5) and the one-character sampling graph sharing its variables."""
    tf.reset_default_graph()
    tf.set_random_seed(0)
    inputs, _, logits, _ = model(vocab_size, batch, length, units, embedding)
    targets = tf.placeholder(tf.int32, [batch, length], name="targets")
    loss = tf.contrib.seq2seq.sequence_loss(logits, targets, tf.ones([batch, length]))
    optimizer = tf.train.AdamOptimizer(1e-2)
    grads, variables = zip(*optimizer.compute_gradients(loss))
    grads, _ = tf.clip_by_global_norm(grads, 5.0)
    train_op = optimizer.apply_gradients(zip(grads, variables))
    sampler = model(vocab_size, 1, 1, units, embedding, reuse=True)
    return {"inputs": inputs, "targets": targets, "loss": loss, "train": train_op,
            "sampler": sampler}


def train(text: str, steps: int = 400, batch: int = 32, length: int = 32, units: int = 128,
          embedding: int = 32, verbose: bool = True):
    """Builds the training and sampling graphs and trains on random windows of `text`;
    returns (session, vocabulary, sampling tensors, per-step losses)."""
    vocab = Vocabulary(text)
    data = vocab.encode(text)
    graph = build(len(vocab.chars), batch, length, units, embedding)
    inputs, targets, loss, train_op = graph["inputs"], graph["targets"], graph["loss"], graph["train"]
    sampler = graph["sampler"]
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    rng = np.random.default_rng(0)
    losses = []
    start = time.perf_counter()
    for step in range(1, steps + 1):
        offsets = rng.integers(0, len(data) - length - 1, size=batch)
        window = np.stack([data[o:o + length + 1] for o in offsets])
        _, value = sess.run([train_op, loss], {inputs: window[:, :-1], targets: window[:, 1:]})
        losses.append(float(value))
        if verbose and (step % 50 == 0 or step == steps):
            print(f"step {step:4d}  loss {np.mean(losses[-50:]):.3f} nats/char  "
                  f"({time.perf_counter() - start:.0f} s)")
    return sess, vocab, sampler, losses


def sample(sess, vocab: Vocabulary, sampler, prime: str = "Return a ", length: int = 300,
           temperature: float = 0.7, seed: int = 0) -> str:
    """Text continuing `prime`: one character at a time, the LSTM state fed back each step."""
    inputs, initial, logits, final = sampler
    rng = np.random.default_rng(seed)
    state = None
    text = prime
    next_id = None
    for char in prime:
        feed = {inputs: [[vocab.ids[char]]]}
        if state is not None:
            feed.update(_state_feed(initial, state))
        out, state = sess.run([logits, final], feed)
    for _ in range(length):
        scaled = out[0, -1].astype(np.float64) / temperature
        probs = np.exp(scaled - scaled.max())
        next_id = int(rng.choice(len(probs), p=probs / probs.sum()))
        text += vocab.chars[next_id]
        feed = {inputs: [[next_id]]}
        feed.update(_state_feed(initial, state))
        out, state = sess.run([logits, final], feed)
    return text


def _state_feed(placeholders, values) -> dict:
    return {p: v for p, v in zip(tf.nest.flatten(placeholders), tf.nest.flatten(values))}


def main(steps: int = 600, sample_length: int = 300, temperature: float = 0.7,
         verbose: bool = True) -> dict:
    text = corpus()
    if verbose:
        print(f"{len(text)} characters of docstrings, {len(set(text))} distinct")
    sess, vocab, sampler, losses = train(text, steps, verbose=verbose)
    generated = sample(sess, vocab, sampler, length=sample_length, temperature=temperature)
    sess.close()
    if verbose:
        print("--- sample ---")
        print(generated)
    return {"first_loss": losses[0], "final_loss": float(np.mean(losses[-20:])),
            "vocabulary": len(vocab.chars), "sample": generated}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--temperature", type=float, default=0.7)
    args = parser.parse_args()
    main(args.steps, args.sample, args.temperature)
