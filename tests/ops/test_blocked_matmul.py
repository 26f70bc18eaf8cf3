"""Column-blocked one-thread products (graphflow.ops._blocked_matmul): bit for bit numpy's
product for the layouts it accepts, the tuning's choice (recorded per shape and layout, kept
only where faster by MIN_GAIN and equal to the whole product), and the MatMul kernel's use of
it inside a single-threaded block."""

from __future__ import annotations

import numpy as np
import pytest

from graphflow.compiler.ir import Node
from graphflow.ops import _blocked_matmul, _cpu_workers
from graphflow.ops.registry import REGISTRY

gemm = _blocked_matmul._gemm_blocks()
needs_cblas = pytest.mark.skipif(not gemm.AVAILABLE, reason="numpy's BLAS exports no cblas gemm")


@pytest.fixture(autouse=True)
def fresh_choices(monkeypatch):
    monkeypatch.setattr(_blocked_matmul, "_choices", {})


def _operands(dtype, m=37, k=70, n=256, order_a="C", order_b="C", seed=0):
    rng = np.random.default_rng(seed)
    a = np.asarray(rng.standard_normal((m, k)), dtype, order=order_a)
    b = np.asarray(rng.standard_normal((k, n)), dtype, order=order_b)
    return a, b


@needs_cblas
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("orders", ["CC", "FC", "FF"])
@pytest.mark.parametrize("width", [32, 64, 128])
def test_blocked_product_is_numpys_bit_for_bit(dtype, orders, width):
    a, b = _operands(dtype, order_a=orders[0], order_b=orders[1])
    got = _blocked_matmul.blocked(a, b, width)
    assert got.dtype == dtype and got.flags.c_contiguous
    np.testing.assert_array_equal(got, np.matmul(a, b))
    want = a.astype(np.float64) @ b.astype(np.float64)
    np.testing.assert_allclose(got, want, rtol=1e-4 if dtype == np.float32 else 1e-12, atol=1e-4)


@needs_cblas
def test_blocked_product_reads_views_in_place():
    a, b = _operands(np.float32, n=512)
    view = b[:, 128:384]  # rows with a stride of 512: read where they are
    np.testing.assert_array_equal(_blocked_matmul.blocked(a, view, 64), np.matmul(a, view))
    assert _blocked_matmul.blocked(a[:, ::2], view[::2], 64) is None  # no unit stride: refused


def _fake_times(monkeypatch, seconds_by_width):
    """Makes the tuning's clock report `seconds_by_width[w]` for block width w (0: whole)."""
    def seconds(fn):
        width = getattr(fn, "__defaults__", None)
        return seconds_by_width[width[0] if width else 0]
    monkeypatch.setattr(_blocked_matmul, "_seconds", seconds)


@needs_cblas
def test_tuning_keeps_the_fastest_blocking_that_clears_min_gain(monkeypatch):
    a, b = _operands(np.float32)
    _fake_times(monkeypatch, {0: 1.0, 32: 0.9, 64: 0.5, 128: 0.7})
    assert _blocked_matmul._tune(a, b) == 64
    _fake_times(monkeypatch, {0: 1.0, 32: 0.99, 64: 0.97, 128: 0.96})  # under 5% faster: whole
    assert _blocked_matmul._tune(a, b) == 0


@needs_cblas
def test_tuning_drops_blockings_that_sum_in_another_order(monkeypatch):
    a, b = _operands(np.float32)
    exact = _blocked_matmul.blocked

    def off_by_one_ulp_at_64(a, b, width):
        out = exact(a, b, width)
        if width == 64:
            out[0, 0] = np.nextafter(out[0, 0], np.float32(np.inf))
        return out

    monkeypatch.setattr(_blocked_matmul, "blocked", off_by_one_ulp_at_64)
    _fake_times(monkeypatch, {0: 1.0, 32: 0.5, 64: 0.1, 128: 0.8})
    assert _blocked_matmul._tune(a, b) == 32


@needs_cblas
def test_one_thread_matmul_uses_the_recorded_choice(monkeypatch):
    a, b = _operands(np.float32, m=64, k=156, n=512)
    calls = []
    exact = _blocked_matmul.blocked
    monkeypatch.setattr(_blocked_matmul, "blocked", lambda a, b, w: calls.append(w) or exact(a, b, w))
    monkeypatch.setattr(_blocked_matmul, "_tune", lambda a, b: 64)
    got = _blocked_matmul.one_thread_matmul(a, b)
    np.testing.assert_array_equal(got, np.matmul(a, b))
    assert _blocked_matmul._choices == {((64, 156), (156, 512), "f", ("C", "C")): 64}
    assert calls == [64]
    _blocked_matmul.one_thread_matmul(np.asfortranarray(a), b)  # another layout: tuned apart
    assert len(_blocked_matmul._choices) == 2


@pytest.mark.parametrize("case", ["narrow", "3-D", "ints", "mixed dtypes", "strided view",
                                  "big-endian"])
def test_one_thread_matmul_leaves_other_products_whole(monkeypatch, case):
    monkeypatch.setattr(_blocked_matmul, "_tune", lambda a, b: pytest.fail("tuned"))
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((16, 20)), rng.standard_normal((20, 256))
    a, b = {"narrow": (a, b[:, :32]), "3-D": (a[None], b[None]),
            "ints": (a.astype(np.int64), b.astype(np.int64)), "mixed dtypes": (a.astype(np.float32), b),
            "strided view": (a[:, ::2], b[::2]),
            "big-endian": (a.astype(">f8"), b.astype(">f8"))}[case]
    np.testing.assert_array_equal(_blocked_matmul.one_thread_matmul(a, b), np.matmul(a, b))
    assert _blocked_matmul._choices == {}


@needs_cblas
def test_matmul_kernel_blocks_its_products_inside_a_single_threaded_block(monkeypatch):
    opdef = REGISTRY["MatMul"]
    kernel = opdef.cpu_kernel(Node(opdef, "MatMul", {}, (), (), (), ()))
    monkeypatch.setattr(_blocked_matmul, "_tune", lambda a, b: 64)
    a, b = _operands(np.float32, m=64, k=156, n=512)  # 5.1M multiply-adds: threaded outside
    with _cpu_workers.single_threaded_blas():  # an LSTM loop's half: one thread, blocked
        got = kernel(a, b)
    assert list(_blocked_matmul._choices.values()) == [64]
    np.testing.assert_array_equal(got, np.matmul(a, b))
