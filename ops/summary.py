"""Summary ops (TF1's `ScalarSummary`, `HistogramSummary`, `ImageSummary`, `TensorSummaryV2`
for text, `MergeSummary`): each produces a serialized TensorBoard `Summary` protocol buffer as
a tf.string scalar. They run on the host on every backend and have no gradient; the Python
reference is the kernel. The protos come from the optional tensorboard package
(graphflow/summary/protos.py), imported only when a summary op runs.
"""

from __future__ import annotations

import struct
import sys
import zlib

import numpy as np

from graphflow.framework import dtypes
from graphflow.framework.errors import InvalidArgumentError
from graphflow.framework.tensor_shape import TensorShape

from .histogram_buckets import bucket_counts, collapse_empty_runs
from .registry import OpDef, Sample, Spec, register


def _protos():
    from graphflow.summary.protos import protos

    return protos()


def _tag(value) -> str:
    v = np.asarray(value, dtype=object).reshape(-1)[0]
    return v.decode("utf-8", "surrogateescape") if isinstance(v, bytes) else str(v)


def _require_scalar_string(spec: Spec, op_type: str, what: str) -> None:
    if spec.dtype != dtypes.string:
        raise TypeError(f"Input '{what}' of '{op_type}' Op has type {spec.dtype.name} that does "
                        "not match expected type of string.")
    if spec.rank not in (None, 0):
        raise ValueError(f"Shape must be rank 0 but is rank {spec.rank}")


def histogram_proto(values: np.ndarray):
    """A TensorBoard HistogramProto of `values` as TF1's kernel encodes it: counts in the
    default buckets (bucket i holds limits[i-1] <= x < limits[i]), runs of empty buckets
    collapsed into one ending at the run's last limit (see ops/histogram_buckets.py)."""
    pb = _protos().summary_pb2
    flat = np.asarray(values, dtype=np.float64).reshape(-1)
    limits, counts = collapse_empty_runs(bucket_counts(flat))
    proto = pb.HistogramProto(min=float(flat.min()) if flat.size else sys.float_info.max,
                              max=float(flat.max()) if flat.size else -sys.float_info.max,
                              num=float(flat.size), sum=float(flat.sum()),
                              # not np.dot: a BLAS call wakes its thread pool, which costs
                              # more than the sum itself (tens of ms on a busy machine)
                              sum_squares=float(np.square(flat).sum()))
    proto.bucket_limit.extend(limits.tolist())
    proto.bucket.extend(counts.tolist())
    return proto


def encode_png(image: np.ndarray) -> bytes:
    """A PNG file of a uint8 HxWxC image (C = 1 gray, 3 RGB, 4 RGBA), filter 0, zlib level 6."""
    h, w, c = image.shape
    color_type = {1: 0, 3: 2, 4: 6}[c]
    rows = b"".join(b"\x00" + image[r].tobytes() for r in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 6))
            + chunk(b"IEND", b""))


def image_to_uint8(image: np.ndarray, bad_color: np.ndarray) -> np.ndarray:
    """TF1's conversion of one float image to uint8: with negative values, scaled so that the
    largest magnitude maps to 127 around 128; otherwise scaled so that the maximum maps to 255.
    Non-finite pixels take `bad_color`."""
    if image.dtype == np.uint8:
        return image
    img = image.astype(np.float64)
    finite = np.isfinite(img).all(axis=-1)
    vals = img[finite] if finite.any() else np.zeros(1)
    lo, hi = float(vals.min()), float(vals.max())
    if lo < 0:
        top = max(abs(lo), abs(hi))
        scale, offset = (0.0 if top < 1e-6 else 127.0 / top), 128.0
    else:
        scale, offset = (0.0 if hi < 1e-6 else 255.0 / hi), 0.0
    out = np.zeros(img.shape, np.uint8)
    out[finite] = np.clip(img[finite] * scale + offset, 0, 255).astype(np.uint8)
    out[~finite] = bad_color[: img.shape[-1]]
    return out


class SummaryOp(OpDef):
    """Common parts of the summary ops: a string scalar out, host memory, no gradient."""

    host_memory = True
    differentiable = False

    def _string_scalar(self) -> list[Spec]:
        return [Spec(TensorShape([]), dtypes.string)]


@register
class ScalarSummary(SummaryOp):
    """One simple_value per tag; `tags` and `values` must have the same shape (TF1)."""

    type = "ScalarSummary"

    def infer(self, inputs, attrs):
        if inputs[0].dtype != dtypes.string:
            raise TypeError("Input 'tags' of 'ScalarSummary' Op has type "
                            f"{inputs[0].dtype.name} that does not match expected type of string.")
        if not (inputs[1].dtype.is_floating or inputs[1].dtype.is_integer):
            raise TypeError(f"Value passed to parameter 'values' has DataType {inputs[1].dtype.name}"
                            " not in list of allowed values: real numeric types")
        return self._string_scalar()

    def reference(self, attrs, tags, values):
        tags, values = np.asarray(tags, dtype=object), np.asarray(values)
        if tags.shape != values.shape:
            raise InvalidArgumentError(
                None, None, f"tags and values are not the same shape: {list(tags.shape)} != "
                f"{list(values.shape)} (tag '{_tag(tags) if tags.size else ''}')")
        pb = _protos().summary_pb2
        summary = pb.Summary()
        for t, v in zip(tags.reshape(-1), values.reshape(-1)):
            summary.value.add(tag=_tag(t), simple_value=float(v))
        return np.array(summary.SerializeToString(), dtype=object)

    def samples(self, rng):
        return [Sample([np.array(b"loss", dtype=object), rng.standard_normal(())], check_grad=False)]


