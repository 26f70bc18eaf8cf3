"""`tf.test`: what a program asks about GPUs (`tf.test.is_gpu_available()`, ...)."""

from __future__ import annotations

import importlib.util

from graphflow.backends.devices import gpu_available


def is_gpu_available(cuda_only: bool = False, min_cuda_compute_capability: tuple | None = None
                     ) -> bool:
    """True when an NVIDIA GPU is usable (and has at least the given compute capability)."""
    if not gpu_available():
        return False
    if min_cuda_compute_capability is None:
        return True
    from numba import cuda

    return tuple(cuda.get_current_device().compute_capability) >= \
        tuple(min_cuda_compute_capability)


def gpu_device_name() -> str:
    """'/device:GPU:0' when a GPU is usable, else ''."""
    return "/device:GPU:0" if gpu_available() else ""


def is_built_with_cuda() -> bool:
    """Whether the CUDA extra (numba-cuda) is installed: `pip install graphflow[cuda]`."""
    try:
        return importlib.util.find_spec("numba_cuda") is not None
    except (ImportError, ValueError):
        return False


# program scaffolding: TF1's test base class and runner
from graphflow.testcase import TestCase, get_temp_dir, main  # noqa: E402,F401
