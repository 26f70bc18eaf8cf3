"""Sessions on the CUDA backend, end to end: training, resident variables, Saver, loads.

Collected only when named explicitly: tests/cuda/test_simulator.py runs this file in a child
process under numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1, GF_BACKEND=cuda). Each check
compares the device session with a CPU session of the same graph.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import graphflow as tf
from graphflow.cuda.device import is_device
from graphflow.ops import registry

pytestmark = pytest.mark.skipif(os.environ.get("NUMBA_ENABLE_CUDASIM") != "1",
                                reason="run by tests/cuda/test_simulator.py under the simulator")


def _host_memory(op_types) -> bool:
    """Whether all these op types are ones TF1 keeps in host memory (so host nodes are fine)."""
    return all(registry.get(t).host_memory for t in op_types)


def _session(backend, monkeypatch, graph=None):
    monkeypatch.setenv("GF_BACKEND", backend)
    return tf.Session(graph=graph)


def _classifier(seed=0):
    """A 2-layer classifier with softmax cross-entropy, trained by Adam."""
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(seed)
        x = tf.placeholder(tf.float32, [None, 5], name="x")
        labels = tf.placeholder(tf.int64, [None], name="labels")
        hidden = tf.layers.dense(x, 4, activation=tf.nn.relu)
        logits = tf.layers.dense(hidden, 3)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=logits))
        accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))
        train = tf.train.AdamOptimizer(0.05).minimize(loss)
        init = tf.global_variables_initializer()
        saver = tf.train.Saver()
    return graph, x, labels, loss, accuracy, train, init, saver


def _data():
    rng = np.random.default_rng(1)
    xs = rng.normal(size=(6, 5)).astype(np.float32)
    return xs, (xs[:, 0] > 0).astype(np.int64) + (xs[:, 1] > 0)


def test_training_on_the_device_matches_the_cpu(monkeypatch):
    xs, ys = _data()
    results = {}
    for backend in ("cpu", "cuda"):
        graph, x, labels, loss, accuracy, train, init, _ = _classifier()
        with _session(backend, monkeypatch, graph) as sess:
            sess.run(init)
            losses = [sess.run([loss, train], {x: xs, labels: ys})[0] for _ in range(4)]
            final = sess.run({"loss": loss, "accuracy": accuracy}, {x: xs, labels: ys})
            weights = sess.run(graph.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES))
            results[backend] = losses, final, weights
            if backend == "cuda":
                stored = sess._state.variables
                assert stored and all(is_device(v) for v in stored.values())
                host = {n.type for plan in sess._plans.values() for n in plan.host_nodes}
                assert _host_memory(host), f"ran on the host: {host}"
                assert isinstance(final["loss"], np.floating)
    cpu, gpu = results["cpu"], results["cuda"]
    np.testing.assert_allclose(gpu[0], cpu[0], rtol=1e-5)
    assert gpu[0][-1] < gpu[0][0]
    np.testing.assert_allclose(gpu[1]["loss"], cpu[1]["loss"], rtol=1e-5)
    assert gpu[1]["accuracy"] == cpu[1]["accuracy"]
    for g, c in zip(gpu[2], cpu[2]):
        assert type(g) is np.ndarray
        np.testing.assert_allclose(g, c, rtol=1e-5, atol=1e-6)


def test_saver_moves_checkpoints_between_backends(monkeypatch, tmp_path):
    xs, ys = _data()
    graph, x, labels, loss, _, train, init, saver = _classifier()
    with _session("cuda", monkeypatch, graph) as sess:
        sess.run(init)
        sess.run(train, {x: xs, labels: ys})
        path = saver.save(sess, str(tmp_path / "model"))
        on_device = sess.run(loss, {x: xs, labels: ys})
    with _session("cpu", monkeypatch, graph) as sess:
        saver.restore(sess, path)
        np.testing.assert_allclose(sess.run(loss, {x: xs, labels: ys}), on_device, rtol=1e-6)
        sess.run(train, {x: xs, labels: ys})
        path = saver.save(sess, str(tmp_path / "model"), global_step=1)
        on_cpu = sess.run(loss, {x: xs, labels: ys})
    with _session("cuda", monkeypatch, graph) as sess:
        saver.restore(sess, path)
        assert all(is_device(v) for v in sess._state.variables.values())
        np.testing.assert_allclose(sess.run(loss, {x: xs, labels: ys}), on_cpu, rtol=1e-6)


def _convolutional(dtype):
    """A small image model touching every convolution, pooling and indexing gradient: reflect
    padding, Conv2D in NHWC and NCHW, max and average pooling, a depthwise-separable convolution,
    a strided slice, an embedding lookup (UnsortedSegmentSum in its gradient) and GatherNd."""
    rng = np.random.default_rng(4)

    def var(*shape):
        return tf.Variable(rng.normal(scale=0.5, size=shape).astype(dtype))

    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(dtype, [3, 6, 6, 2], name="x")
        labels = tf.placeholder(tf.int64, [3], name="labels")
        ids = tf.placeholder(tf.int32, [3], name="ids")
        h = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
        h = tf.nn.relu(tf.nn.conv2d(h, var(3, 3, 2, 4), [1, 1, 1, 1], "VALID"))
        h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")  # [3, 3, 3, 4]
        nchw = tf.nn.conv2d(tf.transpose(h, [0, 3, 1, 2]), var(2, 2, 4, 3), [1, 1, 1, 1],
                            "SAME", data_format="NCHW")
        h = tf.transpose(nchw, [0, 2, 3, 1])
        h = tf.nn.separable_conv2d(h, var(3, 3, 3, 2), var(1, 1, 6, 5), [1, 1, 1, 1], "SAME")
        h = tf.nn.avg_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")[:, 1:, :, :]  # [3, 1, 2, 5]
        features = tf.reshape(h, [3, 10]) + tf.gather(var(4, 10), ids)
        picked = tf.gather_nd(features, [[0, 1], [2, 3], [1, 9]])
        logits = tf.matmul(features, var(10, 3))
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=logits)) + 0.1 * tf.reduce_sum(tf.square(picked))
        train = tf.train.MomentumOptimizer(0.01, 0.9).minimize(loss)
        init = tf.global_variables_initializer()
    feeds = {x: rng.normal(size=(3, 6, 6, 2)).astype(dtype), labels: np.array([0, 2, 1]),
             ids: np.array([3, 0, 3], np.int32)}
    return graph, loss, train, init, feeds


def test_convolutional_training_on_the_device_matches_the_cpu(monkeypatch):
    """Every convolution, pooling and indexing op and its gradient runs on the device and a
    few training steps equal the CPU's."""
    results = {}
    for backend in ("cpu", "cuda"):
        graph, loss, train, init, feeds = _convolutional(np.float64)
        with _session(backend, monkeypatch, graph) as sess:
            sess.run(init)
            losses = [sess.run([loss, train], feeds)[0] for _ in range(3)]
            results[backend] = losses, sess.run(graph.get_collection(tf.GraphKeys.VARIABLES))
            if backend == "cuda":
                host = {n.type for plan in sess._plans.values() for n in plan.host_nodes}
                assert _host_memory(host), f"ran on the host: {host}"
    (cpu_losses, cpu_weights), (gpu_losses, gpu_weights) = results["cpu"], results["cuda"]
    np.testing.assert_allclose(gpu_losses, cpu_losses, rtol=1e-10)
    assert gpu_losses[-1] < gpu_losses[0]
    for g, c in zip(gpu_weights, cpu_weights):
        np.testing.assert_allclose(g, c, rtol=1e-9, atol=1e-12)


