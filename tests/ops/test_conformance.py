"""The op-conformance suite: every registered op, every sample it declares.

For each (op, sample):
  * the shape/dtype rule, given the sample's values, predicts exactly the reference's output;
    given only shapes (values unknown) it predicts a compatible shape and the same dtype;
  * the compiled session (CPU kernels, the op fed through placeholders) equals the numpy
    reference, in float64 and in float32;
  * with GF_BACKEND=cuda (tests/cuda runs this suite under numba's CUDA simulator), the same
    on the CUDA backend, where every op must run on the device unless TF1 keeps it in host
    memory (`OpDef.host_memory`);
  * the symbolic gradient equals central finite differences of the reference (float64).

And for every op, its kernel declarations: a CUDA kernel builder that resolves (or host memory),
host arguments that are integer inputs, and every CUDA kernel module's declared launches.
"""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import graphflow as tf
from graphflow.framework import dtypes
from graphflow.framework.tensor_shape import TensorShape
from graphflow.ops import _op_modules, registry
from tests.gradcheck import assert_gradients_close, numeric_gradients, weighted_sum

_op_modules.load_all()


def _cases(differentiable_only: bool = False):
    """(op type, sample index) for every sample; with `differentiable_only`, only samples with
    a floating input and a floating output (integer-only cases have nothing to differentiate)."""
    cases = []
    for op_type in sorted(registry.REGISTRY):
        opdef = registry.REGISTRY[op_type]
        if opdef.stateful:
            continue
        for index, sample in enumerate(opdef.samples(np.random.default_rng(0))):
            if differentiable_only:
                outputs = _as_tuple(opdef.reference(sample.attrs, *sample.inputs))
                if not (any(_is_float(x) for x in sample.inputs)
                        and any(_is_float(y) for y in outputs)):
                    continue
            cases.append(pytest.param(op_type, index, id=f"{op_type}-{index}"))
    return cases


def _as_tuple(result):
    if result is None:
        return ()
    return tuple(result) if isinstance(result, tuple) else (result,)


def _is_float(x: np.ndarray) -> bool:
    return np.asarray(x).dtype.kind == "f"


CASES = _cases()
GRAD_CASES = _cases(differentiable_only=True)

#: Ops whose static shape is deliberately less specific than their value: the user-declared
#: shape of a placeholder with default, and the data-dependent row count of Where.
DYNAMIC_SHAPE = {"PlaceholderWithDefault", "Where"}


ON_DEVICE = os.environ.get("GF_BACKEND") == "cuda"

#: How integer inputs (axes, shapes, sizes, indices) reach the op: fed at run time, and on the
#: device also as constants (the two take different paths there: index maps built once from
#: constants, or kernels specialized for the values read at run time).
INT_INPUTS = ["fed", "constant"] if ON_DEVICE else ["fed"]


def _sample(op_type: str, index: int) -> tuple[registry.OpDef, registry.Sample]:
    opdef = registry.REGISTRY[op_type]
    return opdef, opdef.samples(np.random.default_rng(0))[index]


def _with_float_dtype(inputs, dtype):
    return [np.asarray(x, dtype) if _is_float(x) else np.asarray(x) for x in inputs]


def test_every_pure_op_declares_samples():
    """Every pure op has samples, except the TensorList ops: their values are host objects
    (tf.variant) that cannot be fed as arrays; tests/ops/test_tensor_list.py covers them."""
    from graphflow.ops.tensor_list import LIST_OPS

    rng = np.random.default_rng(0)
    missing = [t for t, o in registry.REGISTRY.items()
               if not o.stateful and not o.samples(rng) and t not in LIST_OPS]
    assert missing == []


@pytest.mark.parametrize(("op_type", "index"), CASES)
def test_shape_rule_matches_reference(op_type, index):
    opdef, sample = _sample(op_type, index)
    inputs = [np.asarray(x) for x in sample.inputs]
    expected = [np.asarray(y) for y in _as_tuple(opdef.reference(sample.attrs, *inputs))]
    known = [registry.spec(x.shape, dtypes.as_dtype(x.dtype), x) for x in inputs]
    shapes_only = [registry.spec(x.shape, dtypes.as_dtype(x.dtype)) for x in inputs]
    exact = opdef.infer(known, sample.attrs)
    loose = opdef.infer(shapes_only, sample.attrs)
    assert len(exact) == len(loose) == len(expected)
    for k, (e, l, y) in enumerate(zip(exact, loose, expected)):
        if op_type in DYNAMIC_SHAPE:
            assert e.shape.is_compatible_with(TensorShape(y.shape)), f"output {k}: {e.shape}"
        else:
            assert e.shape.as_list() == list(y.shape), f"output {k}: {e.shape} vs {y.shape}"
        assert e.dtype.np == y.dtype, f"output {k}: {e.dtype.name} vs {y.dtype}"
        assert l.shape.is_compatible_with(TensorShape(y.shape)), f"output {k}: {l.shape}"
        assert l.dtype == e.dtype
        if e.value is not None:
            np.testing.assert_array_equal(e.value, y)


