"""Runs tests/cuda/sampled_loss_checks.py (candidate samplers on the host of a device session,
nce / sampled-softmax training equal to the CPU's) under numba's CUDA simulator."""

from __future__ import annotations

from tests.cuda.test_simulator import _pytest_on_the_simulated_device


def test_sampled_losses_on_the_simulated_device(tmp_path):
    _pytest_on_the_simulated_device(tmp_path, "tests/cuda/sampled_loss_checks.py")