def test_random_ops_draw_the_cpu_values_on_the_device(monkeypatch):
    """Counter-based numbers: each random op draws the same values on the device as on the CPU,
    run after run (dropout included)."""
    values = {}
    for backend in ("cpu", "cuda"):
        graph = tf.Graph()
        with graph.as_default():
            tf.set_random_seed(5)
            fetches = [tf.random_uniform([3, 4]), tf.random_normal([5], dtype=tf.float64),
                       tf.truncated_normal([2, 3]),
                       tf.random_uniform([6], minval=2, maxval=9, dtype=tf.int32),
                       tf.nn.dropout(tf.ones([4, 4]), keep_prob=0.5)]
        with _session(backend, monkeypatch, graph) as sess:
            values[backend] = [sess.run(fetches) for _ in range(2)]
            if backend == "cuda":
                host = {n.type for plan in sess._plans.values() for n in plan.host_nodes}
                assert _host_memory(host), f"ran on the host: {host}"
    for cpu_run, gpu_run in zip(values["cpu"], values["cuda"]):
        for c, g in zip(cpu_run, gpu_run):
            assert g.dtype == c.dtype
            np.testing.assert_allclose(g, c, rtol=1e-6 if c.dtype == np.float32 else 1e-12)
    assert not np.array_equal(values["cuda"][0][0], values["cuda"][1][0])  # new numbers per run
    assert set(np.unique(values["cuda"][0][3])) <= set(range(2, 9))


