"""`tf.summary.scalar/histogram/image/text/merge/merge_all`: build the summary ops of
ops/summary.py under TF1's naming (the tag is the op's name scope, cleaned of illegal
characters with TF1's warning) and add them to `tf.GraphKeys.SUMMARIES`."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from graphflow.api._build import graph_of, out
from graphflow.framework import dtypes
from graphflow.framework.constant import constant, convert_to_tensor
from graphflow.framework.graph import GraphKeys, get_default_graph
from graphflow.framework.tensor import Tensor

_log = logging.getLogger("graphflow")
_ILLEGAL = re.compile(r"[^-/\w\.]")


def clean_tag(name: str) -> str:
    """`name` with characters other than letters, digits, "_-/." replaced by "_" and leading
    slashes removed, logging TF1's warning when it changes."""
    if not name:
        return name
    new = _ILLEGAL.sub("_", name).lstrip("/")
    if new != name:
        _log.warning("Summary name %s is illegal; using %s instead.", name, new)
    return new


@contextlib.contextmanager
def _summary_scope(name: str, family: str | None, values: Sequence[Any]) -> Iterator[tuple[str, str]]:
    """Yields (tag, exact op name) as TF1's summary_scope: the tag is the name scope made for
    the summary (with `family/` prefixed when given)."""
    name = clean_tag(name)
    family = clean_tag(family) if family else None
    with graph_of(*values).name_scope(f"{family}/{name}" if family else name) as scope:
        # TF1 prefixes the family again so that the summary shows in the family's tab
        yield (f"{family}/{scope.rstrip('/')}" if family else scope.rstrip("/")), scope


def _collect(op: Tensor, collections: Sequence[str] | None) -> Tensor:
    for key in ([GraphKeys.SUMMARIES] if collections is None else collections):
        op.graph.add_to_collection(key, op)
    return op


def _tag_const(tag: str) -> Tensor:
    return constant(tag, dtype=dtypes.string, name="tag")


def scalar(name: str, tensor: Any, collections: Sequence[str] | None = None,
           family: str | None = None) -> Tensor:
    """A summary of one real scalar value.

    Args:
        name: the summary's name (its tag, within the current name scope).
        tensor: a real numeric scalar tensor.
        collections: graph collections to add it to (default `[GraphKeys.SUMMARIES]`).
        family: an optional prefix shown as the tab name in TensorBoard.

    Returns:
        A string scalar tensor holding a serialized Summary.

    Raises:
        TypeError: for a non-numeric tensor.
        InvalidArgumentError (when run): for a tensor that is not a scalar (TF1).
    """
    tensor = convert_to_tensor(tensor)
    with _summary_scope(name, family, [tensor]) as (tag, scope):
        return _collect(out("ScalarSummary", [_tag_const(tag), tensor], name=scope), collections)


def histogram(name: str, values: Any, collections: Sequence[str] | None = None,
              family: str | None = None) -> Tensor:
    """A histogram summary of all elements of `values` in TF1's default buckets.

    Returns:
        A string scalar tensor holding a serialized Summary.

    Raises:
        InvalidArgumentError (when run): for NaN or Inf values.
    """
    values = convert_to_tensor(values)
    with _summary_scope(name, family, [values]) as (tag, scope):
        return _collect(out("HistogramSummary", [_tag_const(tag), values], name=scope), collections)


def image(name: str, tensor: Any, max_outputs: int = 3, collections: Sequence[str] | None = None,
          family: str | None = None) -> Tensor:
    """PNG images of a [batch, height, width, channels] tensor (channels 1, 3 or 4): uint8
    as is, floats rescaled as TF1 does. At most `max_outputs` images are kept.

    Returns:
        A string scalar tensor holding a serialized Summary.

    Raises:
        ValueError: for a tensor that is not 4-D with 1, 3 or 4 channels.
    """
    tensor = convert_to_tensor(tensor)
    with _summary_scope(name, family, [tensor]) as (tag, scope):
        return _collect(out("ImageSummary", [_tag_const(tag), tensor], {"max_images": int(max_outputs)},
                            name=scope), collections)


