"""When OpenBLAS's idle worker threads spin, and when ending them is safe.

After each product it runs on several threads, OpenBLAS keeps its worker threads spinning (a
busy loop, no yield) for 2^28 clock ticks, about 0.1 s (measured: 105 ms of a core), before
they sleep; a worker it starts afresh spins as long before its first sleep. A spinning worker
takes a share of a core from whatever else runs there: two 7 ms loops on our two threads took
11-14 ms each for 0.1 s after a threaded product. That made inference right after training
slow: an LSTM's loop split over the two cores (ops.control_flow_batch_split) ran at 8-9 ms
instead of 4.3 while the worker spun, and each slow split paused splitting a little longer.

numpy's OpenBLAS exports `blas_thread_shutdown_`, which ends its workers at once; the CPU
backend uses it to park BLAS's pool before its own threads run side by side
(`_cpu_workers.park_spinning_blas`). Ending the workers takes them away from a product running
on another thread, which would then wait forever, so it is done only while the calling thread
and graphflow's own idle kernel workers are the process's only Python threads.
"""

from __future__ import annotations

import threading
import time

#: How long after a threaded product OpenBLAS's workers may still spin: 2^28 ticks of the
#: time-stamp counter is 0.08-0.13 s at 2-3.5 GHz; later they sleep and need no parking.
SPIN_WINDOW_S = 0.25

#: The name prefix of graphflow's kernel worker threads (ops._cpu_workers' pool): idle
#: whenever the thread that hands them work is elsewhere.
OWN_WORKER_PREFIX = "graphflow-conv"

_last_threaded_product = [-1e9]


def note_threaded_product() -> None:
    """Records that a product just ran on BLAS's threads (its workers now spin a while)."""
    _last_threaded_product[0] = time.monotonic()


def forget_threaded_products() -> None:
    """Records that BLAS's workers were ended (none spins any more)."""
    _last_threaded_product[0] = -1e9


def may_spin() -> bool:
    """Whether a product ran on BLAS's threads within SPIN_WINDOW_S."""
    return time.monotonic() - _last_threaded_product[0] <= SPIN_WINDOW_S


def only_this_thread_runs_python() -> bool:
    """Whether every other Python thread is one of graphflow's kernel workers (idle: the
    caller is the only thread that hands them work, and it is here)."""
    current = threading.current_thread()
    return all(thread is current or thread.name.startswith(OWN_WORKER_PREFIX)
               for thread in threading.enumerate())
