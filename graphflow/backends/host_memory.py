"""The CPU backend's host-memory policy: memory a run frees stays with the process for the next.

A training step allocates the same large arrays on every run (activations and their gradients,
megabytes each). By default glibc's malloc serves blocks above its (adaptive) mmap threshold with
fresh mappings and hands memory freed at the heap's top back to the kernel once it passes the
trim threshold, so the next run touches every page again: one page fault and one zeroed page per
4 KiB. For the CNN benchmark that was about 2,500 faults and 4-5 ms of a 26 ms step.
TensorFlow's own allocator keeps freed memory for reuse; glibc does the same after two
`mallopt` calls: blocks up to 32 MiB (the largest threshold glibc accepts) come from the heap,
and freed memory stays mapped until 1 GiB of it is free at the top. The peak resident set
is what the largest run needs either way; between runs it stays at that peak instead of falling
back.

`GF_KEEP_FREED_MEMORY=0` leaves malloc's defaults alone. Other C libraries are left as they are.
"""

from __future__ import annotations

import ctypes
import functools
import os
import platform

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
#: glibc refuses mmap thresholds above HEAP_MAX_SIZE / 2, 32 MiB on 64-bit machines
MMAP_THRESHOLD_BYTES = 32 << 20
TRIM_THRESHOLD_BYTES = 1 << 30


@functools.cache
def keep_freed_memory() -> bool:
    """Sets glibc's malloc to keep freed memory for reuse (once per process).

    Returns:
        True when both settings took effect; False when `GF_KEEP_FREED_MEMORY=0`, on a C
        library other than glibc, or when glibc refused them.
    """
    if os.environ.get("GF_KEEP_FREED_MEMORY", "1") == "0" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    # mallopt returns 1 on success; the mmap threshold first: setting either one turns off
    # glibc's adaptive thresholds, and a trim threshold alone would leave blocks over 128 KiB
    # on fresh mappings
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))