def test_value_shaped_ops_on_the_device(monkeypatch):
    """Range and Where size their outputs from values at run time, on the device; Range's bad
    arguments raise as on the CPU."""
    graph = tf.Graph()
    with graph.as_default():
        start, limit, delta = (tf.placeholder(tf.int32, []) for _ in range(3))
        flags = tf.placeholder(tf.float32, [50, 101])
        sequence = tf.range(start, limit, delta)
        fractions = tf.range(tf.constant(2.0) * tf.reduce_sum(flags), -1.0, -0.75)
        coordinates = tf.where(flags > 0.5)
        nonzero = tf.where(flags)
    values = np.random.default_rng(6).random((50, 101)).astype(np.float32)
    values[values < 0.3] = 0.0
    with _session("cuda", monkeypatch, graph) as sess:
        got = sess.run([sequence, coordinates, nonzero], {start: 3, limit: -8, delta: -2,
                                                           flags: values})
        zero = sess.run(fractions, {flags: np.zeros((50, 101), np.float32)})
        host = {n.type for plan in sess._plans.values() for n in plan.host_nodes}
        with pytest.raises(tf.errors.InvalidArgumentError, match="delta"):
            sess.run(sequence, {start: 0, limit: 4, delta: 0})
    assert _host_memory(host), f"ran on the host: {host}"
    np.testing.assert_array_equal(got[0], np.arange(3, -8, -2, dtype=np.int32))
    assert got[0].dtype == np.int32
    np.testing.assert_array_equal(got[1], np.argwhere(values > 0.5))
    np.testing.assert_array_equal(got[2], np.argwhere(values))
    np.testing.assert_array_equal(zero, np.arange(0.0, -1.0, -0.75, dtype=np.float32))


