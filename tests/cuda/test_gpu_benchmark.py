"""benchmarks/gpu.py: says so and exits 2 without a GPU; measures everything under the
simulator in --smoke mode (the numbers mean nothing there; the script's paths all run)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "gpu.py"


def _run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], env=env, capture_output=True,
                          text=True, cwd=str(SCRIPT.parent), timeout=300)


@pytest.mark.skipif(os.path.exists("/dev/nvidia0"), reason="this machine has a GPU")
def test_exits_with_a_message_without_a_gpu():
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_ENABLE_CUDASIM"}
    run = _run(env)
    assert run.returncode == 2
    assert "no CUDA GPU here" in run.stderr and run.stdout == ""


def test_smoke_run_on_the_simulator_prints_every_figure(tmp_path):
    run = _run({**os.environ, "NUMBA_ENABLE_CUDASIM": "1", "GF_CACHE_DIR": str(tmp_path)},
               "--smoke")
    assert run.returncode == 0, run.stderr[-3000:]
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    assert figures["smoke"] is True
    for key in ("copy_gb_s", "elementwise_gb_s", "elementwise_vs_copy", "gemm_tflops",
                "run_overhead_us", "mlp_step_ms"):
        assert figures[key] >= 0, key
    assert figures["run_overhead_us"] > 0 and figures["mlp_step_ms"] > 0
    assert figures["steady_state_driver_allocations"] is None  # the simulator has no pool
