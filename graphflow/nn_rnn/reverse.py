"""`tf.reverse_sequence`: reverses the first `seq_lengths[b]` steps of each batch entry `b`
(the rest stay in place), as bidirectional RNNs need. A composite of `gather_nd`, so its
gradient is the scatter of `gather_nd`'s."""

from __future__ import annotations

from typing import Any

from graphflow.api import array as garray
from graphflow.api import math as gmath
from graphflow.api.indexing import expand_dims, gather_nd, stack, transpose
from graphflow.api.indexing import range as grange
from graphflow.framework import dtypes
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.graph import get_default_graph


def reverse_sequence(input: Any, seq_lengths: Any, seq_axis: int | None = None,  # noqa: A002
                     batch_axis: int | None = None, name: str | None = None,
                     seq_dim: int | None = None, batch_dim: int | None = None) -> Any:
    """Reverses variable-length slices along `seq_axis`, one length per `batch_axis` entry.

    Args:
        input: a tensor of rank >= 2.
        seq_lengths: int vector `[batch]`, each at most the `seq_axis` size.
        seq_axis, batch_axis: the time and batch dimensions (TF1's older names `seq_dim`,
            `batch_dim` are accepted); `batch_axis` defaults to 0.
        name: the op name scope.

    Returns:
        A tensor like `input`.

    Raises:
        ValueError: for equal axes, a missing `seq_axis`, or an input of unknown rank.
    """
    seq_axis = seq_dim if seq_axis is None else seq_axis
    batch_axis = (batch_dim if batch_dim is not None else 0) if batch_axis is None else batch_axis
    if seq_axis is None:
        raise ValueError("reverse_sequence needs seq_axis")
    with get_default_graph().name_scope(name or "ReverseSequence"):
        value = convert_to_tensor(input)
        rank = value.shape.ndims
        if rank is None or rank < 2:
            raise ValueError(f"reverse_sequence needs an input of known rank >= 2, saw shape "
                             f"{value.shape} ({value.name})")
        seq_axis, batch_axis = seq_axis % rank, batch_axis % rank
        if seq_axis == batch_axis:
            raise ValueError(f"seq_axis == batch_axis == {seq_axis} in reverse_sequence")
        rest = [d for d in range(rank) if d not in (seq_axis, batch_axis)]
        perm = [seq_axis, batch_axis] + rest
        time_major = value if perm == list(range(rank)) else transpose(value, perm)
        lengths = gmath.cast(convert_to_tensor(seq_lengths), dtypes.int32)
        steps = garray.shape(time_major)[0]
        batch = garray.shape(time_major)[1]
        t = expand_dims(grange(steps), 1)
        limit = expand_dims(lengths, 0)
        source = gmath.where_v2(gmath.less(t, limit), gmath.subtract(gmath.subtract(limit, 1), t),
                                gmath.add(t, gmath.multiply(limit, 0)))
        rows = gmath.add(expand_dims(grange(batch), 0), gmath.multiply(source, 0))
        gathered = gather_nd(time_major, stack([source, rows], axis=-1))
        if perm != list(range(rank)):
            inverse = [perm.index(d) for d in range(rank)]
            gathered = transpose(gathered, inverse)
        gathered.set_shape(value.get_shape())
        return gathered