def _build(graph, opdef, sample, inputs, feed_ints: bool):
    """The op in `graph` with float inputs (and, if `feed_ints`, all inputs) as placeholders."""
    with graph.as_default():
        tensors, feeds = [], {}
        for k, x in enumerate(inputs):
            if _is_float(x) or feed_ints:
                t = tf.placeholder(dtypes.as_dtype(x.dtype), x.shape, name=f"in{k}")
                feeds[t] = x
            else:
                t = tf.constant(x, name=f"in{k}")
            tensors.append(t)
        op = graph.create_op(opdef.type, tensors, dict(sample.attrs), name="op_under_test")
    return op, tensors, feeds


@pytest.mark.parametrize("int_inputs", INT_INPUTS)
@pytest.mark.parametrize("float_dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("op_type", "index"), CASES)
def test_kernel_matches_reference(op_type, index, float_dtype, int_inputs):
    opdef, sample = _sample(op_type, index)
    inputs = _with_float_dtype(sample.inputs, float_dtype)
    expected = _as_tuple(opdef.reference(sample.attrs, *inputs))
    graph = tf.Graph()
    op, _, feeds = _build(graph, opdef, sample, inputs, feed_ints=int_inputs == "fed")
    with tf.Session(graph=graph) as sess:
        got = sess.run(list(op.outputs) if op.outputs else op, feeds)
        if ON_DEVICE:  # every op has a device kernel: only host-memory ops run on the host
            host = {n.type for plan in sess._plans.values() for n in plan.host_nodes}
            assert all(registry.get(t).host_memory for t in host), f"ran on the host: {host}"
    if not op.outputs:
        assert got is None
        return
    tol = {"rtol": 1e-5, "atol": 1e-6} if float_dtype == np.float32 else {"rtol": 1e-12,
                                                                         "atol": 1e-12}
    for k, (g, y) in enumerate(zip(got, expected)):
        y = np.asarray(y)
        if y.dtype.kind == "O":  # strings: fetched as bytes (scalars) or object arrays of bytes
            assert isinstance(g, bytes) if y.ndim == 0 else g.dtype == object, f"output {k}: {g!r}"
            assert all(isinstance(v, bytes) for v in np.ravel(np.asarray(g, dtype=object)))
        g = np.asarray(g, dtype=y.dtype) if y.dtype.kind == "O" else np.asarray(g)
        assert g.shape == y.shape, f"output {k}: shape {g.shape} vs {y.shape}"
        assert g.dtype == y.dtype, f"output {k}: dtype {g.dtype} vs {y.dtype}"
        if y.dtype.kind == "f":
            np.testing.assert_allclose(g, y, err_msg=f"output {k}", **tol)
        else:
            np.testing.assert_array_equal(g, y, err_msg=f"output {k}")


@pytest.mark.parametrize(("op_type", "index"), GRAD_CASES)
def test_gradient_matches_finite_differences(op_type, index):
    opdef, sample = _sample(op_type, index)
    inputs = _with_float_dtype(sample.inputs, np.float64)
    graph = tf.Graph()
    op, tensors, feeds = _build(graph, opdef, sample, inputs, feed_ints=False)
    wrt = [k for k, x in enumerate(inputs) if _is_float(x)]
    float_outputs = [k for k, t in enumerate(op.outputs) if t.dtype.is_floating]
    rng = np.random.default_rng(1)
    expected = _as_tuple(opdef.reference(sample.attrs, *inputs))
    weights = [rng.normal(size=np.shape(expected[k])) for k in float_outputs]
    with graph.as_default():
        loss = tf.add_n([tf.reduce_sum(op.outputs[k] * tf.constant(w))
                         for k, w in zip(float_outputs, weights)])
        grads = tf.gradients(loss, [tensors[k] for k in wrt])
    if not opdef.differentiable or not sample.check_grad:
        if not opdef.differentiable:
            assert all(g is None for g in grads), f"{op_type} is not differentiable"
        return
    with tf.Session(graph=graph) as sess:
        fetch = [g for g in grads if g is not None]
        values = iter(sess.run(fetch, feeds))
        symbolic = [None if g is None else next(values) for g in grads]

    def reference_loss(args):
        outs = _as_tuple(opdef.reference(sample.attrs, *args))
        return weighted_sum([outs[k] for k in float_outputs], weights)

    numeric = numeric_gradients(reference_loss, inputs, wrt)
    assert_gradients_close(symbolic, numeric, f"{op_type} sample {index}")


# ---- kernel declarations ---------------------------------------------------------------------------

def _every_opdef():
    """The registered ops and the IR-only fused elementwise op the compiler creates."""
    from graphflow.compiler.fused_op import FUSED

    return [*registry.REGISTRY.values(), FUSED]


@pytest.mark.parametrize("opdef", _every_opdef(), ids=lambda o: o.type)
def test_op_declares_a_cuda_kernel_or_host_memory(opdef):
    """Each op reaches its CUDA kernel builder from its own definition: the import string
    resolves to a builder of the node (and the session state for a stateful op). Only ops that
    TF1 keeps in host memory, or that the compiler turns into plan values, declare none."""
    builder = opdef.kernel_builder("cuda")
    if opdef.compiled_away or opdef.host_memory:
        assert builder is None and not opdef.host_arguments, opdef.type
        return
    assert callable(builder), f"{opdef.type} declares no CUDA kernel"
    parameters = list(inspect.signature(builder).parameters)
    assert len(parameters) == (2 if opdef.stateful else 1), (opdef.type, parameters)
    assert builder.__module__.startswith("graphflow.cuda."), builder.__module__


def test_a_declaration_that_does_not_resolve_names_the_op():
    class Broken(registry.OpDef):
        type = "BrokenForTest"
        kernels = {"cuda": "graphflow.cuda.views:no_such_builder"}

    with pytest.raises(ImportError, match="BrokenForTest.*no_such_builder"):
        Broken().kernel_builder("cuda")
    assert Broken().kernel_builder("tpu") is None


@pytest.mark.parametrize("op_type", sorted(t for t, o in registry.REGISTRY.items() if o.host_arguments))
def test_host_arguments_are_integer_inputs(op_type):
    """Host arguments (TF1's HostMemory inputs) are integer inputs of every sample."""
    opdef = registry.REGISTRY[op_type]
    for sample in opdef.samples(np.random.default_rng(0)):
        for k in opdef.host_arguments:
            assert k < len(sample.inputs), (op_type, k)
            assert np.asarray(sample.inputs[k]).dtype.kind in "iu", (op_type, k)


_CUDA_FOLDER = Path(__file__).resolve().parents[2] / "cuda"
#: A module compiles kernels when it calls one of the kernel cache's loaders.
_COMPILES_KERNELS = re.compile(r"(?<!def )\b(cached_kernel|geometry_kernel)\(")


def test_every_kernel_module_declares_its_launches():
    """ptx_check compiles what the modules declare: every module that compiles kernels must
    declare the signatures it launches them with, and every declaration names kernels."""
    from graphflow.cuda import ptx_check

    compiling = {p.stem for p in _CUDA_FOLDER.glob("*.py")
                 if p.stem != "kernel_cache" and _COMPILES_KERNELS.search(p.read_text())}
    declaring = {m.__name__.rsplit(".", 1)[-1] for m in ptx_check.kernel_modules()}
    assert compiling and compiling <= declaring, compiling - declaring
    launches = ptx_check.kernels()
    assert {module for module, _ in launches} == declaring
    for module, launch in launches:
        assert inspect.isfunction(launch.function) and launch.signature, (module, launch.label)
    labels = [launch.label for _, launch in launches]
    assert len(labels) == len(set(labels))


def test_importing_graphflow_imports_no_cuda_kernel_module():
    """Kernel declarations are import strings: building and running a graph on the CPU imports
    neither numba's CUDA target nor a CUDA kernel module."""
    code = ("import sys, graphflow as tf\n"
            "x = tf.placeholder(tf.float32, [2])\n"
            "with tf.Session() as s: s.run(tf.nn.softmax(x * 2.0), {x: [1.0, 2.0]})\n"
            "print(sorted(m for m in sys.modules if m.startswith('numba.cuda')\n"
            "             or m.startswith('graphflow.cuda.') and m != 'graphflow.cuda.device'))\n")
    env = {k: v for k, v in os.environ.items() if k not in ("GF_BACKEND", "NUMBA_ENABLE_CUDASIM")}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=str(_CUDA_FOLDER.parent), timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "[]"