@register
class HistogramSummary(SummaryOp):
    """A histogram of all values in TF1's default buckets; NaN or Inf is an error (TF1)."""

    type = "HistogramSummary"

    def infer(self, inputs, attrs):
        _require_scalar_string(inputs[0], self.type, "tag")
        return self._string_scalar()

    def reference(self, attrs, tag, values):
        values = np.asarray(values, dtype=np.float64)
        if not np.isfinite(values).all():
            raise InvalidArgumentError(None, None, f"Nan in summary histogram for: {_tag(tag)}")
        pb = _protos().summary_pb2
        summary = pb.Summary()
        summary.value.add(tag=_tag(tag), histo=histogram_proto(values))
        return np.array(summary.SerializeToString(), dtype=object)

    def samples(self, rng):
        return [Sample([np.array(b"w", dtype=object), rng.standard_normal((3, 4))], check_grad=False)]


@register
class ImageSummary(SummaryOp):
    """Up to `max_images` PNG images of a [batch, height, width, 1|3|4] tensor, tagged
    "tag/image" when `max_images` is 1, else "tag/image/0", "tag/image/1", ..."""

    type = "ImageSummary"
    defaults = {"max_images": 3, "bad_color": (255, 0, 0, 255)}

    def infer(self, inputs, attrs):
        _require_scalar_string(inputs[0], self.type, "tag")
        dims = inputs[1].dims
        if dims is not None and (len(dims) != 4 or dims[3] not in (None, 1, 3, 4)):
            raise ValueError("Tensor must be 4-D with last dim 1, 3, or 4, not "
                             f"{inputs[1].shape}")
        if int(attrs.get("max_images", 3)) < 1:
            raise ValueError(f"max_images must be >= 1, got {attrs['max_images']}")
        return self._string_scalar()

    def reference(self, attrs, tag, images):
        images = np.asarray(images)
        pb = _protos().summary_pb2
        summary, name = pb.Summary(), _tag(tag)
        attrs = {**self.defaults, **attrs}  # the conformance suite passes sample attrs alone
        count = min(int(attrs["max_images"]), images.shape[0])
        bad_color = np.asarray(attrs["bad_color"], dtype=np.uint8)
        for k in range(count):
            img = image_to_uint8(images[k], bad_color)
            h, w, c = img.shape
            summary.value.add(
                # TF1 numbers the tags when more than one image is requested (not produced)
                tag=f"{name}/image" if int(attrs["max_images"]) == 1 else f"{name}/image/{k}",
                image=pb.Summary.Image(height=h, width=w, colorspace=c, encoded_image_string=encode_png(img)))
        return np.array(summary.SerializeToString(), dtype=object)

    def samples(self, rng):
        return [Sample([np.array(b"img", dtype=object), rng.uniform(0, 1, (2, 3, 4, 3))],
                       {"max_images": 1}, check_grad=False)]


def encode_wav(samples: np.ndarray, sample_rate: float) -> bytes:
    """A 16-bit PCM little-endian WAV file of float samples [frames, channels] in [-1, 1]
    (TF1's EncodeAudioAsS16LEWav: x * 32768 rounded, clamped to int16)."""
    frames, channels = samples.shape
    pcm = np.clip(np.round(samples.astype(np.float32) * np.float32(32768.0)), -32768, 32767)
    data = pcm.astype("<i2").tobytes()
    rate = int(sample_rate)
    header = (b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE"
              + b"fmt " + struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * channels * 2,
                                      channels * 2, 16)
              + b"data" + struct.pack("<I", len(data)))
    return header + data


