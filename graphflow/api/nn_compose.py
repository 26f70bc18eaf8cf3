"""`tf.nn` functions TF1 builds from other ops: `xw_plus_b`, `relu_layer`, `crelu`,
`conv1d` (a 2-D convolution over a height of 1) and `embedding_lookup` (sharded parameters
included)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from graphflow.framework.constant import constant, convert_to_tensor
from graphflow.framework.tensor import Tensor

from . import math as gmath
from ._build import op_scope
from .activations import relu
from .array import identity
from .clip import clip_by_norm
from .indexing import concat, expand_dims, gather, squeeze
from .nn_conv import bias_add, conv2d


def xw_plus_b(x: Any, weights: Any, biases: Any, name: str | None = None) -> Tensor:
    """matmul(x, weights) + biases, for a 2-D x and 1-D biases."""
    with op_scope([x, weights, biases], name, "xw_plus_b") as scope:
        return bias_add(gmath.matmul(x, weights), biases, name=scope)


def relu_layer(x: Any, weights: Any, biases: Any, name: str | None = None) -> Tensor:
    """relu(matmul(x, weights) + biases)."""
    with op_scope([x, weights, biases], name, "relu_layer") as scope:
        return relu(bias_add(gmath.matmul(x, weights), biases), name=scope)


def crelu(features: Any, name: str | None = None, axis: int = -1) -> Tensor:
    """Concatenated ReLU: relu of [features, -features] joined along `axis` (twice the
    depth)."""
    with op_scope([features], name, "CRelu") as scope:
        features = convert_to_tensor(features)
        return relu(concat([features, gmath.negative(features)], axis, name=scope))


def _one_dim(value: Any, what: str) -> int:
    values = [value] if isinstance(value, int) else [int(v) for v in value]
    if len(values) == 3:  # the full [1, s, 1] form
        values = values[1:2]
    if len(values) != 1:
        raise ValueError(f"conv1d: {what} must be an int or a list of 1 or 3 ints, got "
                         f"{value!r}")
    return values[0]


def conv1d(value: Any = None, filters: Any = None, stride: Any = None, padding: Any = None,
           use_cudnn_on_gpu: Any = None, data_format: str | None = None,
           name: str | None = None, input: Any = None, dilations: Any = None  # noqa: A002
           ) -> Tensor:
    """1-D convolution of value [batch, width, in] ("NWC", or [batch, in, width] for "NCW")
    with filters [k, in, out], computed as TF1 does: a 2-D convolution over a height of 1.

    Returns:
        [batch, out_width, out] ([batch, out, out_width] for "NCW").

    Raises:
        ValueError: for another data format or a malformed stride or dilation.
    """
    value = value if value is not None else input
    if data_format in (None, "NWC", "NHWC"):
        fmt, spatial = "NHWC", 1
    elif data_format in ("NCW", "NCHW"):
        fmt, spatial = "NCHW", 2
    else:
        raise ValueError(f"conv1d: data_format must be 'NWC' or 'NCW', got {data_format!r}")
    step = _one_dim(stride if stride is not None else 1, "stride")
    dilation = _one_dim(dilations if dilations is not None else 1, "dilations")
    with op_scope([value, filters], name, "conv1d"):
        images = expand_dims(value, spatial)
        kernel = expand_dims(filters, 0)
        result = conv2d(images, kernel, [1, step], padding, data_format=fmt,
                        dilations=[1, dilation])
        return squeeze(result, [spatial])


def embedding_lookup(params: Any, ids: Any, partition_strategy: str = "mod",
                     name: str | None = None, validate_indices: bool = True,
                     max_norm: Any = None) -> Tensor:
    """The rows of `params` at `ids` (output shape ids.shape + params.shape[1:]).

    `params` may be one tensor or a list of shards of one table: with "mod", id i lives in
    shard i % n at row i // n; with "div", the shards hold consecutive ranges of ids (the
    first ones one row longer when the rows do not divide evenly), as TF1.

    Args:
        params: a tensor, a Variable, or a list of them sharing all but the first dimension.
        ids: int32/int64 indices.
        partition_strategy: "mod" or "div" (only matters for several shards).
        name: the op name scope.
        validate_indices: ignored (out-of-range ids fail at run time), as TF.
        max_norm: if given, each looked-up embedding is rescaled to an L2 norm of at most
            this value.

    Returns:
        The gathered embeddings.

    Raises:
        ValueError: for an empty list, an unknown strategy, or shards of unknown length.
    """
    shards = list(params) if isinstance(params, (list, tuple)) else [params]
    if not shards:
        raise ValueError("embedding_lookup: need at least one param")
    if partition_strategy not in ("mod", "div"):
        raise ValueError(f"embedding_lookup: unrecognized partition_strategy "
                         f"{partition_strategy!r}")
    with op_scope([*shards, ids], name, "embedding_lookup"):
        ids = convert_to_tensor(ids)
        tensors = [convert_to_tensor(p) for p in shards]
        if len(tensors) == 1:
            table, rows = tensors[0], ids
        else:
            table, rows = concat(tensors, 0), _global_rows(tensors, ids, partition_strategy)
        result = gather(table, rows)
        if max_norm is not None:
            result = _clip_rows(result, ids, max_norm)
        return identity(result)


def _global_rows(shards: Sequence[Tensor], ids: Tensor, strategy: str) -> Tensor:
    """The row of each id in the concatenation of the shards."""
    sizes = [t.shape.dims[0] if t.shape.ndims else None for t in shards]
    if any(s is None for s in sizes):
        raise ValueError(f"embedding_lookup: every shard needs a known first dimension, got "
                         f"{[str(t.shape) for t in shards]}")
    if strategy == "div":  # consecutive ranges: the concatenation is the table itself
        return ids
    count = len(shards)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(ids.dtype.as_numpy_dtype)
    shard = gmath.floormod(ids, count)
    return gather(constant(starts), shard) + gmath.floordiv(ids, count)


def _clip_rows(embeddings: Tensor, ids: Tensor, max_norm: Any) -> Tensor:
    ids_rank, rank = ids.shape.ndims, embeddings.shape.ndims
    if ids_rank is None or rank is None:
        raise ValueError("embedding_lookup: max_norm needs ids and params of known rank")
    return clip_by_norm(embeddings, max_norm, axes=list(range(ids_rank, rank)))
