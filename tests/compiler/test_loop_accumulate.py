"""The "accumulate" pass (graphflow.compiler.loop_accumulate): a loop's carried `acc + a @ b`
runs on the worker thread, with the sums of the unoptimized plan bit for bit, fresh in every
run, and only where nothing else reads the sum or the product."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow.compiler.ir import Node
from graphflow.compiler.loop_accumulate import OffloadedSum


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


@pytest.fixture(autouse=True)
def idle_machine(monkeypatch):
    """Loops see idle cores (sums on the worker thread) unless a test says otherwise: the load
    of the machine running the tests must not choose the path they exercise."""
    from graphflow.ops import _machine_load

    monkeypatch.setattr(_machine_load.os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    monkeypatch.setattr(_machine_load, "TAKEN_TTL_S", 0.0)  # every loop asks afresh


def _bodies(compiled):
    return [plan for label, plan in compiled if label.endswith("(body)")]


def _types(plan):
    return [n.type for n in plan.order]


def _sum_loop(x, w, extra_read=False):
    """acc_{t+1} = acc_t + x[t]^T @ (x[t] @ w) over the rows blocks of x; optionally acc is
    also read by the next value of another loop var (then the sum cannot be offloaded)."""
    def body(t, acc, seen):
        xt = x[t]
        product = tf.matmul(xt, tf.matmul(xt, w), transpose_a=True)
        return t + 1, acc + product, (seen + tf.reduce_sum(acc)) if extra_read else seen

    return tf.while_loop(lambda t, acc, seen: t < 4, body,
                         [tf.constant(0), tf.zeros([3, 3], tf.float64),
                          tf.constant(0.0, tf.float64)])


def _expected(xv, wv):
    acc = np.zeros((3, 3))
    for t in range(4):
        acc = acc + xv[t].T @ (xv[t] @ wv)
    return acc


def test_carried_sum_runs_as_one_accumulation_with_the_same_values(compiled):
    x = tf.placeholder(tf.float64, [4, 5, 3])
    w = tf.placeholder(tf.float64, [3, 3])
    _, acc, _ = _sum_loop(x, w)
    rng = np.random.RandomState(0)
    xv, wv = rng.rand(4, 5, 3), rng.rand(3, 3)
    with tf.Session() as s:
        first = s.run(acc, {x: xv, w: wv})
        second = s.run(acc, {x: xv, w: wv})  # a new run starts from the initial zeros again
        other = s.run(acc, {x: 2 * xv, w: wv})
    types = _types(_bodies(compiled)[0])
    # the sum and its product are one node; the Add left is the counter's
    assert types.count("_OffloadedSum") == 1 and types.count("Add") == 1
    assert types.count("MatMul") == 1
    np.testing.assert_allclose(first, _expected(xv, wv), rtol=1e-12)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_allclose(other, _expected(2 * xv, wv), rtol=1e-12)


def test_a_sum_read_by_something_else_stays_in_the_body(compiled):
    x = tf.placeholder(tf.float64, [4, 5, 3])
    w = tf.placeholder(tf.float64, [3, 3])
    _, acc, seen = _sum_loop(x, w, extra_read=True)
    rng = np.random.RandomState(1)
    xv, wv = rng.rand(4, 5, 3), rng.rand(3, 3)
    with tf.Session() as s:
        got_acc, got_seen = s.run([acc, seen], {x: xv, w: wv})
    assert "_OffloadedSum" not in _types(_bodies(compiled)[0])
    np.testing.assert_allclose(got_acc, _expected(xv, wv), rtol=1e-12)
    partial, total = np.zeros((3, 3)), 0.0
    for t in range(4):
        total += partial.sum()
        partial = partial + xv[t].T @ (xv[t] @ wv)
    np.testing.assert_allclose(got_seen, total, rtol=1e-12)


def test_lstm_gradients_bitwise_equal_with_the_pass_off(monkeypatch, compiled):
    tf.set_random_seed(2)
    x = tf.placeholder(tf.float32, [None, 6, 3])
    cell = tf.nn.rnn_cell.BasicLSTMCell(4)
    _, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    grads = tf.gradients(tf.reduce_sum(state.h * state.h), tf.trainable_variables())
    xv = np.random.RandomState(3).rand(5, 6, 3).astype(np.float32)
    results = {}
    for disabled in ("accumulate", ""):
        monkeypatch.setenv("GF_DISABLE_PASSES", disabled)
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            results[disabled] = [s.run(grads, {x: xv}) for _ in range(2)]
    for run in (0, 1):
        for off, on in zip(results["accumulate"][run], results[""][run]):
            np.testing.assert_array_equal(off, on)
    backward = [plan for label, plan in compiled if "grad" in label and label.endswith("(body)")]
    # the kernel's product and the bias's batch sum, with the pass on
    assert [_types(plan).count("_OffloadedSum") for plan in backward] == [0, 2]


def test_nested_loop_gradient_matches_finite_differences():
    """An inner loop in the body starts a new loop run: the outer sum must not restart."""
    x = tf.placeholder(tf.float64, [3, 2, 2])
    w = tf.placeholder(tf.float64, [2, 2])

    def outer(t, h):
        def inner(j, g):
            return j + 1, tf.tanh(tf.matmul(g, w))

        _, g = tf.while_loop(lambda j, g: j < 2, inner, [tf.constant(0), h + x[t]])
        return t + 1, g

    _, h = tf.while_loop(lambda t, h: t < 3, outer, [tf.constant(0), tf.zeros([2, 2], tf.float64)])
    loss = tf.reduce_sum(h * h)
    gw, = tf.gradients(loss, [w])
    rng = np.random.RandomState(4)
    xv, wv = rng.rand(3, 2, 2), rng.rand(2, 2) - 0.5

    def f(wm):
        hv = np.zeros((2, 2))
        for t in range(3):
            g = hv + xv[t]
            for _ in range(2):
                g = np.tanh(g @ wm)
            hv = g
        return float(np.sum(hv * hv))

    numeric = np.zeros((2, 2))
    for i in np.ndindex(2, 2):
        d = np.zeros((2, 2))
        d[i] = 1e-6
        numeric[i] = (f(wv + d) - f(wv - d)) / 2e-6
    with tf.Session() as s:
        got = [s.run(gw, {x: xv, w: wv}) for _ in range(2)]
    np.testing.assert_allclose(got[0], numeric, rtol=1e-6, atol=1e-9)
    np.testing.assert_array_equal(got[0], got[1])


def test_reference_is_the_plain_sum():
    from graphflow.ops import registry
    from graphflow.ops.registry import Spec

    rng = np.random.RandomState(5)
    acc, a, b = rng.rand(3, 4), rng.rand(5, 3), rng.rand(5, 4)
    spec = Spec(tf.TensorShape([3, 4]), tf.float64)
    producer = Node(registry.get("MatMul"), "mm", {"transpose_a": True, "transpose_b": False}, (),
                    (), (spec, spec), (spec,))
    got = OffloadedSum().reference({"producer": producer}, acc, a, b)
    np.testing.assert_allclose(got, acc + a.T @ b, rtol=1e-14)


def test_sum_in_a_body_that_runs_an_inner_loop(compiled):
    """The inner loop starts a new loop run in every outer iteration: the outer sum goes on
    from its own last value (into a fresh array), never from the initial zeros."""
    x = tf.placeholder(tf.float64, [4, 5, 3])

    def body(t, acc):
        _, y = tf.while_loop(lambda j, y: j < 2, lambda j, y: (j + 1, y * 0.5), [tf.constant(0), x[t]])
        return t + 1, acc + tf.matmul(y, y, transpose_a=True)

    _, acc = tf.while_loop(lambda t, acc: t < 4, body, [tf.constant(0), tf.zeros([3, 3], tf.float64)])
    xv = np.random.RandomState(6).rand(4, 5, 3)
    with tf.Session() as s:
        got = [s.run(acc, {x: xv}) for _ in range(2)]
    assert any("_OffloadedSum" in _types(plan) for plan in _bodies(compiled))
    expected = sum((0.25 * xv[t]).T @ (0.25 * xv[t]) for t in range(4))
    np.testing.assert_allclose(got[0], expected, rtol=1e-12)
    np.testing.assert_array_equal(got[0], got[1])


def test_loops_run_blas_on_one_thread_when_the_cores_are_taken(monkeypatch):
    from graphflow.ops import _cpu_workers, _machine_load

    seen = []

    def product(a, b):  # records whether BLAS is pinned to one thread while the body runs
        seen.append(_cpu_workers._state["active"] > 0)
        return np.matmul(a, b)

    x = tf.placeholder(tf.float32, [4, 4])
    _, y = tf.while_loop(lambda i, y: i < 2, lambda i, y: (i + 1, tf.matmul(y, x)),
                         [tf.constant(0), tf.eye(4)])
    from graphflow.ops import registry

    monkeypatch.setattr(type(registry.get("MatMul")), "cpu_kernel", lambda self, node: product)
    xv = np.random.RandomState(7).rand(4, 4).astype(np.float32)
    monkeypatch.setattr(_machine_load, "own_load", lambda: 1.5)  # a benchmark's own threads
    monkeypatch.setattr(_machine_load, "others_running", lambda: 1)
    for load, pinned in ((2.0, False), (2.3, True), (float(_cpu_workers.WORKERS + 3), True)):
        monkeypatch.setattr(_machine_load.os, "getloadavg", lambda load=load: (load, load, load))
        assert _machine_load.cores_taken() is pinned
        seen.clear()
        with tf.Session() as s:
            np.testing.assert_allclose(s.run(y, {x: xv}), xv @ xv, rtol=1e-5)
        assert seen == [pinned, pinned]
    assert _cpu_workers._state["active"] == 0  # restored after the loop


def test_sums_run_inline_when_the_cores_are_taken(monkeypatch, compiled):
    from graphflow.compiler import loop_accumulate
    from graphflow.ops import _machine_load

    monkeypatch.setattr(_machine_load.os, "getloadavg", lambda: (99.0, 99.0, 99.0))
    monkeypatch.setattr(_machine_load, "others_running", lambda: 2)  # not this machine's count
    monkeypatch.setitem(loop_accumulate._worker, "pool", None)  # restored after the test
    x = tf.placeholder(tf.float64, [4, 5, 3])
    w = tf.placeholder(tf.float64, [3, 3])
    _, acc, _ = _sum_loop(x, w)
    xv, wv = np.random.RandomState(8).rand(4, 5, 3), np.random.RandomState(9).rand(3, 3)
    with tf.Session() as s:
        got = s.run(acc, {x: xv, w: wv})
    assert loop_accumulate._worker["pool"] is None  # no worker started: every sum ran inline
    assert "_OffloadedSum" in _types(_bodies(compiled)[0])
    np.testing.assert_allclose(got, _expected(xv, wv), rtol=1e-12)


def test_a_forked_process_starts_its_own_worker(monkeypatch):
    """A pool inherited through fork has no thread: the sums must not wait on it."""
    from graphflow.compiler import loop_accumulate

    dead = loop_accumulate.ThreadPoolExecutor(1)
    dead.shutdown()
    monkeypatch.setitem(loop_accumulate._worker, "pool", dead)
    monkeypatch.setitem(loop_accumulate._worker, "pid", -1)  # as seen from a forked child
    x = tf.placeholder(tf.float64, [4, 5, 3])
    w = tf.placeholder(tf.float64, [3, 3])
    _, acc, _ = _sum_loop(x, w)
    xv, wv = np.random.RandomState(10).rand(4, 5, 3), np.random.RandomState(11).rand(3, 3)
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(acc, {x: xv, w: wv}), _expected(xv, wv), rtol=1e-12)
    assert loop_accumulate._worker["pool"] is not dead


def test_loops_running_in_several_threads_keep_their_own_sums():
    """Sessions may run loops from several threads at once: a loop's end waits for its own
    thread's sums (not for whichever sums another thread's loop left to collect)."""
    import threading

    x = tf.placeholder(tf.float64, [4, 5, 3])
    w = tf.placeholder(tf.float64, [3, 3])
    _, acc, _ = _sum_loop(x, w)
    rng = np.random.RandomState(4)
    feeds = [(rng.rand(4, 5, 3), rng.rand(3, 3)) for _ in range(4)]
    failures: list = []
    with tf.Session() as s:
        def worker(k):
            xv, wv = feeds[k]
            try:
                for _ in range(15):
                    np.testing.assert_allclose(s.run(acc, {x: xv, w: wv}), _expected(xv, wv),
                                               rtol=1e-12)
            except Exception as e:  # noqa: BLE001 - reported by the main thread
                failures.append(e)

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not failures, failures[0]


def test_an_inline_sum_runs_after_the_sums_handed_over_before():
    """A nested loop may start inline (the cores became taken) while its enclosing loop's sums
    are still on the worker: the inline sum waits for them (order-sensitive record here)."""
    import time

    from graphflow.compiler import loop_accumulate

    record = []

    def slow(value):
        time.sleep(0.05)
        record.append(value)

    loop_accumulate.start_loop_run(inline=False)
    loop_accumulate._submit(slow, 1)
    loop_accumulate.start_loop_run(inline=True)
    loop_accumulate._submit(record.append, 2)
    loop_accumulate.drain()
    assert record == [1, 2]
