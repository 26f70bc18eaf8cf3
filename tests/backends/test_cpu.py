"""The CPU backend: its fusion policy (numpy for small work, one numba loop for large), its
kernel dispatch (fused programs by class, ops' CPU kernels, numpy references) and the sources
GF_DEBUG=2 shows."""

from __future__ import annotations

import numpy as np

import graphflow as tf
from graphflow.backends import cpu_fused, get_backend
from graphflow.backends.cpu import SMALL_GROUP, SMALL_SIZE, cpu_kernel
from graphflow.compiler.fused_op import FUSED, Program
from graphflow.compiler.ir import Node
from graphflow.framework.tensor_shape import TensorShape
from graphflow.ops.registry import REGISTRY, Spec


def _node(op_type, shape, n_inputs=2):
    spec = Spec(TensorShape(list(shape)), tf.float32)
    return Node(REGISTRY[op_type], op_type.lower(), {}, (), (), [spec] * n_inputs, [spec])


def test_small_groups_stay_numpy_and_large_ones_fuse():
    cpu = get_backend("cpu")
    small = [_node("Mul", [4])] * SMALL_GROUP
    assert not cpu.worth_fusing(small)
    assert cpu.worth_fusing(small + [_node("Add", [4])])  # long enough to beat numpy calls
    assert cpu.worth_fusing([_node("Mul", [SMALL_SIZE]), _node("Add", [SMALL_SIZE])])
    assert not cpu.worth_fusing([_node("Mul", [SMALL_SIZE])])  # one pass in numpy already


def test_fused_programs_dispatch_on_their_class():
    program = Program(steps=(("Mul", (("in", 0), ("in", 1))), ("Exp", (("step", 0),))),
                      outputs=(1,), shape=(3,), in_shapes=((3,), ()),
                      in_dtypes=("float64", "float64"), out_dtypes=("float64",))
    spec = Spec(TensorShape([3]), tf.float64)
    node = Node(FUSED, "f", {"program": program}, (), (), [spec, Spec(TensorShape([]), tf.float64)],
                [spec])
    kernel = cpu_kernel(node, None)
    assert kernel is cpu_fused.fused_kernel(program)  # shared by every plan with the program
    x = np.array([0.0, 1.0, -1.0])
    np.testing.assert_allclose(kernel(x, np.float64(2.0)), np.exp(2.0 * x), rtol=1e-15)
    (source,) = get_backend("cpu").kernel_sources(node)
    assert source == cpu_fused.kernel_source(program)
    assert "t0 = (x0 * x1)" in source and "t1 = (math.exp(t0))" in source


def test_ops_without_a_cpu_kernel_run_their_reference():
    node = _node("Sub", [2])
    kernel = cpu_kernel(node, None)
    np.testing.assert_array_equal(kernel(np.array([3.0, 1.0]), np.array([1.0, 1.0])), [2.0, 0.0])
    assert get_backend("cpu").kernel_sources(node) == []
