"""Device memory for the CUDA backend: moving values between host and device, and allocating.

Plans keep every numeric value on the device as a numba device array of its full shape (always
C-contiguous, so `flat` is a view, never a copy). Strings and other host-only values (TF1 keeps
them in host memory too) stay numpy arrays; `to_device` and `to_host` pass through what is
already where it should be.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: dtype kinds that live on the device (bool, ints, unsigned ints, floats).
DEVICE_KINDS = "biuf"


def is_device(value: Any) -> bool:
    """True for a numba device array (real or simulated)."""
    return hasattr(value, "copy_to_host")


def to_device(value: Any) -> Any:
    """A device copy of a numeric host value; device arrays and host-only values unchanged."""
    if is_device(value):
        return value
    array = np.asarray(value)
    if array.dtype.kind not in DEVICE_KINDS:
        return array
    from numba import cuda

    # (not np.ascontiguousarray: it turns a 0-d array into a 1-d one)
    return cuda.to_device(array if array.flags.c_contiguous else array.copy(order="C"))


def to_host(value: Any) -> Any:
    """A host (numpy) copy of a device array; host values unchanged."""
    return value.copy_to_host() if is_device(value) else value


def empty(shape: tuple[int, ...], dtype: Any) -> Any:
    """An uninitialized device array."""
    from numba import cuda

    return cuda.device_array(tuple(shape), np.dtype(dtype))


def flat(array: Any) -> Any:
    """The 1-D view of a contiguous device array (a 0-d array becomes one element)."""
    return array.reshape(-1)


def install_pool() -> bool:
    """Makes numba allocate device memory through graphflow's caching pool (`memory_pool`) when
    a CUDA context is created from now on; False when disabled (GF_CUDA_POOL=0) or under the
    simulator."""
    import os

    from numba import config

    if config.ENABLE_CUDASIM or os.environ.get("GF_CUDA_POOL", "1") == "0":
        return False
    from numba import cuda

    from .memory_pool import PoolingMemoryManager

    cuda.set_memory_manager(PoolingMemoryManager)
    return True


def pool_in_use() -> Any:
    """The caching pool of the current CUDA context, or None (not installed, or simulator)."""
    from numba import config

    if config.ENABLE_CUDASIM:
        return None
    from numba import cuda

    from .memory_pool import PoolingMemoryManager

    manager = cuda.current_context().memory_manager
    return manager if isinstance(manager, PoolingMemoryManager) else None


def static_shape(spec: Any) -> tuple[int, ...] | None:
    """The concrete shape of a plan value's Spec, or None when some dimension is unknown."""
    dims = spec.dims
    if dims is None or any(d is None for d in dims):
        return None
    return tuple(int(d) for d in dims)
