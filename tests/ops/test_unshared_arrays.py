"""In-place optimizer updates (ops/_unshared_arrays.py, ops/training_ops.py): a stored array is
overwritten only while nothing but the store holds it, so whatever was read, fetched or viewed
before an update keeps its values, and in-place steps compute what fresh-array steps compute."""

from __future__ import annotations

import weakref

import numpy as np
import pytest

import graphflow as tf
from graphflow.ops import _unshared_arrays, training_ops
from graphflow.ops._unshared_arrays import stored_only
from graphflow.train.training_ops import apply_update


def _store(**arrays):
    store = dict(arrays)
    return store, [store[n] for n in arrays], list(arrays)


def test_an_array_only_the_store_holds_may_be_overwritten(monkeypatch):
    store, current, names = _store(w=np.zeros((3, 4), np.float32), m=np.ones(5, np.float32))
    assert stored_only(current, store, names)
    monkeypatch.setattr(_unshared_arrays, "GIL", False)  # free-threaded Python: never
    assert not stored_only(current, store, names)


@pytest.mark.parametrize("holder", ["view", "name", "list", "memoryview", "frombuffer"])
def test_any_other_holder_keeps_the_array(holder):
    store, current, names = _store(w=np.zeros((3, 4), np.float32), m=np.ones(5, np.float32))
    held = {"view": lambda a: a[1:], "name": lambda a: a, "list": lambda a: [a],
            "memoryview": memoryview, "frombuffer": lambda a: np.frombuffer(a, np.float32)}[holder](
        store["w"])
    assert not stored_only(current, store, names)
    del held
    assert stored_only(current, store, names)


def test_views_read_only_and_foreign_arrays_are_never_overwritten():
    base = np.zeros((4, 4), np.float32)
    for value in (base[:, :2].copy()[:, ::1][::1],  # a view (of a copy nobody else holds)
                  np.asfortranarray(np.zeros((3, 4), np.float32)),
                  np.zeros(3, np.float32).view(np.ndarray)[()]):
        store, current, names = _store(w=value)
        assert not stored_only(current, store, names)
    read_only = np.zeros(3, np.float32)
    read_only.flags.writeable = False
    store, current, names = _store(w=read_only)
    assert not stored_only(current, store, names)
    store, current, names = _store(w=np.zeros(3, np.float32))
    store["w"] = np.zeros(3, np.float32)  # the list's array is no longer the stored one
    assert not stored_only(current, store, names)
    store, current, names = _store(w=np.zeros(3, np.float32))
    store["m"] = store["w"]  # one array under two names
    assert not stored_only([store["w"], store["m"]], store, ["w", "m"])


def _adam(read_first=False):
    """An Adam update of w; `read_first`: also a read of w ordered before the update."""
    graph = tf.Graph()
    with graph.as_default():
        w = tf.Variable(np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4), name="w")
        m = tf.Variable(np.zeros((3, 4), np.float32), name="m")
        v = tf.Variable(np.zeros((3, 4), np.float32), name="v")
        grad = tf.placeholder(tf.float32, [3, 4])
        snapshot = tf.identity(w)
        with tf.control_dependencies([snapshot] if read_first else []):
            update = apply_update("ApplyAdam", w, m, v, 0.9, 0.999, 0.01, 0.9, 0.999, 1e-8, grad)
    if read_first:
        return graph, w, grad, update, snapshot
    return graph, w, grad, update


def test_steady_state_updates_write_the_stored_arrays():
    graph, w, grad, update = _adam()
    feed = {grad: np.full((3, 4), 0.5, np.float32)}
    with tf.Session(graph=graph) as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(update, feed)  # the initial values may be shared (a constant): fresh arrays
        before = sess.run(w)
        stored = weakref.ref(sess._state.variables["w"])  # a weak reference does not count
        sess.run(update, feed)
        assert sess._state.variables["w"] is stored()
        assert not np.array_equal(stored(), before)
        held = sess._state.variables["w"]  # a strong one does: the next step writes new arrays
        sess.run(update, feed)
        assert sess._state.variables["w"] is not held


@pytest.mark.parametrize("in_place", [False, True])
def test_a_value_read_before_the_update_keeps_the_start_value(monkeypatch, in_place):
    """A read of the variable used after the update in the same run holds the stored array:
    the update then writes fresh arrays, and the read sees the value from the run's start."""
    monkeypatch.setattr(training_ops, "IN_PLACE", in_place)
    graph, w, grad, update, snapshot = _adam(read_first=True)
    with graph.as_default(), tf.control_dependencies([update]):
        after = snapshot * 1.0
    feed = {grad: np.full((3, 4), 0.5, np.float32)}
    with tf.Session(graph=graph) as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            start = sess.run(w)
            got = sess.run(after, feed)
            np.testing.assert_array_equal(got, start)
            assert not np.array_equal(sess.run(w), start)
        held = sess._state.variables["w"]  # as Saver's host_values holds it while it writes
        kept = held.copy()
        sess.run(update, feed)
        np.testing.assert_array_equal(held, kept)


def test_in_place_steps_equal_fresh_array_steps(monkeypatch):
    grads = [np.random.default_rng(i).normal(size=(3, 4)).astype(np.float32) for i in range(4)]
    results = {}
    for in_place in (False, True):
        monkeypatch.setattr(training_ops, "IN_PLACE", in_place)
        graph, w, grad, update = _adam()
        with tf.Session(graph=graph) as sess:
            sess.run(tf.global_variables_initializer())
            for g in grads:
                sess.run(update, {grad: g})
            results[in_place] = sess.run(w)
    np.testing.assert_array_equal(results[True], results[False])
