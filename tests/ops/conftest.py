"""Fixtures of the CPU kernel tests."""

from __future__ import annotations

import pytest

from graphflow.ops import _conv_cpu, _cpu_workers, _fft_conv


@pytest.fixture(params=["default", "split", "transforms"])
def kernel_split(request, monkeypatch):
    """The default policy (these small cases run on one thread, whole), every case split over
    the workers with one image per product (several chunks on every worker; 1x1 products on
    BLAS's own threads), and every stride-1 convolution run by transforms (`_fft_conv`), its
    stages split over the workers."""
    if request.param in ("split", "transforms"):
        monkeypatch.setattr(_conv_cpu, "CHUNK_BYTES", 256)
        monkeypatch.setattr(_cpu_workers, "MIN_SPLIT_WORK", 0)
        monkeypatch.setattr(_cpu_workers, "MIN_THREADED_MATMUL_WORK", 0)
        monkeypatch.setattr(_conv_cpu, "cores_taken_lately", lambda: False)
    if request.param == "transforms":
        monkeypatch.setattr(_fft_conv, "MIN_SAVING", 0.0)
