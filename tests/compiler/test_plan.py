"""ExecutionPlan: unbound from the compiler; `attach` writes one straight-line function calling
the kernels a backend gives, releasing values after their last use; failures name the op."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow.compiler import compile_plan
from graphflow.framework.tensor_shape import TensorShape
from graphflow.ops.registry import Spec

from .ir_helpers import golden


class _NoFusion:
    """A compile policy that fuses nothing (so the plan keeps one call per op)."""

    skipped_passes = frozenset({"fuse"})

    def fusable(self, node):
        return False

    def worth_fusing(self, members):
        return False


def _plan(fetches, feeds):
    specs = [Spec(TensorShape(list(shape)), t.dtype) for t, shape in feeds.items()]
    return compile_plan(fetches, [], list(feeds), specs, _NoFusion())


def _numpy_kernels(plan):
    """Each node's numpy reference as its kernel (what the reference backend does)."""
    return {n.id: (lambda *xs, n=n: n.opdef.reference(n.attrs, *xs))
            for n in plan.order if n.type != "_Feed" and not n.is_const}


def _chain():
    x = tf.placeholder(tf.float64, [3], name="x")
    a = tf.exp(x, name="a")
    return x, tf.add(tf.sin(a, name="b"), a, name="c")


def test_a_plan_runs_only_once_bound(graph):
    x, c = _chain()
    plan = _plan([c], {x: [3]})
    assert plan.backend is None
    with pytest.raises(RuntimeError, match="not bound"):
        plan.run([np.zeros(3)])
    plan.attach("numpy", _numpy_kernels(plan), [])
    xv = np.array([0.0, 1.0, -2.0])
    (value,) = plan.run([xv])
    np.testing.assert_allclose(value, np.sin(np.exp(xv)) + np.exp(xv), rtol=1e-15)
    assert plan.backend == "numpy" and plan.num_kernels == 3


def test_the_generated_function_releases_after_last_use(graph):
    x, c = _chain()
    plan = _plan([c], {x: [3]})
    plan.attach("numpy", _numpy_kernels(plan), [])
    assert plan.source.strip("\n") == golden("""
        def plan(feeds):
            f0, = feeds
            v1_0 = k1(f0)
            v2_0 = k2(v1_0)
            v3_0 = k3(v2_0, v1_0)
            del v1_0, v2_0
            return (_out(v3_0),)
    """)
    # the ops are named only in the listing for people, never in the code that runs
    assert plan.listing().strip("\n") == golden("""
        def plan(feeds):
            f0, = feeds
            v1_0 = k1(f0)  # Exp 'a'
            v2_0 = k2(v1_0)  # Sin 'b'
            v3_0 = k3(v2_0, v1_0)  # Add 'c'
            del v1_0, v2_0
            return (_out(v3_0),)
    """)


def test_host_nodes_is_the_backends_own_list(graph):
    x, c = _chain()
    plan = _plan([c], {x: [3]})
    found: list = []
    kernels = _numpy_kernels(plan)
    sin = next(n for n in plan.order if n.type == "Sin")
    inner = kernels[sin.id]

    def sin_that_falls_back(*xs):  # as a device kernel specialized at run time
        if sin not in found:
            found.append(sin)
        return inner(*xs)

    kernels[sin.id] = sin_that_falls_back
    plan.attach("numpy", kernels, found)
    assert plan.host_nodes == []
    plan.run([np.zeros(3)])
    assert plan.host_nodes == [sin]


def test_values_move_through_upload_and_download(graph):
    x = tf.placeholder(tf.float64, [2], name="x")
    y = tf.multiply(x, 3.0, name="y")
    plan = _plan([y], {x: [2]})
    moved = []

    class Box:  # a value "on the device"
        def __init__(self, value):
            self.value = value

    def upload(value):
        moved.append("up")
        return Box(np.asarray(value))

    def download(box):
        moved.append("down")
        return box.value.copy()

    kernels = {n.id: (lambda a, b: Box(a.value * b.value)) for n in plan.order if n.type == "Mul"}
    plan.attach("boxes", kernels, [], upload, download)
    (value,) = plan.run([np.array([1.0, 2.0])])
    np.testing.assert_array_equal(value, [3.0, 6.0])
    assert moved == ["up", "up", "down"]  # the constant when bound; per run a feed and a fetch


def test_a_failing_kernel_is_an_error_naming_the_op(graph):
    x, c = _chain()
    plan = _plan([c], {x: [3]})
    kernels = _numpy_kernels(plan)
    sin = next(n for n in plan.order if n.type == "Sin")

    def broken(*xs):
        raise ValueError("bad values")

    kernels[sin.id] = broken
    plan.attach("numpy", kernels, [])
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Sin failed: bad values \(input shapes: \[3\]\)") as info:
        plan.run([np.zeros(3)])
    assert info.value.op.name == "b"
