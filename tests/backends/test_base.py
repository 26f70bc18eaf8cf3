"""The Backend protocol and the registry: sessions know backends only through it, so a new
backend is one module plus one entry in `BACKENDS` (shown with a toy backend, tests/backends/
boxed.py, running a training step)."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow import backends
from graphflow.backends import BACKENDS, get_backend
from graphflow.backends.base import Backend, executable

from .boxed import Box, BoxedBackend


def test_every_named_backend_implements_the_protocol():
    for name in BACKENDS:
        backend = get_backend(name)
        assert isinstance(backend, Backend) and backend.name == name
        assert get_backend(name) is backend  # one shared instance
    assert get_backend("cuda").num_gpus == 1 and get_backend("cpu").num_gpus == 0
    assert get_backend("reference").skipped_passes == {"fuse"}


def test_an_unknown_backend_is_an_error_naming_the_choices(graph, monkeypatch):
    with pytest.raises(ValueError, match="Unknown graphflow backend 'tpu'.*reference, cpu, cuda"):
        get_backend("tpu")
    monkeypatch.setenv("GF_BACKEND", "tpu")
    with pytest.raises(ValueError, match="'tpu'"):
        tf.Session()


@pytest.fixture
def boxed(monkeypatch):
    monkeypatch.setitem(BACKENDS, "boxed", "tests.backends.boxed:BoxedBackend")
    get_backend.cache_clear()
    monkeypatch.setenv("GF_BACKEND", "boxed")
    BoxedBackend.uploads = BoxedBackend.downloads = 0
    yield
    get_backend.cache_clear()


def _regression(seed=0):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    w = tf.Variable(np.full((3, 1), 0.5, np.float32), name="w")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y), name="loss")
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    rng = np.random.default_rng(seed)
    xs = rng.normal(size=(8, 3)).astype(np.float32)
    return x, y, w, loss, train, xs, xs @ np.array([[1.0], [-2.0], [0.5]], np.float32)


def test_a_new_backend_is_one_module_and_one_registry_entry(graph, boxed, monkeypatch):
    x, y, w, loss, train, xs, ys = _regression()
    with tf.Session() as sess:
        assert sess.backend == "boxed"
        sess.run(w.initializer)
        assert isinstance(sess._state.variables["w"], Box)  # stored in the backend's form
        losses = [sess.run([loss, train], {x: xs, y: ys})[0] for _ in range(3)]
        trained = sess.run(w)
    monkeypatch.setenv("GF_BACKEND", "cpu")
    with tf.Session() as sess:
        sess.run(w.initializer)
        expected = [sess.run([loss, train], {x: xs, y: ys})[0] for _ in range(3)]
        np.testing.assert_allclose(trained, sess.run(w), rtol=1e-6)
    np.testing.assert_allclose(losses, expected, rtol=1e-6)
    assert type(trained) is np.ndarray and BoxedBackend.uploads > 0 and BoxedBackend.downloads > 0


def test_saver_values_go_through_upload_and_download(graph, boxed, tmp_path):
    _, _, w, *_ = _regression()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(w.initializer)
        path = saver.save(sess, str(tmp_path / "model"))
        sess.run(tf.assign(w, tf.zeros([3, 1])))
        before = BoxedBackend.uploads
        saver.restore(sess, path)
        assert BoxedBackend.uploads == before + 1
        np.testing.assert_array_equal(sess.run(w), np.full((3, 1), 0.5, np.float32))


def test_bind_attaches_a_kernel_to_every_executable_node(graph):
    from graphflow.compiler import compile_plan
    from graphflow.framework.tensor_shape import TensorShape
    from graphflow.ops.registry import Spec

    x = tf.placeholder(tf.float64, [2], name="x")
    y = tf.exp(x * 2.0, name="y")
    cpu = get_backend("cpu")
    plan = compile_plan([y], [], [x], [Spec(TensorShape([2]), tf.float64)], cpu)
    bound = cpu.bind(plan, cpu.new_state())
    assert bound is plan and plan.backend == "cpu"
    assert plan.num_kernels == sum(executable(n) for n in plan.order) == 2
    np.testing.assert_allclose(plan.run([np.array([0.0, 1.0])])[0], np.exp([0.0, 2.0]))


def test_sessions_know_no_backend_by_name():
    import inspect

    from graphflow import compiler
    from graphflow.compiler import fuse, passes, plan
    from graphflow.session import placement, session

    for module in (compiler, fuse, passes, plan, placement, session):
        source = inspect.getsource(module)
        assert '"cuda"' not in source and '"cpu"' not in source and '"reference"' not in source
    assert backends.BACKENDS.keys() == {"reference", "cpu", "cuda"}
