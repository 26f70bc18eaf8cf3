"""The CUDA backend as a Backend: its fusion policy and transfers here; its host fallbacks
(pinned, found when binding, found at run time: all in `plan.host_nodes`) on the simulated
device, in a child process (tests/backends/cuda_sim_checks.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

import graphflow as tf
from graphflow.backends import get_backend
from graphflow.compiler.ir import Node
from graphflow.framework.tensor_shape import TensorShape
from graphflow.ops.registry import REGISTRY, Spec

ROOT = Path(__file__).resolve().parents[2]


def _mul(host):
    spec = Spec(TensorShape([2]), tf.float32)
    return Node(REGISTRY["Mul"], "mul", {}, (), (), [spec, spec], [spec], host=host)


def test_fusion_policy_keeps_host_nodes_apart_and_fuses_any_pair():
    cuda = get_backend("cuda")
    assert cuda.fusable(_mul(False)) and not cuda.fusable(_mul(True))
    assert not cuda.worth_fusing([_mul(False)]) and cuda.worth_fusing([_mul(False)] * 2)
    assert cuda.moves_values


def test_downloads_of_host_memory_values_are_copies():
    value = np.arange(3)
    fetched = get_backend("cuda").download(value)
    assert fetched is not value and np.array_equal(fetched, value)


def test_host_fallbacks_reach_the_plan_on_the_simulated_device(tmp_path):
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1", "GF_BACKEND": "cuda",
           "GF_CACHE_DIR": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-rA", "-p", "no:cacheprovider",
                          "tests/backends/cuda_sim_checks.py"], env=env, capture_output=True,
                         text=True, cwd=str(ROOT), timeout=600)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert run.stdout.count("PASSED") == 3 and "SKIPPED" not in run.stdout