@register
class AudioSummaryV2(SummaryOp):
    """Up to `max_outputs` WAV clips of a [batch, frames] or [batch, frames, channels] float
    tensor in [-1, 1] at `sample_rate` Hz, tagged "tag/audio" when `max_outputs` is 1, else
    "tag/audio/0", ..."""

    type = "AudioSummaryV2"
    defaults = {"max_outputs": 3}

    def infer(self, inputs, attrs):
        _require_scalar_string(inputs[0], self.type, "tag")
        if not inputs[1].dtype.is_floating:
            raise TypeError(f"Input 'tensor' of 'AudioSummaryV2' Op has type {inputs[1].dtype.name} "
                            "that does not match expected type of float32.")
        if inputs[1].rank not in (None, 2, 3):
            raise ValueError(f"Tensor must be 3-D or 2-D, got: {inputs[1].shape}")
        return self._string_scalar()

    def reference(self, attrs, tag, tensor, sample_rate):
        attrs = {**self.defaults, **attrs}
        tensor = np.asarray(tensor)
        if tensor.ndim == 2:
            tensor = tensor[:, :, None]
        rate, max_outputs = float(np.asarray(sample_rate)), int(attrs["max_outputs"])
        if rate <= 0:
            raise InvalidArgumentError(None, None, f"sample_rate must be > 0, got {rate}")
        pb = _protos().summary_pb2
        summary, name = pb.Summary(), _tag(tag)
        for k in range(min(max_outputs, tensor.shape[0])):
            audio = pb.Summary.Audio(sample_rate=rate, num_channels=tensor.shape[2],
                                     length_frames=tensor.shape[1], content_type="audio/wav",
                                     encoded_audio_string=encode_wav(tensor[k], rate))
            summary.value.add(tag=f"{name}/audio" if max_outputs == 1 else f"{name}/audio/{k}",
                              audio=audio)
        return np.array(summary.SerializeToString(), dtype=object)

    def samples(self, rng):
        return [Sample([np.array(b"au", dtype=object), rng.uniform(-1, 1, (2, 5)), np.array(8000.0)],
                       check_grad=False)]


def tensor_proto(value: np.ndarray):
    """A TensorBoard TensorProto of a numpy array: strings in string_val, numbers as raw
    little-endian tensor_content (as TF's MakeTensorProto)."""
    p = _protos()
    if value.dtype == object:
        proto = p.tensor_pb2.TensorProto(dtype=p.types_pb2.DT_STRING,
                                         string_val=[bytes(v) for v in value.reshape(-1)])
    else:
        names = {"float32": "DT_FLOAT", "float64": "DT_DOUBLE", "float16": "DT_HALF"}
        name = names.get(value.dtype.name, "DT_" + value.dtype.name.upper())
        proto = p.tensor_pb2.TensorProto(dtype=p.types_pb2.DataType.Value(name),
                                         tensor_content=value.astype(value.dtype.newbyteorder("<"))
                                         .tobytes())
    for d in value.shape:
        proto.tensor_shape.dim.add(size=d)
    return proto


@register
class TensorSummaryV2(SummaryOp):
    """A whole tensor as a TensorProto value with the given serialized SummaryMetadata
    (TF1's `tf.summary.tensor_summary`; `tf.summary.text` is this with the text plugin)."""

    type = "TensorSummaryV2"

    def infer(self, inputs, attrs):
        _require_scalar_string(inputs[0], self.type, "tag")
        _require_scalar_string(inputs[2], self.type, "serialized_summary_metadata")
        return self._string_scalar()

    def reference(self, attrs, tag, tensor, serialized_summary_metadata):
        p = _protos()
        meta = p.summary_pb2.SummaryMetadata.FromString(
            bytes(np.asarray(serialized_summary_metadata, dtype=object).item()))
        summary = p.summary_pb2.Summary()
        summary.value.add(tag=_tag(tag), metadata=meta, tensor=tensor_proto(np.asarray(tensor)))
        return np.array(summary.SerializeToString(), dtype=object)

    def samples(self, rng):
        text_meta = np.array(b"\n\x06\n\x04text", dtype=object)  # plugin_data { plugin_name: "text" }
        return [Sample([np.array(b"note", dtype=object), np.array([b"a", b"b"], dtype=object), text_meta],
                       check_grad=False),
                Sample([np.array(b"t", dtype=object), rng.standard_normal((2, 3)), np.array(b"", dtype=object)],
                       check_grad=False)]


@register
class MergeSummary(SummaryOp):
    """Concatenates the values of serialized Summary protos; a tag seen twice is an error."""

    type = "MergeSummary"

    def infer(self, inputs, attrs):
        for k, s in enumerate(inputs):
            if s.dtype != dtypes.string:
                raise TypeError(f"Input 'inputs' ({k}) of 'MergeSummary' Op has type "
                                f"{s.dtype.name} that does not match expected type of string.")
        return self._string_scalar()

    def reference(self, attrs, *inputs):
        pb = _protos().summary_pb2
        merged, seen = pb.Summary(), set()
        for blob in inputs:
            for b in np.asarray(blob, dtype=object).reshape(-1):
                part = pb.Summary.FromString(bytes(b))
                for v in part.value:
                    if v.tag and v.tag in seen:
                        raise InvalidArgumentError(None, None, f"Duplicate tag {v.tag} found in summary inputs")
                    seen.add(v.tag)
                    merged.value.add().CopyFrom(v)
        return np.array(merged.SerializeToString(), dtype=object)

    def samples(self, rng):
        pb = _protos().summary_pb2
        a = pb.Summary(value=[pb.Summary.Value(tag="a", simple_value=1.0)]).SerializeToString()
        b = pb.Summary(value=[pb.Summary.Value(tag="b", simple_value=2.0)]).SerializeToString()
        return [Sample([np.array(a, dtype=object), np.array(b, dtype=object)], check_grad=False)]