def audio(name: str, tensor: Any, sample_rate: Any, max_outputs: int = 3,
          collections: Sequence[str] | None = None, family: str | None = None) -> Tensor:
    """16-bit WAV clips of a float [batch, frames] or [batch, frames, channels] tensor with
    values in [-1, 1], at `sample_rate` Hz; at most `max_outputs` clips are kept.

    Returns:
        A string scalar tensor holding a serialized Summary.

    Raises:
        ValueError: for a tensor that is not 2-D or 3-D.
        InvalidArgumentError (when run): for a sample rate <= 0.
    """
    tensor = convert_to_tensor(tensor)
    with _summary_scope(name, family, [tensor]) as (tag, scope):
        rate = convert_to_tensor(sample_rate, dtype=dtypes.float32, name="sample_rate")
        return _collect(out("AudioSummaryV2", [_tag_const(tag), tensor, rate],
                            {"max_outputs": int(max_outputs)}, name=scope), collections)


def tensor_summary(name: str, tensor: Any, summary_description: str | None = None,
                   collections: Sequence[str] | None = None, summary_metadata: Any = None,
                   family: str | None = None, display_name: str | None = None) -> Tensor:
    """A summary holding the whole `tensor` (any dtype) as a TensorProto.

    Args:
        name: the summary's name.
        tensor: the tensor to record.
        summary_description: set as the metadata's summary_description.
        collections: graph collections to add it to (default `[GraphKeys.SUMMARIES]`).
        summary_metadata: a SummaryMetadata proto (e.g. naming a TensorBoard plugin).
        family: an optional tag prefix.
        display_name: set as the metadata's display_name.

    Returns:
        A string scalar tensor holding a serialized Summary.

    Raises:
        ImportError: when tensorboard is not installed (the metadata is a proto).
    """
    from .protos import protos

    meta = protos().summary_pb2.SummaryMetadata()
    if summary_metadata is not None:
        meta.CopyFrom(summary_metadata)
    if summary_description is not None:
        meta.summary_description = summary_description
    if display_name is not None:
        meta.display_name = display_name
    tensor = convert_to_tensor(tensor)
    with _summary_scope(name, family, [tensor]) as (tag, scope):
        serialized = constant(meta.SerializeToString(), dtype=dtypes.string, name="summary_metadata")
        return _collect(out("TensorSummaryV2", [_tag_const(tag), tensor, serialized], name=scope),
                        collections)


def text(name: str, tensor: Any, collections: Sequence[str] | None = None) -> Tensor:
    """A text summary (TensorBoard's text plugin) of a string tensor.

    Returns:
        A string scalar tensor holding a serialized Summary.

    Raises:
        ValueError: for a tensor that is not a string tensor (TF1's message).
    """
    tensor = convert_to_tensor(tensor, preferred_dtype=dtypes.string)
    if tensor.dtype != dtypes.string:
        raise ValueError(f"Expected tensor {tensor.name} to have dtype string, got {tensor.dtype.name}")
    from .protos import protos

    pb = protos().summary_pb2
    meta = pb.SummaryMetadata(plugin_data=pb.SummaryMetadata.PluginData(plugin_name="text"))
    return tensor_summary(name, tensor, summary_metadata=meta, collections=collections)


def merge(inputs: Sequence[Any], collections: Sequence[str] | None = None,
          name: str | None = None) -> Tensor:
    """One Summary holding the values of all `inputs` (serialized Summary tensors).

    Raises:
        InvalidArgumentError (when run): when two inputs have the same tag.
    """
    tensors = [convert_to_tensor(t) for t in inputs]
    with graph_of(*tensors).name_scope(name or "Merge"):
        result = out("MergeSummary", tensors, name=name or "MergeSummary")
    for key in collections or ():
        result.graph.add_to_collection(key, result)
    return result


def merge_all(key: str = GraphKeys.SUMMARIES, scope: str | None = None,
              name: str | None = None) -> Tensor | None:
    """Merges every summary in the collection `key` (under `scope` if given).

    Returns:
        The merged summary tensor, or None when the collection is empty (TF1).
    """
    found = get_default_graph().get_collection(key, scope)
    return merge(found, name=name) if found else None


def summary_bytes(value: Any) -> bytes:
    """A fetched summary (bytes, 0-d object array or Summary proto) as serialized bytes."""
    if hasattr(value, "SerializeToString"):
        return value.SerializeToString()
    if isinstance(value, np.ndarray):
        value = value.item()
    return bytes(value)
