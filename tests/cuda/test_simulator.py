"""The CUDA backend, verified without a GPU, under numba's CUDA simulator (in child processes,
since the simulator must be switched on before numba is imported): every generated elementwise
kernel, the tiled matrix product, the reductions and the layout gather against numpy; the
op-conformance suite with sessions on the CUDA backend; training and checkpoints on it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from graphflow.compiler.fused_op import Program
from graphflow.cuda.elementwise import kernel_source, launch_config

ROOT = Path(__file__).resolve().parents[2]


def test_every_kernel_matches_numpy_under_the_simulator(tmp_path):
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1", "GF_CACHE_DIR": str(tmp_path)}
    # as a module from the root, so the checkout's graphflow is imported (not an installed one)
    run = subprocess.run([sys.executable, "-m", "tests.cuda.sim_kernels"],
                         env=env, capture_output=True, text=True, cwd=str(ROOT), timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 failed" in run.stdout


def _pytest_on_the_simulated_device(tmp_path, *args: str) -> None:
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1", "GF_BACKEND": "cuda",
           "GF_CACHE_DIR": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-rA", *args], env=env,
                         capture_output=True, text=True, cwd=str(ROOT), timeout=900)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert "PASSED" in run.stdout and "SKIPPED" not in run.stdout


def test_conformance_suite_on_the_cuda_backend(tmp_path):
    """The op-conformance suite's kernel checks with sessions on the CUDA backend: every op,
    every sample, float32 and float64, integer arguments fed and constant, against the numpy
    reference; every op must run on the device."""
    _pytest_on_the_simulated_device(tmp_path, "tests/ops/test_conformance.py", "-k",
                                    "kernel_matches_reference")


def test_sessions_on_the_cuda_backend(tmp_path):
    """Training, resident variables, Saver across backends, loads, feeds and errors
    (tests/cuda/device_session_checks.py) on the simulated device."""
    _pytest_on_the_simulated_device(tmp_path, "tests/cuda/device_session_checks.py")


def test_broadcasting_is_compiled_into_the_kernel():
    program = Program(steps=(("Add", (("in", 0), ("in", 1))), ("Mul", (("step", 0), ("in", 2)))),
                      outputs=(1,), shape=(2, 3, 4), in_shapes=((2, 3, 4), (3, 1), ()),
                      in_dtypes=("float32",) * 3, out_dtypes=("float32",))
    source = kernel_source(program)
    assert "x2 = a2[0]" in source  # the scalar is read once, before the loop
    assert "x1 = a1[((i // 4) % 3) * 1]" in source  # [3, 1] against [2, 3, 4]
    assert "for i in range(cuda.grid(1), 24, cuda.gridsize(1)):" in source


@pytest.mark.parametrize(("size", "expected"), [(1, (1, 1)), (300, (2, 256)),
                                                (10**9, (4096, 256))])
def test_launch_config(size, expected):
    assert launch_config(size) == expected


def test_reduction_geometry():
    from graphflow.cuda.reduce import geometry

    assert geometry((3, 4, 5), [1, 2]) == (3, 20, 1)
    assert geometry((3, 4, 5), [0]) == (1, 3, 20)
    assert geometry((3, 4, 5), [0, 2]) is None  # not adjacent: transpose first