def test_check_numerics_on_the_device(monkeypatch):
    """CheckNumerics checks on the device, passes finite values through and fails naming NaN
    or Inf with the message, as on the CPU; the session stays usable."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [2, 3])
        scalar = tf.placeholder(tf.float64, [])
        checked = tf.check_numerics(tf.log(x), "log of x") * 2.0
        checked_scalar = tf.check_numerics(scalar, "scalar")
    values = np.array([[1.0, 2.0, 3.0], [0.5, 4.0, 8.0]], np.float32)
    with _session("cuda", monkeypatch, graph) as sess:
        got = sess.run(checked, {x: values})
        with pytest.raises(tf.errors.InvalidArgumentError, match="log of x : Tensor had Inf"):
            sess.run(checked, {x: np.array([[1.0, 0.0, 1.0]] * 2, np.float32)})
        with pytest.raises(tf.errors.InvalidArgumentError, match="log of x : Tensor had NaN"):
            sess.run(checked, {x: -values})
        with pytest.raises(tf.errors.InvalidArgumentError, match="scalar : Tensor had NaN"):
            sess.run(checked_scalar, {scalar: np.nan})
        again = sess.run([checked, checked_scalar], {x: values, scalar: 2.5})
        host = {n.type for plan in sess._plans.values() for n in plan.host_nodes}
    assert not host, f"ran on the host: {host}"
    np.testing.assert_allclose(got, 2.0 * np.log(values), rtol=1e-6)
    np.testing.assert_allclose(again[0], got)
    assert again[1] == 2.5


def test_launches_of_one_kernel_keep_their_own_configuration():
    """Two products of different sizes, both configured before either runs, are both right
    (the simulator configures a kernel object in place: see cuda.kernel_cache.configure)."""
    from graphflow.cuda.device import to_device
    from graphflow.cuda.gemm import matmul_runner

    rng = np.random.default_rng(5)
    a, b, c = rng.normal(size=(40, 3)), rng.normal(size=(3, 2)), rng.normal(size=(2, 2))
    large, small = matmul_runner(a.shape, b.shape, a.dtype), matmul_runner(c.shape, c.shape, c.dtype)
    np.testing.assert_allclose(large(to_device(a), to_device(b)).copy_to_host(), a @ b)
    np.testing.assert_allclose(small(to_device(c), to_device(c)).copy_to_host(), c @ c)


def test_ops_pinned_to_the_cpu_run_on_the_host(monkeypatch, caplog):
    """As TF1: under tf.device("/cpu:0") stateless ops run on the CPU of a GPU session (not fused
    with device ops) and log_device_placement says so; a pinned variable stays on the device."""
    import logging

    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [2, 3], name="x")
        with tf.device("/cpu:0"):
            scaled = tf.multiply(x, 2.0, name="scaled")
            v = tf.Variable(tf.ones([2, 3]), name="v")
        y = tf.add(tf.tanh(scaled), v, name="y")
    config = tf.ConfigProto(log_device_placement=True)
    monkeypatch.setenv("GF_BACKEND", "cuda")
    xv = np.arange(6, dtype=np.float32).reshape(2, 3) / 6
    with tf.Session(graph=graph, config=config) as sess, caplog.at_level(logging.INFO):
        sess.run(v.initializer)
        value = sess.run(y, {x: xv})
        host = {n.name for plan in sess._plans.values() for n in plan.host_nodes}
        assert is_device(sess._state.variables["v"])
    np.testing.assert_allclose(value, np.tanh(2 * xv) + 1, rtol=1e-6)
    assert "scaled" in host and "y" not in host and "v" not in host
    assert "scaled: (Mul): /job:localhost/replica:0/task:0/device:CPU:0" in caplog.text
    assert "y: (Add): /job:localhost/replica:0/task:0/device:GPU:0" in caplog.text


def test_kernels_refuse_host_arrays():
    """Every launch in these simulated suites goes through cuda.kernel_cache.configure, which
    refuses a host array (a GPU would copy it both ways synchronously at each launch)."""
    from graphflow.cuda.convert import convert_kernel
    from graphflow.cuda.device import to_device
    from graphflow.cuda.kernel_cache import configure

    launch = configure(convert_kernel(), 1, 4)
    out = to_device(np.zeros(4))
    launch(to_device(np.ones(4)), out)
    np.testing.assert_array_equal(out.copy_to_host(), np.ones(4))
    with pytest.raises(TypeError, match="host array"):
        launch(np.ones(4), out)


def test_indices_out_of_range_on_the_device(monkeypatch):
    """As TF1's GPU kernels: GatherNd reads zeros and the scatters drop out-of-range indices
    (the CPU raises InvalidArgumentError)."""
    graph = tf.Graph()
    with graph.as_default():
        params = tf.constant(np.arange(6.0).reshape(3, 2))
        index = tf.placeholder(tf.int32, [2, 1])
        gathered = tf.gather_nd(params, index)
        scattered = tf.scatter_nd(index, tf.ones([2, 2], tf.float64), [3, 2])
        segments = tf.unsorted_segment_sum(tf.ones([2], tf.float64), tf.reshape(index, [2]), 3)
    with _session("cuda", monkeypatch, graph) as sess:
        got = sess.run([gathered, scattered, segments], {index: [[2], [7]]})
    np.testing.assert_array_equal(got[0], [[4.0, 5.0], [0.0, 0.0]])
    np.testing.assert_array_equal(got[1], [[0, 0], [0, 0], [1, 1]])
    np.testing.assert_array_equal(got[2], [0, 0, 1])
    with _session("cpu", monkeypatch, graph) as sess, pytest.raises(tf.errors.InvalidArgumentError):
        sess.run(gathered, {index: [[2], [7]]})


def test_elementwise_chains_fuse_into_one_kernel_on_the_device(monkeypatch):
    """Every elementwise op fuses on the GPU (transcendental and integer-valued rows too, which
    stay numpy calls on the CPU): one launch for the chain, equal to float64 numpy within
    float32 rounding."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [3, 4], name="x")
        b = tf.placeholder(tf.float32, [4], name="b")
        h = tf.tanh(x * 1.5 + b)
        y = tf.floor(tf.exp(h) * 3.0) + tf.sigmoid(h) - 1.0 / (1.0 + tf.abs(x))
    rng = np.random.default_rng(3)
    xv, bv = rng.normal(size=(3, 4)).astype(np.float32), rng.normal(size=4).astype(np.float32)
    with _session("cuda", monkeypatch, graph) as sess:
        value = sess.run(y, {x: xv, b: bv})
        (plan,) = sess._plans.values()
        kernels = [n.type for n in plan.order if n.type not in ("_Feed", "Const")]
    assert kernels == ["_FusedElementwise"]
    assert value.dtype == np.float32
    h64 = np.tanh(xv.astype(np.float64) * 1.5 + bv)
    expected = np.floor(np.exp(h64) * 3.0) + 1 / (1 + np.exp(-h64)) - 1 / (1 + np.abs(xv))
    np.testing.assert_allclose(value, expected, rtol=1e-5, atol=1e-5)


