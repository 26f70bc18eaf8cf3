"""Whether other processes hold this machine's cores, for the CPU kernels' threading choices.

OpenBLAS's worker threads spin and wait for each other inside every product: when another
process holds a core, a product's second thread often waits a whole scheduler slice (products of
0.2 ms took 4-37 ms, an MLP step 10-76 ms instead of 2, benchmarks/README.md). So the kernels
that would use BLAS's threads (MatMul above `_cpu_workers.MIN_THREADED_MATMUL_WORK`, 1x1
convolutions) ask `cores_taken_lately()` and run on one BLAS thread while it says yes. The
answer comes from the 1-minute load average less this process's own recent use of the cores,
confirmed by three looks at the threads runnable now, twice in a row; one answer serves
TAKEN_TTL_S seconds.
"""

from __future__ import annotations

import math
import os
import time
from typing import Any

from . import _cpu_workers

#: Runnable tasks of other processes (1-minute load average less this process's own recent
#: use of the cores) from which products leave BLAS's threads: one other process at
#: 100% of a core already made threaded products wait (10-76 ms steps, benchmarks/README.md).
OTHERS_BUSY = 0.75
_LOADAVG_WINDOW_S = 60.0  # the kernel's 1-minute load average decays with this time constant
_own: dict[str, float] = {"wall": -1.0, "cpu": 0.0, "load": 0.0}


def own_load() -> float:
    """This process's recent use of the cores (all its threads' CPU time per second), averaged
    as the kernel averages the load: what its own threads, BLAS's spinning ones included, add
    to the load average."""
    now, cpu = time.monotonic(), time.process_time()
    if _own["wall"] >= 0 and now > _own["wall"]:
        span = now - _own["wall"]
        keep = math.exp(-span / _LOADAVG_WINDOW_S)
        used = min(float(_cpu_workers.WORKERS), max(0.0, (cpu - _own["cpu"]) / span))
        _own["load"] = _own["load"] * keep + used * (1.0 - keep)
    _own["wall"], _own["cpu"] = now, cpu
    return _own["load"]


def others_running() -> int | None:
    """How many threads of other processes are runnable now (`/proc/loadavg`'s count less this
    process's threads in state R); None where /proc does not tell."""
    try:
        with open("/proc/loadavg") as f:
            running = int(f.read().split()[3].split("/")[0])
        tasks = os.listdir("/proc/self/task")
    except (OSError, ValueError, IndexError):
        return None
    own = 0
    for tid in tasks:
        try:
            with open(f"/proc/self/task/{tid}/stat") as f:
                stat = f.read()
        except OSError:  # the thread ended meanwhile
            continue
        own += stat[stat.rindex(")") + 2: stat.rindex(")") + 3] == "R"
    return running - own


#: Looks at the runnable threads per check, RUNNABLE_SAMPLE_GAP_S apart: all must show another
#: process's thread. One look also counted moments: a kernel worker, or this process's own
#: OpenBLAS thread going to sleep between the count of /proc/loadavg and the read of its state.
#: In a short process the load average still holds the previous process's use (its own share
#: grows only over a minute), so such a moment, seen twice, made quiet benchmark runs
#: single-threaded (MLP step 2.5-2.9 ms against 1.1, separable 9.1 against 6.8).
RUNNABLE_SAMPLES = 3
RUNNABLE_SAMPLE_GAP_S = 0.0005


def cores_taken() -> bool:
    """Whether other processes hold the cores: the 1-minute load average less `own_load` is at
    least OTHERS_BUSY, and some other process's thread is runnable right now (a load left by a
    process that just ended, a TensorFlow run before a graphflow one, does not count). Then
    OpenBLAS's worker threads, which spin and wait for each other in every product, often wait a
    whole scheduler slice instead (products of 0.2 ms took 4-37 ms, benchmarks/README.md). This
    process's own threads do not count: a benchmark alone on the machine keeps BLAS's threads."""
    try:
        load = os.getloadavg()[0]
    except OSError:  # pragma: no cover - no load average on this system
        return False
    if load - own_load() < OTHERS_BUSY:
        return False
    for sample in range(RUNNABLE_SAMPLES):  # a busy process stays runnable; a moment does not
        if sample:
            time.sleep(RUNNABLE_SAMPLE_GAP_S)
        now = others_running()
        if now is None:
            return True
        if now < 1:
            return False
    return True


#: How long one `cores_taken` answer serves (every large product asks it; the
#: check takes 5-50 us).
TAKEN_TTL_S = 0.5
_taken: dict[str, Any] = {"at": -1e9, "value": False, "last": False}


def cores_taken_lately() -> bool:
    """Whether `cores_taken` said yes at its last two askings (one asking per TAKEN_TTL_S): a
    runnable thread of another process seen once may be a kernel worker's moment while the load
    average still counts a process that just ended (a benchmark's previous run), which made a
    quiet machine's MLP step run single-threaded now and then (2.3 against 1.2 ms)."""
    now = time.monotonic()
    if now - _taken["at"] >= TAKEN_TTL_S:
        answer = cores_taken()
        _taken["value"], _taken["last"], _taken["at"] = answer and _taken["last"], answer, now
    return _taken["value"]
