"""`tf.nn.embedding_lookup`: rows of an embedding table, which may be split into partitions.

A single table is a gather. A list of partitions follows TF1's two strategies: "div" gives
each partition a contiguous block of ids (so the partitions concatenated in order are the
whole table), "mod" sends id i to partition i % n at row i // n (so the row in the
concatenation is that partition's offset plus i // n). Gradients flow through gather and
concat, so only the looked-up rows of each partition change in training.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from graphflow.framework import dtypes
from graphflow.framework.constant import constant, convert_to_tensor
from graphflow.framework.tensor import Tensor

from . import math as gmath
from ._build import op_scope
from .array import identity
from .clip import clip_by_norm
from .indexing import concat, gather


def embedding_lookup(params: Any, ids: Any, partition_strategy: str = "mod", name: str | None = None,
                     validate_indices: bool = True, max_norm: Any = None) -> Tensor:
    """The rows of `params` at `ids`: the result has shape ids.shape + params.shape[1:].

    Args:
        params: the embedding table (a tensor or Variable), or a list of partitions of it that
            agree on every dimension but the first.
        ids: int32/int64 ids, any shape.
        partition_strategy: "mod" or "div", how ids map to partitions (TF1's meaning).
        name: the op's name scope (default "embedding_lookup").
        validate_indices: ignored, as in TF1.
        max_norm: when given, each looked-up row whose L2 norm exceeds it is scaled down to it.

    Returns:
        The gathered rows.

    Raises:
        ValueError: for an empty list of params, an unknown partition strategy, or "mod"
            partitions whose first dimension is not known when the graph is built.
    """
    del validate_indices
    partitions = list(params) if isinstance(params, Sequence) and not isinstance(params, str) \
        else [params]
    if not partitions:
        raise ValueError("embedding_lookup needs at least one params tensor, got an empty list")
    if partition_strategy not in ("mod", "div"):
        raise ValueError(f"embedding_lookup: partition_strategy must be 'mod' or 'div', "
                         f"got {partition_strategy!r}")
    with op_scope(partitions + [ids], name, "embedding_lookup") as scope:
        partitions = [convert_to_tensor(p) for p in partitions]
        ids = convert_to_tensor(ids)
        if ids.dtype not in (dtypes.int32, dtypes.int64):
            raise TypeError(f"embedding_lookup: ids must be int32 or int64, got {ids.dtype.name}")
        if len(partitions) == 1:
            rows = gather(partitions[0], ids, name=scope)
        else:
            table = concat(partitions, 0)
            rows = gather(table, ids if partition_strategy == "div" else _mod_rows(partitions, ids))
        if max_norm is not None:
            rows = clip_by_norm(rows, max_norm, axes=list(range(ids.shape.ndims or 0, rows.shape.ndims)))
        return identity(rows)


def _mod_rows(partitions: list[Tensor], ids: Tensor) -> Tensor:
    """Row of each id in the concatenated partitions under the "mod" strategy."""
    sizes = [p.shape[0] if p.shape.ndims else None for p in partitions]
    sizes = [getattr(size, "value", size) for size in sizes]
    if any(size is None for size in sizes):
        raise ValueError(f"embedding_lookup with partition_strategy='mod' needs the first dimension of "
                         f"every partition known when the graph is built, got {sizes}")
    offsets = constant(np.concatenate([[0], np.cumsum(sizes)[:-1]]), ids.dtype)
    count = len(partitions)
    return gmath.add(gather(offsets, gmath.floormod(ids, count)), gmath.floordiv(ids, count))