def test_variable_updates_and_loads_stay_on_the_device(monkeypatch):
    graph = tf.Graph()
    with graph.as_default():
        v = tf.Variable(np.arange(6, dtype=np.float64).reshape(2, 3))
        bump = tf.assign_add(v, tf.ones([2, 3], tf.float64))
        halve = tf.assign(v, v / 2)
    with _session("cuda", monkeypatch, graph) as sess:
        sess.run(v.initializer)
        first = sess.run(v)
        sess.run(bump)
        first[0, 0] = 100.0  # a fetched value is the caller's copy
        np.testing.assert_array_equal(sess.run(v), np.arange(6).reshape(2, 3) + 1.0)
        np.testing.assert_array_equal(sess.run(halve), (np.arange(6).reshape(2, 3) + 1.0) / 2)
        v.load(np.full((2, 3), 7.0), sess)
        assert is_device(sess._state.variables[v.op.name])
        np.testing.assert_array_equal(sess.run(bump), np.full((2, 3), 8.0))


def test_feeds_and_errors_on_the_device(monkeypatch):
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [2, 2], name="x")
        y = tf.matmul(x, x) + 1.0
        v = tf.Variable(tf.zeros([3]), name="v")
    feed = np.eye(2, dtype=np.float32)
    with _session("cuda", monkeypatch, graph) as sess:
        np.testing.assert_array_equal(sess.run(y, {x: feed}), np.eye(2) + 1.0)
        np.testing.assert_array_equal(feed, np.eye(2))  # the feed is untouched
        with pytest.raises(ValueError, match="Cannot feed value of shape"):
            sess.run(y, {x: np.ones((3, 2), np.float32)})
        with pytest.raises(tf.errors.FailedPreconditionError, match="v"):
            sess.run(v)
        np.testing.assert_array_equal(sess.run(y, {x: 2 * feed}), 4 * np.eye(2) + 1.0)


