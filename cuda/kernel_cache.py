"""The compiled CUDA kernels of this process, each loaded once from its generated source."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

from graphflow.backends.generated import load_generated

_lock = threading.Lock()
_kernels: dict[Hashable, Any] = {}


def cached_kernel(key: Hashable, source: Callable[[], str], module: str) -> Any:
    """The numba-CUDA dispatcher `kernel` defined by `source()` (written and imported as a
    module named after `module`, see graphflow.backends.generated), loaded once per `key`.
    numba compiles it lazily, once per argument types."""
    with _lock:
        kernel = _kernels.get(key)
        if kernel is None:
            kernel = _kernels[key] = load_generated(source(), module).kernel
        return kernel
