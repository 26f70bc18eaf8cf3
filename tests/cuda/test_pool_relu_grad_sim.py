"""Runs tests/cuda/pool_relu_grad_checks.py (the fused max-pool + ReLU gradient on the CUDA
backend) in a child process under numba's CUDA simulator, which must be switched on before numba
is imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_fused_pool_relu_gradient_on_the_simulated_device(tmp_path):
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1", "GF_CACHE_DIR": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-rA",
                          "tests/cuda/pool_relu_grad_checks.py"], env=env, capture_output=True,
                         text=True, cwd=str(ROOT), timeout=600)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert "PASSED" in run.stdout and "SKIPPED" not in run.stdout
