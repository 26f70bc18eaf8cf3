"""An inference loop whose body works row by row runs as two loops over halves of the batch
(ops.control_flow_batch_split): which bodies qualify, and that the split run's values are the
whole loop's, bit for bit, and a float64 numpy LSTM's."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow.ops import _cpu_workers, _machine_load
from graphflow.ops import control_flow_batch_split as batch_split


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


@pytest.fixture
def halves_run(monkeypatch):
    """The cores count as free (as on a quiet machine); returns the list of the batch sizes of
    the split runs (one entry per split run)."""
    monkeypatch.setattr(_machine_load, "cores_taken_lately", lambda: False)
    monkeypatch.setattr(batch_split, "MIN_HALF_STEP_WORK", 0)  # the tests' cells are tiny
    # a split whose halves this busy machine did not run side by side pauses none of the tests'
    monkeypatch.setattr(batch_split, "FIRST_PAUSE_S", 0.0)
    monkeypatch.setattr(batch_split, "PAUSE_S", 0.0)
    monkeypatch.setattr(batch_split, "HEALTH", batch_split.SplitHealth())
    runs: list[int] = []
    original = batch_split.split_rows

    def recorded(form, inputs, n, *args):
        halves = original(form, inputs, n, *args)
        if halves is not None:
            runs.append(sum(np.shape(h[form.loop_vars[0]])[0] for h in halves))
        return halves

    monkeypatch.setattr(batch_split, "split_rows", recorded)
    return runs


def _form_of_loop():
    op = next(op for op in tf.get_default_graph().get_operations() if op.type == "While")
    n = len(op.get_attr("output_shapes"))
    body = op.get_attr("body_graph")
    counted = {k for k in range(n) if body.inputs[k].shape.rank == 0
               and body.inputs[k].dtype.np.kind == "i"}
    returned = [k for k in range(n) if k not in counted and body.inputs[k].dtype.np.kind != "O"]
    return batch_split.batch_split_form(body, n, returned, counted)


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


def _numpy_lstm(xv, kernel, bias):
    c = np.zeros((xv.shape[0], bias.size // 4))
    h = np.zeros_like(c)
    for t in range(xv.shape[1]):
        i, j, f, o = np.split(np.concatenate([xv[:, t], h], 1) @ kernel + bias, 4, axis=1)
        c = c * _sigmoid(f + 1.0) + _sigmoid(i) * np.tanh(j)
        h = np.tanh(c) * _sigmoid(o)
    return c, h


@pytest.mark.parametrize("batch", [80, 81])
def test_lstm_inference_split_in_halves_equals_the_whole_loop(halves_run, monkeypatch, batch):
    x = tf.placeholder(tf.float32, [None, 7, 3])
    _, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(6), x, dtype=tf.float32)
    form = _form_of_loop()
    assert form is not None and form.loop_vars == (3, 4) and form.lists == (2,)
    assert form.row_work == (3 + 6) * 24  # [B, 9] @ [9, 24] per iteration
    xv = np.random.RandomState(batch).rand(batch, 7, 3).astype(np.float32)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        kernel, bias = s.run(tf.trainable_variables())
        c, h = s.run([state.c, state.h], {x: xv})
    assert halves_run == [batch]
    monkeypatch.setattr(batch_split, "batch_split_form", lambda *args: None)
    with tf.Session() as s:  # the same graph, the loop whole
        s.run(tf.group(*[v.assign(value) for v, value in zip(tf.trainable_variables(), (kernel, bias))]))
        whole_c, whole_h = s.run([state.c, state.h], {x: xv})
    assert halves_run == [batch]
    np.testing.assert_array_equal(c, whole_c)
    np.testing.assert_array_equal(h, whole_h)
    want_c, want_h = _numpy_lstm(xv.astype(np.float64), kernel, bias)
    np.testing.assert_allclose(c, want_c, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h, want_h, rtol=1e-5, atol=1e-6)


def test_gru_body_qualifies_and_keeps_its_values(halves_run):
    x = tf.placeholder(tf.float64, [None, 5, 2])
    _, h = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), x, dtype=tf.float64)
    assert _form_of_loop() is not None
    xv = np.random.RandomState(0).rand(70, 5, 2)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        got = s.run(h, {x: xv})
        first = s.run(h, {x: xv[:1]})  # one row alone: nothing to split
    assert halves_run == [70]
    np.testing.assert_allclose(first, got[:1], rtol=1e-12)


def test_small_batches_busy_cores_and_training_runs_keep_the_loop_whole(halves_run, monkeypatch):
    x = tf.placeholder(tf.float32, [None, 4, 3])
    _, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(5), x, dtype=tf.float32)
    grads = tf.gradients(tf.reduce_sum(state.h), tf.trainable_variables())
    xv = np.random.RandomState(1).rand(64, 4, 3).astype(np.float32)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s.run(state.h, {x: xv[:63]})  # halves under MIN_HALF_ROWS
        s.run([state.h, *grads], {x: xv})  # records its history for the gradient
        assert halves_run == []
        monkeypatch.setattr(_machine_load, "cores_taken_lately", lambda: True)
        s.run(state.h, {x: xv})
        assert halves_run == []
        monkeypatch.setattr(_machine_load, "cores_taken_lately", lambda: False)
        s.run(state.h, {x: xv})
        assert halves_run == [64] and _cpu_workers.WORKERS > 1


_W = np.random.RandomState(2).rand(3, 3) - 0.5
_MASK = np.random.RandomState(4).rand(64, 3)


@pytest.mark.parametrize("body, numpy_body", [
    # a reduction over the batch
    (lambda h, w, m: tf.tanh(h @ w - tf.reduce_mean(h, 0)),
     lambda v: np.tanh(v @ _W - v.mean(0))),
    # the batch on the right of a product
    (lambda h, w, m: tf.tanh(tf.transpose(tf.matmul(w, h, transpose_b=True))),
     lambda v: np.tanh((_W @ v.T).T)),
    # a captured operand as wide as the batch (a mask): it is not split with the rows
    (lambda h, w, m: tf.tanh(h @ w) * m, lambda v: np.tanh(v @ _W) * _MASK),
    # a concatenation along the batch axis
    (lambda h, w, m: tf.tanh(tf.concat([h, h], 0)[:tf.shape(h)[0]] @ w),
     lambda v: np.tanh(v @ _W)),
])
def test_bodies_that_mix_rows_keep_the_loop_whole(halves_run, body, numpy_body):
    h0 = tf.placeholder(tf.float64, [None, 3])
    mask = tf.placeholder(tf.float64, [None, 3])
    _, h = tf.while_loop(lambda i, h: i < 3, lambda i, h: (i + 1, body(h, tf.constant(_W), mask)),
                         [tf.constant(0), h0],
                         shape_invariants=[tf.TensorShape([]), tf.TensorShape([None, 3])])
    assert _form_of_loop() is None
    hv = np.random.RandomState(3).rand(64, 3)
    with tf.Session() as s:
        got = s.run(h, {h0: hv, mask: _MASK})
    assert halves_run == []
    want = hv
    for _ in range(3):
        want = numpy_body(want)
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_loops_with_small_products_stay_whole(halves_run, monkeypatch):
    """Both halves' plans run their Python one at a time (the GIL): products too small to
    cover it would make the split slower than the whole loop."""
    monkeypatch.setattr(batch_split, "MIN_HALF_STEP_WORK", 2_000_000)
    x = tf.placeholder(tf.float32, [None, 3, 28])
    _, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(32), x, dtype=tf.float32)
    xv = np.random.RandomState(5).rand(600, 3, 28).astype(np.float32)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s.run(state.h, {x: xv[:128]})  # 64 rows a half: 64 * 60 * 128 = 0.5M multiply-adds
        assert halves_run == []
        s.run(state.h, {x: xv})  # 300 rows a half: 2.3M
        assert halves_run == [600]


def test_a_static_batch_keeps_the_loop_whole(halves_run):
    """The halves' plans are compiled for their own row counts: a batch fixed in the graph
    (the element shape of the input list, the loop vars' shapes) would contradict them."""
    x = tf.placeholder(tf.float32, [80, 7, 3])
    _, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(6), x, dtype=tf.float32)
    assert _form_of_loop() is None
    xv = np.random.RandomState(6).rand(80, 7, 3).astype(np.float32)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        kernel, bias = s.run(tf.trainable_variables())
        h = s.run(state.h, {x: xv})
    assert halves_run == []
    np.testing.assert_allclose(h, _numpy_lstm(xv.astype(np.float64), kernel, bias)[1],
                               rtol=1e-5, atol=1e-6)


