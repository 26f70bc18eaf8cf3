"""Fixtures of the CPU kernel tests."""

from __future__ import annotations

import pytest

from graphflow.ops import _conv_cpu, _cpu_workers


@pytest.fixture(params=["default", "split"])
def kernel_split(request, monkeypatch):
    """The default policy (these small cases run on one thread, whole), and every case split over
    the workers with one image per product (several chunks on every worker)."""
    if request.param == "split":
        monkeypatch.setattr(_conv_cpu, "CHUNK_BYTES", 256)
        monkeypatch.setattr(_cpu_workers, "MIN_SPLIT_WORK", 0)
