"""The repository layout: top-level ops/ and cuda/ are reachable only as graphflow.ops and
graphflow.cuda, and never shadow NVIDIA's `cuda` namespace (which numba-cuda imports)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_subpackages_are_mounted_from_the_repository_root():
    result = _run("import graphflow, graphflow.ops, graphflow.ops.registry as r; "
                  "print(len(r.REGISTRY) > 50, graphflow.ops.__name__)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "graphflow.ops"]


def test_top_level_ops_is_not_importable():
    result = _run("import ops")
    assert result.returncode != 0 and "graphflow.ops" in result.stderr


def test_nvidia_cuda_namespace_is_not_shadowed():
    result = _run("import graphflow, numba.cuda, cuda.bindings; print('ok')")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
