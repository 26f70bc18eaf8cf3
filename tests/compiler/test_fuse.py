"""Elementwise fusion: which nodes fuse, and fused kernels computing what the unfused ops do."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import graphflow as tf
from graphflow import generated_source as generated
from graphflow.backends import cpu_fused


def _plan(sess):
    (plan,) = sess._plans.values()
    return plan


def _types(plan):
    return [n.type for n in plan.order if n.type not in ("_Feed", "Const")]


def _run(fetches, feeds):
    with tf.Session() as sess:
        values = sess.run(fetches, feeds)
        return values, _plan(sess)


def test_chain_with_bias_becomes_one_kernel(graph):
    x = tf.placeholder(tf.float32, [8, 5])
    b = tf.placeholder(tf.float32, [5])
    h = x
    for _ in range(6):
        h = tf.maximum(h * 0.5 + b, 0.0)
    xv = np.random.default_rng(0).normal(size=(8, 5)).astype(np.float32)
    bv = np.linspace(-1, 1, 5).astype(np.float32)
    value, plan = _run(h, {x: xv, b: bv})
    assert _types(plan) == ["_FusedElementwise"]
    expected = xv
    for _ in range(6):
        expected = np.maximum(expected * np.float32(0.5) + bv, np.float32(0))
    np.testing.assert_allclose(value, expected, rtol=1e-6)


def test_values_used_outside_become_outputs(graph):
    x = tf.placeholder(tf.float64, [4, 3])
    a = x * 2.0 + 1.0
    b = a * a - x
    total = tf.reduce_sum(a)  # a leaves the group for a reduction
    xv = np.arange(12.0).reshape(4, 3)
    (av, bv, tv), plan = _run([a, b, total], {x: xv})
    assert _types(plan).count("_FusedElementwise") == 1
    np.testing.assert_array_equal(av, xv * 2 + 1)
    np.testing.assert_array_equal(bv, (xv * 2 + 1) ** 2 - xv)
    assert tv == np.sum(xv * 2 + 1)


def test_no_cycle_through_an_outside_node(graph):
    x = tf.placeholder(tf.float64, [1024])  # big enough for two-op groups to fuse
    a = x * 3.0 - 1.0
    b = a + tf.reduce_max(a)  # depends on a directly and through the reduction
    c = b * b
    xv = np.linspace(0.0, 1.0, 1024)
    value, plan = _run(c, {x: xv})
    a_np = xv * 3.0 - 1.0
    np.testing.assert_allclose(value, (a_np + a_np.max()) ** 2, rtol=1e-15)
    assert _types(plan) == ["_FusedElementwise", "Max", "_FusedElementwise"]


def test_float32_tanh_fuses_and_float64_tanh_stays_a_numpy_call(graph):
    x = tf.placeholder(tf.float32, [1024])
    y = tf.tanh(x * 2.0 + 1.0) * 3.0 - 1.0
    xv = np.linspace(-2, 2, 1024).astype(np.float32)
    value, plan = _run(y, {x: xv})
    assert _types(plan) == ["_FusedElementwise"]
    (node,) = [n for n in plan.order if n.type == "_FusedElementwise"]
    assert "tanh_f32(" in cpu_fused.kernel_source(node.attrs["program"])
    np.testing.assert_allclose(value, np.tanh(xv * 2 + 1) * 3 - 1, rtol=2e-6, atol=2e-6)

    x64 = tf.placeholder(tf.float64, [1024])  # float64 keeps numpy's exact libm tanh
    x64v = xv.astype(np.float64)
    value, plan = _run(tf.tanh(x64 * 2.0 + 1.0) * 3.0 - 1.0, {x64: x64v})
    assert _types(plan) == ["_FusedElementwise", "Tanh", "_FusedElementwise"]
    np.testing.assert_allclose(value, np.tanh(x64v * 2.0 + 1) * 3 - 1, rtol=1e-15)


# halved: the graph doubles them (exactly) into exp's overflow and underflow, tanh's saturation
_SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-40, -1e-40, 44.4, -44.4, 47.5,
                     -52.5, 4.525, -4.525], np.float32)


def _ulps32(got, want):
    _, exponent = np.frexp(want.astype(np.float64))
    return np.abs(got.astype(np.float64) - want) / np.ldexp(1.0, np.maximum(exponent - 24, -149))


def test_fused_transcendental_rows_agree_with_the_unfused_numpy_rows(graph, monkeypatch):
    """Exp, Sigmoid and Tanh inside one generated float32 loop against the reference backend
    (numpy's float32 ufuncs, one call per op): within the approximations' bounds (and 1 ulp of
    numpy's own error), same NaNs, infinities and signed zeros."""
    x = tf.placeholder(tf.float32, [4, 40])
    twice = x * 2.0
    outs = [tf.tanh(twice), tf.sigmoid(twice), tf.exp(twice)]
    xv = np.concatenate([_SPECIAL, np.random.default_rng(1).normal(0, 6, 160 - _SPECIAL.size)
                         .astype(np.float32)]).reshape(4, 40)
    with np.errstate(all="ignore"):
        fused, plan = _run(outs, {x: xv})
        (node,) = [n for n in plan.order if n.type == "_FusedElementwise"]
        kernel = cpu_fused.kernel_source(node.attrs["program"])
        monkeypatch.setenv("GF_BACKEND", "reference")
        reference, _ = _run(outs, {x: xv})
    assert _types(plan) == ["_FusedElementwise"]
    assert all(f"{name}_f32(" in kernel for name in ("tanh", "sigmoid", "exp"))
    for got, want, bound in zip(fused, reference, (6.5, 3.5, 3.5)):
        assert got.dtype == np.float32
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
        limits = np.isinf(want) | (want == 0)
        np.testing.assert_array_equal(got[limits], want[limits])
        np.testing.assert_array_equal(np.signbit(got[limits]), np.signbit(want[limits]))
        finite = ~(limits | np.isnan(want))
        assert _ulps32(got[finite], want[finite]).max() <= bound


def test_a_lone_float32_sigmoid_is_one_loop_over_many_elements(graph):
    # numpy's Sigmoid takes four passes over memory, the generated loop one
    x = tf.placeholder(tf.float32, [64, 32])
    small = tf.placeholder(tf.float32, [8])
    big, plan = _run(tf.sigmoid(x), {x: np.zeros((64, 32), np.float32)})
    assert _types(plan) == ["_FusedElementwise"] and (big == 0.5).all()
    alone, plan = _run(tf.sigmoid(small), {small: np.zeros(8, np.float32)})
    assert _types(plan) == ["Sigmoid"] and (alone == 0.5).all()


def test_float32_transcendental_gradients_fuse_and_match_the_reference(graph, monkeypatch):
    x = tf.placeholder(tf.float32, [16, 64])
    y = tf.tanh(x * 0.5) * tf.sigmoid(x) + tf.exp(-tf.square(x))
    grad = tf.gradients(tf.reduce_sum(y), x)[0]
    xv = np.random.default_rng(2).normal(0, 2, (16, 64)).astype(np.float32)
    fused, plan = _run(grad, {x: xv})
    assert "Tanh" not in _types(plan) and "Sigmoid" not in _types(plan)
    monkeypatch.setenv("GF_BACKEND", "reference")
    reference, _ = _run(grad, {x: xv})
    np.testing.assert_allclose(fused, reference, rtol=2e-5, atol=2e-6)


def test_fused_maximum_propagates_nan_like_numpy(graph):
    x = tf.placeholder(tf.float64, [3])
    y = tf.maximum(x * 1.0, 0.0) + tf.minimum(x + 0.0, 0.0)
    xv = np.array([np.nan, -1.0, 2.0])
    value, plan = _run(y, {x: xv})
    assert _types(plan) == ["_FusedElementwise"]
    np.testing.assert_array_equal(value, np.maximum(xv, 0) + np.minimum(xv, 0))


def test_division_by_zero_gives_inf_not_an_exception(graph):
    x = tf.placeholder(tf.float64, [1024])
    y = (x * 1.0) / (x - x)
    xv = np.where(np.arange(1024) % 2, 1.0, -1.0)
    value, plan = _run(y, {x: xv})
    assert _types(plan) == ["_FusedElementwise"]
    np.testing.assert_array_equal(value, xv * np.inf)


def test_small_two_op_groups_stay_numpy_calls(graph):
    a = tf.placeholder(tf.float32, [])
    b = tf.placeholder(tf.float32, [])
    value, plan = _run(a * b + a, {a: 1.5, b: 2.0})
    assert value == 4.5 and _types(plan) == ["Mul", "Add"]


def test_kernel_source_is_written_to_the_cache_folder(graph, tmp_path, monkeypatch):
    monkeypatch.setenv("GF_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cpu_fused, "_kernels", {})  # forget kernels loaded by earlier tests
    monkeypatch.setattr(generated, "_modules", {})
    x = tf.placeholder(tf.float64, [32, 32])
    y = x * 7.0 + 0.25  # constants are kernel inputs: the source is shared, not value-specific
    value, plan = _run(y, {x: np.eye(32)})
    np.testing.assert_array_equal(value, np.eye(32) * 7 + 0.25)
    (node,) = [n for n in plan.order if n.type == "_FusedElementwise"]
    source = cpu_fused.kernel_source(node.attrs["program"])
    assert "@njit(cache=True" in source
    assert [p.read_text() for p in tmp_path.glob("fused_*.py")] == [source]


def test_gradients_fuse_and_match_reference_backend(graph, monkeypatch):
    x = tf.placeholder(tf.float64, [5, 4])
    w = tf.placeholder(tf.float64, [4])
    loss = tf.reduce_sum(tf.square(x * w - 1.0) * 0.5 + tf.abs(x - w))
    grads = tf.gradients(loss, [x, w])
    rng = np.random.default_rng(3)
    feeds = {x: rng.normal(size=(5, 4)), w: rng.normal(size=4)}
    fused, plan = _run(grads, feeds)
    assert "_FusedElementwise" in _types(plan)
    monkeypatch.setenv("GF_BACKEND", "reference")
    reference, _ = _run(grads, feeds)
    for f, r in zip(fused, reference):
        np.testing.assert_allclose(f, r, rtol=1e-12, atol=1e-12)


BINARY = {"add": (tf.add, np.add), "sub": (tf.subtract, np.subtract),
          "mul": (tf.multiply, np.multiply), "max": (tf.maximum, np.maximum),
          "min": (tf.minimum, np.minimum), "sqdiff": (tf.squared_difference,
                                                     lambda a, b: (a - b) ** 2)}
UNARY = {"neg": (tf.negative, np.negative), "abs": (tf.abs, np.abs),
         "square": (tf.square, np.square)}


@settings(max_examples=12)
@given(steps=st.lists(st.tuples(st.sampled_from(sorted(BINARY) + sorted(UNARY)),
                                st.integers(0, 10), st.sampled_from(["full", "row", "scalar"])),
                      min_size=2, max_size=7),
       seed=st.integers(0, 1000))
def test_random_programs_match_numpy(steps, seed):
    rng = np.random.default_rng(seed)
    operands = {"full": rng.normal(size=(3, 4)), "row": rng.normal(size=(4,)),
                "scalar": rng.normal(size=())}
    graph = tf.Graph()
    with graph.as_default():
        placeholders = {k: tf.placeholder(tf.float64, v.shape) for k, v in operands.items()}
        values_tf = [placeholders["full"]]
        values_np = [operands["full"]]
        for name, pick, other in steps:
            a_tf, a_np = values_tf[pick % len(values_tf)], values_np[pick % len(values_np)]
            if name in UNARY:
                values_tf.append(UNARY[name][0](a_tf))
                values_np.append(UNARY[name][1](a_np))
            else:
                values_tf.append(BINARY[name][0](a_tf, placeholders[other]))
                values_np.append(BINARY[name][1](a_np, operands[other]))
        with tf.Session() as sess:
            got = sess.run(values_tf[1:], {placeholders[k]: v for k, v in operands.items()})
    for g, e in zip(got, values_np[1:]):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-12)


# ---- the pass alone, with each backend's fusion policy (golden listings) ---------------------
def _pinned_in_a_chain(dtype=tf.float32):
    from graphflow.backends import get_backend

    from .ir_helpers import compilation, listing, lowered

    x = tf.placeholder(dtype, [2, 3], name="x")
    b = tf.placeholder(dtype, [3], name="b")
    h = tf.maximum(x * 0.5 + b, 0.0)
    with tf.device("/cpu:0"):
        pinned = tf.exp(h, name="pinned")
    total = tf.reduce_sum(pinned * 3.0, name="total")

    def fused(backend):
        from graphflow.compiler.fuse import fuse_elementwise

        with compilation():
            nodes, fetched = lowered([total, h], {x: [2, 3], b: [3]})
            return listing(fuse_elementwise(nodes, fetched, get_backend(backend))[0])

    return fused


def test_device_policy_fuses_any_group_but_not_across_the_host(graph):
    from .ir_helpers import golden

    assert _pinned_in_a_chain()("cuda") == golden("""
        %0 = _Feed() -> float32[2,3]   # x
        %1 = _Feed() -> float32[3]   # b
        %2 = Const{0.5}() -> float32[]   # mul/y
        %5 = Const{0.0}() -> float32[]   # Maximum/y
        %11 = _FusedElementwise{t0=Mul(x0,x1); t1=Add(t0,x2); t2=Maximum(t1,x3) -> t2}(%0, %2, %1, %5) -> float32[2,3]   # Maximum/fused3
        %13 = Exp(%11) @host -> float32[2,3]   # pinned
        %8 = Const{3.0}() -> float32[]   # mul_1/y
        %14 = Mul(%13, %8) -> float32[2,3]   # mul_1
        %15 = Sum(%14) -> float32[]   # total
    """)  # noqa: E501 - a fused node is one long IR line


def test_cpu_policy_leaves_small_groups_to_numpy(graph):
    # float64: its Exp stays a numpy call (a float32 Exp would fuse into one 5-op group)
    listing = _pinned_in_a_chain(tf.float64)("cpu")
    assert "_FusedElementwise" not in listing
    assert [line.split(" = ")[1].split("(")[0] for line in listing.splitlines()] == [
        "_Feed", "_Feed", "Const{0.5}", "Mul", "Add", "Const{0.0}", "Maximum", "Exp", "Const{3.0}",
        "Mul", "Sum"]