def test_a_split_whose_halves_did_not_run_side_by_side_pauses_splitting(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(batch_split.time, "monotonic", lambda: now[0])
    health = batch_split.SplitHealth()
    assert health.allowed()
    assert health.record(100.0, [(0, 104.0), (1, 104.5)])  # 0.5 s apart after 4 s: fine
    assert health.allowed()
    assert not health.record(100.0, [(0, 104.0), (1, 106.0)])  # the worker lagged 50%
    assert not health.allowed()
    now[0] += batch_split.FIRST_PAUSE_S
    assert health.allowed()
    assert not health.record(now[0], [(0, now[0] + 1), (0, now[0] + 2)])  # one thread ran both
    assert not health.allowed()
    now[0] += batch_split.FIRST_PAUSE_S  # a second bad split in a row: twice the pause
    assert not health.allowed()
    now[0] += batch_split.FIRST_PAUSE_S
    assert health.allowed()


def test_pauses_double_up_to_the_cap_and_a_good_split_resets_them(monkeypatch):
    now = [0.0]
    monkeypatch.setattr(batch_split.time, "monotonic", lambda: now[0])
    health = batch_split.SplitHealth()
    pauses = []
    for _ in range(10):
        assert not health.record(now[0], [(0, now[0]), (0, now[0])])
        start = now[0]
        while not health.allowed():
            now[0] += 0.001
        pauses.append(round(now[0] - start, 3))
    assert pauses[:3] == [batch_split.FIRST_PAUSE_S, 2 * batch_split.FIRST_PAUSE_S,
                          4 * batch_split.FIRST_PAUSE_S]
    assert pauses[-1] == batch_split.PAUSE_S
    assert health.record(now[0], [(0, now[0] + 1), (1, now[0] + 1)])  # side by side again
    assert not health.record(now[0], [(0, now[0]), (0, now[0])])
    assert not health.allowed()
    now[0] += batch_split.FIRST_PAUSE_S
    assert health.allowed()


def test_tensor_array_reads_and_a_failing_half_as_in_the_whole_loop(halves_run):
    """A TensorArray read (clear_after_read) at the counter, split by rows; a read past the
    end fails in a half with the whole loop's error, and the session stays usable."""
    x = tf.placeholder(tf.float64, [None, 5, 2])
    n = tf.placeholder(tf.int32, [])
    w = tf.constant(np.random.RandomState(7).rand(5, 3) - 0.5)
    inputs = tf.TensorArray(tf.float64, size=5).unstack(tf.transpose(x, [1, 0, 2]))

    def body(i, h):
        return i + 1, tf.tanh(tf.concat([inputs.read(i), h], 1) @ w)

    h0 = tf.zeros_like(x[:, 0, :1]) + tf.zeros([3], tf.float64)  # [batch, 3], the batch left open
    _, h = tf.while_loop(lambda i, h: i < n, body, [tf.constant(0), h0],
                         shape_invariants=[tf.TensorShape([]), tf.TensorShape([None, 3])])
    assert _form_of_loop() is not None
    xv = np.random.RandomState(8).rand(64, 5, 2)
    want = np.zeros((64, 3))
    for t in range(5):
        want = np.tanh(np.concatenate([xv[:, t], want], 1) @ (np.random.RandomState(7).rand(5, 3) - 0.5))
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError, match="TensorListGetItem|read"):
            s.run(h, {x: xv, n: 6})
        np.testing.assert_allclose(s.run(h, {x: xv, n: 5}), want, rtol=1e-12)
    assert halves_run == [64, 64]
