"""Backends turn an unbound ExecutionPlan into a runnable one (`Backend.bind`, base.py):
`reference` (numpy references, the oracle), `cpu` (numba / tuned numpy kernels, the default
without a GPU) and `cuda` (numba-CUDA, cuda_backend.py). This module is the one place that maps
backend names to implementations.
"""

from __future__ import annotations

import functools
import importlib

from .base import Backend

#: Backend name -> "module:class", imported on first use (so `cuda` imports nothing of
#: numba-CUDA until a session asks for it).
BACKENDS: dict[str, str] = {
    "reference": "graphflow.backends.reference:ReferenceBackend",
    "cpu": "graphflow.backends.cpu:CpuBackend",
    "cuda": "graphflow.backends.cuda_backend:CudaBackend",
}


@functools.cache
def get_backend(name: str) -> Backend:
    """The backend called `name` (one shared instance: backends keep no per-session state).

    Raises:
        ValueError: for a name that is not in BACKENDS.
    """
    try:
        module, cls = BACKENDS[name].split(":")
    except KeyError:
        raise ValueError(
            f"Unknown graphflow backend {name!r}; choose one of {', '.join(BACKENDS)}") from None
    return getattr(importlib.import_module(module), cls)()


__all__ = ["BACKENDS", "Backend", "get_backend"]
