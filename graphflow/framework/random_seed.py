"""TF1 seed semantics (`tf.set_random_seed`), with one deliberate fix.

Each random op uses a pair (graph seed, op seed):
  * neither set: nondeterministic (a fresh seed per session);
  * graph seed only: the op seed is derived from the op's *name* (TF1 used the count of ops
    created so far, so adding an unrelated op changed every later random value);
  * op seed only: the graph seed is DEFAULT_GRAPH_SEED, as TF1;
  * both: both are used.
"""

from __future__ import annotations

import zlib

from .graph import get_default_graph

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1


def set_random_seed(seed: int | None) -> None:
    """Sets the graph-level seed of the default graph (affects ops created afterwards)."""
    get_default_graph().seed = None if seed is None else int(seed)


def get_seed(op_seed: int | None) -> tuple[int | None, int | None]:
    """The (graph seed, op seed) pair to store on a new random op; op seed None means
    "derive it from the op name" when the graph seed is set, "nondeterministic" otherwise."""
    graph_seed = get_default_graph().seed
    if graph_seed is not None:
        return graph_seed % _MAXINT32, None if op_seed is None else int(op_seed) % _MAXINT32
    if op_seed is not None:
        return DEFAULT_GRAPH_SEED, int(op_seed) % _MAXINT32
    return None, None


def seed_for_op(seed: int | None, seed2: int | None, op_name: str) -> tuple[int, int] | None:
    """The concrete seed pair of a random op at session start; None = nondeterministic."""
    if seed is None:
        return None
    if seed2 is None:
        seed2 = zlib.crc32(op_name.encode()) % _MAXINT32
    return seed, seed2
