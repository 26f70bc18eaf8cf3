"""Whether a session's stored arrays are held by anyone else, so that an update may overwrite
them (the fused optimizer updates, ops/training_ops.py).

TF1's ref variables are updated in place; graphflow guarantees more: an array read or fetched
earlier never changes. Both hold at once when nobody but the session's store holds the array:
no fetched value (fetches of stored arrays are copies anyway), no plan value still to be used,
no view (a view holds its base), no buffer export (memoryview, np.frombuffer hold the array
too), no other session. Python counts those holders: `sys.getrefcount` of an array that owns its
memory is exactly the store's reference plus the caller's own while no one else holds it.

The in-place kernels hold the GIL while they write (numba `nogil=False`), so no other Python
thread can take a reference between the count and the last store; a kernel of another thread
already running on the array holds a reference, and the count sees it. A Python without the
GIL (free-threaded builds) has no such lock: there nothing is written in place.

Writing in place saves the new arrays' cache misses: the MLP's 784x256 ApplyAdam 147 -> 119 us
and its 256x256 one 38 -> 29 us, right after the product that makes the gradient
(benchmarks/README.md, "MLP step").
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def _count(arrays: Sequence[Any], i: int) -> int:
    return sys.getrefcount(arrays[i])


def _calibrate() -> int:
    """The count of an array held only by a store (a dict) and a list, as `stored_only` sees
    it: measured rather than assumed, since interpreters differ in the references their own
    frames hold."""
    store = {"probe": np.empty(1)}
    arrays = [store["probe"]]
    return _count(arrays, 0)


#: `_count` of an array held by one store entry and the caller's list, nothing else.
ALONE = _calibrate()
#: Whether a kernel holding the GIL excludes every other thread (not on free-threaded Python).
GIL = getattr(sys, "_is_gil_enabled", lambda: True)()


def stored_only(arrays: Sequence[np.ndarray], store: Mapping[str, Any], names: Sequence[str]
                ) -> bool:
    """Whether every array of `arrays` (the values of `store[names[i]]`, in a list of the
    caller's) is a C-contiguous, writeable numpy array owning its memory that nothing but the
    store and that list refers to: one an update may overwrite unseen.

    Args:
        arrays: the stored arrays, just read from the store into a list the caller keeps.
        store: the session's variable store.
        names: each array's name in the store.

    Returns:
        True when every array may be written in place.
    """
    if not GIL:
        return False
    for i in range(len(arrays)):
        array = arrays[i]
        if (type(array) is not np.ndarray or array.base is not None
                or not array.flags.c_contiguous or not array.flags.writeable
                or store.get(names[i]) is not array):
            return False
        del array  # our own reference would count
        if _count(arrays, i) != ALONE:
            return False
    return True
