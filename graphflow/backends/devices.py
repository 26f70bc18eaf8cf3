"""Device discovery and placement: which backend a session uses.

The GPU check looks for the NVIDIA driver library first and only then imports numba.cuda, so a
machine without a GPU never pays for (or depends on) numba-cuda.
"""

from __future__ import annotations

import ctypes.util
import functools
from typing import Any


@functools.lru_cache(maxsize=1)
def gpu_available() -> bool:
    """True when an NVIDIA driver is present and numba-cuda sees a usable GPU."""
    if ctypes.util.find_library("cuda") is None:
        return False
    try:
        from numba import cuda
    except ImportError:
        return False
    try:
        return bool(cuda.is_available())
    except Exception:  # noqa: BLE001 - any driver failure means "no usable GPU"
        return False


def default_backend(config: Any = None) -> str:
    """"cuda" when a GPU is present and not disabled by `device_count={"GPU": 0}`, else "cpu"."""
    if config is not None and getattr(config, "device_count", {}).get("GPU", 1) == 0:
        return "cpu"
    return "cuda" if gpu_available() else "cpu"


def list_devices() -> list[str]:
    """Device names as TF1 prints them."""
    devices = ["/job:localhost/replica:0/task:0/device:CPU:0"]
    if gpu_available():
        devices.append("/job:localhost/replica:0/task:0/device:GPU:0")
    return devices
