"""The timing loop the benchmark scripts share (imported as a sibling module: each script's
folder is on sys.path when it runs)."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np


def median_seconds(fn: Callable[[], object], repeats: int, warmups: int | None = None) -> float:
    """The median wall time of `repeats` calls of `fn`, after `warmups` untimed calls that pay
    for compilation and fill caches.

    Args:
        fn: the work to time.
        repeats: how many timed calls.
        warmups: untimed calls first; by default max(3, repeats // 20).

    Returns:
        Seconds.
    """
    for _ in range(max(3, repeats // 20) if warmups is None else warmups):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))