@pytest.mark.parametrize("name", ["SGD", "Momentum", "Nesterov", "Adagrad", "Adadelta", "RMSProp",
                                  "Adam", "AdaMax", "Nadam", "AMSGrad", "AdamW", "RAdam",
                                  "Lookahead(Adam)", "Ranger"])
def test_every_optimizer_updates_on_the_device(name, monkeypatch):
    """Each optimizer's step runs wholly on the device and matches the CPU after 7 steps
    (Lookahead's synchronization at step 6 included)."""
    from examples.optimizers import OPTIMIZERS

    rng = np.random.default_rng(2)
    xs, target = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    weights = {}
    for backend in ("cpu", "cuda"):
        graph = tf.Graph()
        with graph.as_default():
            w = tf.Variable(np.full((3, 2), 0.5), name="w")
            loss = tf.reduce_sum(tf.square(tf.matmul(tf.constant(xs), w) - target))
            train = OPTIMIZERS[name]().minimize(loss)
            init = tf.global_variables_initializer()
        with _session(backend, monkeypatch, graph) as sess:
            sess.run(init)
            for _ in range(7):
                sess.run(train)
            weights[backend] = sess.run(w)
            if backend == "cuda":
                host = {n.type for plan in sess._plans.values() for n in plan.host_nodes}
                assert _host_memory(host), f"ran on the host: {host}"
    np.testing.assert_allclose(weights["cuda"], weights["cpu"], rtol=1e-10, atol=1e-12)
    assert not np.allclose(weights["cuda"], 0.5)


def test_strings_stay_on_the_host_of_a_device_session(monkeypatch, tmp_path, caplog):
    """String feeds, variables, ops and checkpoints in a device session: the same values as
    on the CPU, string values never on the device, no warning for ops that touch strings."""
    import logging

    graph = tf.Graph()
    with graph.as_default():
        p = tf.placeholder(tf.string, [None], name="p")
        f = tf.placeholder(tf.float32, [None], name="f")
        v = tf.Variable(["a", "b", "c"], name="v")
        fetches = {"join": tf.string_join([p, tf.as_string(f * 2.0, precision=1)], separator="="),
                   "eq": tf.equal(p, v), "len": tf.strings.length(p) + 1,
                   "num": tf.strings.to_number(tf.as_string(f)) * 3.0,
                   "gather": tf.gather(v, [2, 0]), "where": tf.where(tf.constant(
                       [True, False, True]), p, v)}
        saver = tf.train.Saver()
    feeds = {"p:0": ["a", "x", "\xe9"], "f:0": [1.0, 2.0, 3.0]}
    results = {}
    for backend in ("cpu", "cuda"):
        with _session(backend, monkeypatch, graph) as sess, caplog.at_level(logging.WARNING):
            sess.run(v.initializer)
            results[backend] = sess.run(fetches, feeds)
            if backend == "cuda":
                host = {n.type for plan in sess._plans.values() for n in plan.host_nodes}
                assert "StringJoin" in host and _host_memory(
                    host - {"Assign", "Equal", "GatherV2", "Select", "VariableV2"})
                assert is_device(sess._state.variables["v"]) is False
                assert "has no CUDA kernel" not in caplog.text
                sess.run(tf.assign(v, ["q", "r", "s"]))
                path = saver.save(sess, str(tmp_path / "m"))
    for key, expected in results["cpu"].items():
        np.testing.assert_array_equal(results["cuda"][key], expected, err_msg=key)
    assert results["cuda"]["join"].tolist() == [b"a=2.0", b"x=4.0", "\xe9=6.0".encode()]
    with _session("cpu", monkeypatch, graph) as sess:
        saver.restore(sess, path)
        assert sess.run(v).tolist() == [b"q", b"r", b"s"]
