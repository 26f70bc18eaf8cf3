"""The CPU backend's malloc policy: a large array freed by one run is reused by the next."""

import os
import platform
import subprocess
import sys
import textwrap

import pytest

_PROBE = textwrap.dedent("""
    import resource, sys
    import numpy as np
    from graphflow.backends import get_backend
    get_backend("cpu")
    from graphflow.backends.host_memory import keep_freed_memory
    n = 8 << 20  # 8 MiB: above glibc's default mmap threshold, below the one set

    def step():  # a run's pattern: several large arrays alive at once, then all freed
        arrays = [np.ones(n, np.uint8) for _ in range(4)]
        del arrays

    step()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(5):
        step()
    print(keep_freed_memory(), resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
""")


def _probe(**env) -> tuple[str, int]:
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True,
                         env={**os.environ, **env}).stdout.split()
    return out[0], int(out[1])


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the policy is glibc's mallopt")
def test_freed_blocks_are_reused_without_page_faults():
    applied, faults = _probe()
    assert applied == "True"
    # under malloc's defaults the 32 MiB freed at the heap's top is trimmed after each step:
    # 5 x 4 x 2,048 fresh pages
    assert faults < 400


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the policy is glibc's mallopt")
def test_opt_out_leaves_malloc_alone():
    applied, faults = _probe(GF_KEEP_FREED_MEMORY="0")
    assert applied == "False"
    assert faults > 10_000  # the cost the policy removes
