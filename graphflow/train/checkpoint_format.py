"""The checkpoint file: safetensors, plus a CRC32C per tensor, written atomically.

`<prefix>.safetensors` is a standard safetensors file (an 8-byte header length, a JSON header,
then the raw little-endian tensors), readable by the `safetensors` package and by anything else
that reads the format; loading it never runs code. safetensors has no checksum, so the header's
`__metadata__` carries graphflow's format version and the CRC32C of every tensor's bytes, which
`CheckpointReader.get_tensor` verifies: a flipped byte is a DataLossError, never a wrong value.
Plain safetensors files without that metadata are readable too (without the check).
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Mapping

import google_crc32c
import numpy as np

from graphflow.framework import dtypes, errors

from .atomic_files import atomic_write

DATA_SUFFIX = ".safetensors"
FORMAT = "graphflow.checkpoint"
#: Bumped when the layout changes; readers accept every version up to theirs.
FORMAT_VERSION = 1

_CODES = {"bool": "BOOL", "uint8": "U8", "int8": "I8", "uint16": "U16", "int16": "I16",
          "float16": "F16", "uint32": "U32", "int32": "I32", "float32": "F32", "uint64": "U64",
          "int64": "I64", "float64": "F64"}
_NUMPY = {code: np.dtype(name) for name, code in _CODES.items()}


def data_path(prefix: str) -> str:
    """The tensor file of the checkpoint `prefix`."""
    return prefix + DATA_SUFFIX


def checkpoint_exists(prefix: str) -> bool:
    """Whether `prefix` names a complete checkpoint (its tensor file exists)."""
    return bool(prefix) and os.path.isfile(data_path(prefix))


def _little_endian_c_order(array: np.ndarray) -> np.ndarray:
    """`array` laid out as the file stores it (np.ascontiguousarray would turn 0-d into 1-d)."""
    array = np.asarray(array, array.dtype.newbyteorder("<"))
    return array if array.flags.c_contiguous else array.copy(order="C")


def _crc32c(array: np.ndarray) -> int:
    return google_crc32c.value(array.tobytes()) if array.size else google_crc32c.value(b"")


def write_checkpoint(prefix: str, tensors: Mapping[str, np.ndarray]) -> None:
    """Writes `tensors` to `<prefix>.safetensors` atomically (see `atomic_write`).

    Raises:
        TypeError: for a tensor of a dtype safetensors cannot hold (strings, objects).
    """
    arrays, header, offset, checksums = [], {}, 0, {}
    for name in sorted(tensors):
        array = np.asarray(tensors[name])
        code = _CODES.get(array.dtype.name)
        if code is None:
            raise TypeError(f"Cannot save variable {name!r} of dtype {array.dtype}: checkpoints "
                            f"hold {', '.join(_CODES)}")
        # C order and little-endian, as the format requires (a transposed view would
        # otherwise be written as its raw memory: the classic safetensors pitfall).
        array = _little_endian_c_order(array)
        header[name] = {"dtype": code, "shape": list(array.shape),
                        "data_offsets": [offset, offset + array.nbytes]}
        checksums[name] = _crc32c(array)
        offset += array.nbytes
        arrays.append(array)
    header["__metadata__"] = {"format": FORMAT, "version": str(FORMAT_VERSION),
                              "crc32c": json.dumps(checksums)}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
    with atomic_write(data_path(prefix)) as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for array in arrays:
            f.write(memoryview(array).cast("B") if array.size else b"")


class CheckpointReader:
    """Reads one checkpoint (`tf.train.NewCheckpointReader`): names, shapes, dtypes, values.

    Raises (from the constructor):
        NotFoundError: when there is no checkpoint at `prefix`.
        DataLossError: when the file is truncated or its header is corrupted.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.path = data_path(prefix)
        if not os.path.isfile(self.path):
            raise errors.NotFoundError(
                None, None, f"Unsuccessful TensorSliceReader constructor: Failed to find any "
                f"matching files for {prefix}")
        from safetensors import SafetensorError, safe_open

        self._open = lambda: safe_open(self.path, framework="numpy")
        try:
            with self._open() as f:
                metadata = f.metadata() or {}
                names = list(f.keys())  # safe_open is not iterable
                self._shapes = {k: list(f.get_slice(k).get_shape()) for k in names}
                self._codes = {k: f.get_slice(k).get_dtype() for k in names}
        except (SafetensorError, OSError) as e:
            raise errors.DataLossError(
                None, None, f"Checkpoint {self.path} is truncated or corrupted: {e}") from None
        self._checksums = self._read_metadata(metadata)

    def _read_metadata(self, metadata: Mapping[str, str]) -> dict[str, int]:
        if metadata.get("format") != FORMAT:
            return {}  # a plain safetensors file: readable, but nothing to verify against
        try:
            version = int(metadata["version"])
            checksums = {k: int(v) for k, v in json.loads(metadata["crc32c"]).items()}
        except (KeyError, ValueError, TypeError, AttributeError) as e:
            raise errors.DataLossError(
                None, None, f"Checkpoint {self.path} has a corrupted header: {e!r}") from None
        if version > FORMAT_VERSION:
            raise errors.DataLossError(
                None, None, f"Checkpoint {self.path} has format version {version}, newer than "
                f"this graphflow reads ({FORMAT_VERSION}); upgrade graphflow")
        return checksums

    def has_tensor(self, name: str) -> bool:
        return name in self._shapes

    def get_variable_to_shape_map(self) -> dict[str, list[int]]:
        return dict(self._shapes)

    def get_variable_to_dtype_map(self) -> dict[str, dtypes.DType]:
        return {k: dtypes.as_dtype(_NUMPY[c]) for k, c in self._codes.items()}

    def get_tensor(self, name: str) -> np.ndarray:
        """The tensor `name`, its checksum verified.

        Raises:
            NotFoundError: when the checkpoint has no such tensor.
            DataLossError: when its bytes do not match the stored checksum.
        """
        if name not in self._shapes:
            raise errors.NotFoundError(None, None, f"Key {name} not found in checkpoint")
        with self._open() as f:
            array = np.array(f.get_tensor(name), copy=True)
        stored = self._checksums.get(name)
        if stored is not None:
            actual = _crc32c(_little_endian_c_order(array))
            if actual != stored:
                raise errors.DataLossError(
                    None, None, f"Checkpoint {self.path}: tensor {name!r} is corrupted: "
                    f"checksum does not match: stored {stored} vs. calculated on the restored "
                    f"bytes {actual}")
        return array

    def debug_string(self) -> bytes:
        """One line per tensor: name (dtype) [shape]."""
        dtype_map = self.get_variable_to_dtype_map()
        return "".join(f"{k} ({dtype_map[k].name}) {v}\n"
                       for k, v in sorted(self._shapes.items())).encode()


def NewCheckpointReader(filepattern: str) -> CheckpointReader:  # noqa: N802 - TF1 name
    """A `CheckpointReader` for the checkpoint prefix `filepattern`."""
    return CheckpointReader(filepattern)


