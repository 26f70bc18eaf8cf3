"""The checkpoint file: safetensors, plus a CRC32C per tensor, written atomically.

`<prefix>.safetensors` is a standard safetensors file (an 8-byte header length, a JSON header,
then the raw little-endian tensors), readable by the `safetensors` package and by anything else
that reads the format; loading it never runs code. safetensors has no checksum, so the header's
`__metadata__` carries graphflow's format version and the CRC32C of every tensor's bytes, which
`CheckpointReader.get_tensor` verifies: a flipped byte is a DataLossError, never a wrong value.
Plain safetensors files without that metadata are readable too (without the check).

String tensors (`tf.string` variables: object arrays of bytes), which safetensors cannot hold,
are stored as two tensors: the variable's own name holds every element's bytes concatenated
(U8, 1-D) and `<name>:string_ends` the end offset of each element in that buffer (I64, one per
element, row-major); the metadata's `strings` entry maps each such name to its shape. The ":"
cannot occur in a variable name, so the offsets never collide with a variable. Both tensors
carry a CRC32C. A file holding strings has format version 2 so that an older reader refuses it
instead of returning the raw bytes; files without strings stay version 1.
"""

from __future__ import annotations

import json
import math
import os
import struct
from collections.abc import Mapping

import google_crc32c
import numpy as np

from graphflow.framework import dtypes, errors
from graphflow.framework.string_values import to_bytes

from .atomic_files import atomic_write

DATA_SUFFIX = ".safetensors"
FORMAT = "graphflow.checkpoint"
#: Bumped when the layout changes; readers accept every version up to theirs.
FORMAT_VERSION = 2
#: The version written when no tensor needs the string encoding (readable by older graphflow).
PLAIN_VERSION = 1
#: Suffix of the tensor holding a string tensor's element end offsets.
STRING_ENDS = ":string_ends"

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


def encode_strings(array: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A string tensor as (concatenated bytes as uint8, int64 end offset of each element).

    Raises:
        TypeError: if an element is not bytes/str.
    """
    flat = np.asarray(array, dtype=object).reshape(-1)
    try:
        parts = [to_bytes(v) for v in flat]
    except TypeError as e:
        raise TypeError(f"Cannot save variable {name!r}: {e}") from None
    ends = np.cumsum([len(p) for p in parts], dtype=np.int64) if parts else np.zeros(0, np.int64)
    return np.frombuffer(b"".join(parts), dtype=np.uint8).copy(), ends


def decode_strings(data: np.ndarray, ends: np.ndarray, shape: list[int], where: str) -> np.ndarray:
    """The object array of bytes `encode_strings` encoded.

    Raises:
        DataLossError: if the offsets do not describe the buffer.
    """
    size = math.prod(shape)  # Python ints: a hostile shape cannot overflow into a match
    ends = np.asarray(ends, dtype=np.int64)
    if (ends.shape != (size,) or (size and (ends[-1] != data.size or ends[0] < 0))
            or np.any(np.diff(ends) < 0) or (not size and data.size)):
        raise errors.DataLossError(None, None, f"{where}: the string offsets do not match its "
                                   f"{data.size} bytes and shape {shape}")
    raw = np.asarray(data, dtype=np.uint8).tobytes()
    out = np.empty(size, dtype=object)
    start = 0
    for k, end in enumerate(ends.tolist()):
        out[k] = raw[start:end]
        start = end
    return out.reshape(shape)


def write_checkpoint(prefix: str, tensors: Mapping[str, np.ndarray]) -> None:
    """Writes `tensors` to `<prefix>.safetensors` atomically (see `atomic_write`).

    Raises:
        TypeError: for a tensor of a dtype checkpoints cannot hold (complex, non-string objects).
    """
    arrays, header, offset, checksums = [], {}, 0, {}
    plain: dict[str, np.ndarray] = {}
    strings: dict[str, list[int]] = {}
    for name in sorted(tensors):
        array = np.asarray(tensors[name])
        if array.dtype.kind == "O":
            strings[name] = list(array.shape)
            plain[name], plain[name + STRING_ENDS] = encode_strings(array, name)
        else:
            plain[name] = array
    for name in sorted(plain):
        array = plain[name]
        code = _CODES.get(array.dtype.name)
        if code is None:
            raise TypeError(f"Cannot save variable {name!r} of dtype {array.dtype}: checkpoints "
                            f"hold {', '.join(_CODES)} and string")
        # C order and little-endian, as the format requires (a transposed view would
        # otherwise be written as its raw memory: the classic safetensors pitfall).
        array = _little_endian_c_order(array)
        header[name] = {"dtype": code, "shape": list(array.shape),
                        "data_offsets": [offset, offset + array.nbytes]}
        checksums[name] = _crc32c(array)
        offset += array.nbytes
        arrays.append(array)
    header["__metadata__"] = {"format": FORMAT,
                              "version": str(FORMAT_VERSION if strings else PLAIN_VERSION),
                              "crc32c": json.dumps(checksums)}
    if strings:
        header["__metadata__"]["strings"] = json.dumps(strings)
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
        DataLossError: when the file is truncated or its header is corrupted (anything
            malformed in it, including tensors of dtypes checkpoints never hold).

    Nothing is allocated beyond what the file holds: the safetensors reader checks every
    declared size and offset against the file's length before any tensor is read.
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
        except (SafetensorError, OSError, ValueError, TypeError) as e:
            raise errors.DataLossError(
                None, None, f"Checkpoint {self.path} is truncated or corrupted: {e}") from None
        unknown = sorted(k for k, c in self._codes.items() if c not in _NUMPY)
        if unknown:
            raise errors.DataLossError(
                None, None, f"Checkpoint {self.path} holds tensors of dtypes graphflow does not "
                f"read: {', '.join(f'{k!r} ({self._codes[k]})' for k in unknown[:5])}")
        self._checksums, self._strings = self._read_metadata(metadata)
        for name, shape in self._strings.items():
            if name not in self._shapes or name + STRING_ENDS not in self._shapes:
                raise errors.DataLossError(None, None, f"Checkpoint {self.path} lacks the "
                                           f"buffers of string tensor {name!r}")
            if math.prod(shape) != math.prod(self._shapes[name + STRING_ENDS]):
                raise errors.DataLossError(None, None, f"Checkpoint {self.path}: string tensor "
                                           f"{name!r} has shape {shape} but "
                                           f"{math.prod(self._shapes[name + STRING_ENDS])} "
                                           f"element offsets")
            del self._shapes[name + STRING_ENDS], self._codes[name + STRING_ENDS]
            self._shapes[name] = list(shape)

    def _read_metadata(self, metadata: Mapping[str, str]) -> tuple[dict[str, int],
                                                                   dict[str, list[int]]]:
        if metadata.get("format") != FORMAT:
            return {}, {}  # a plain safetensors file: readable, but nothing to verify against
        try:
            version = int(metadata["version"])
            checksums = {k: int(v) for k, v in json.loads(metadata["crc32c"]).items()}
            strings = {str(k): [int(d) for d in v]
                       for k, v in json.loads(metadata.get("strings", "{}")).items()}
            if any(d < 0 for shape in strings.values() for d in shape):
                raise ValueError("a string tensor has a negative dimension")
        except (KeyError, ValueError, TypeError, AttributeError, OverflowError, RecursionError) as e:
            raise errors.DataLossError(
                None, None, f"Checkpoint {self.path} has a corrupted header: {e!r}") from None
        if version > FORMAT_VERSION:
            raise errors.DataLossError(
                None, None, f"Checkpoint {self.path} has format version {version}, newer than "
                f"this graphflow reads ({FORMAT_VERSION}); upgrade graphflow")
        return checksums, strings

    def has_tensor(self, name: str) -> bool:
        return name in self._shapes

    def get_variable_to_shape_map(self) -> dict[str, list[int]]:
        return dict(self._shapes)

    def get_variable_to_dtype_map(self) -> dict[str, dtypes.DType]:
        return {k: dtypes.string if k in self._strings else dtypes.as_dtype(_NUMPY[c])
                for k, c in self._codes.items()}

    def get_tensor(self, name: str) -> np.ndarray:
        """The tensor `name`, its checksum verified.

        Raises:
            NotFoundError: when the checkpoint has no such tensor.
            DataLossError: when its bytes do not match the stored checksum.
        """
        if name not in self._shapes:
            raise errors.NotFoundError(None, None, f"Key {name} not found in checkpoint")
        if name in self._strings:
            return decode_strings(self._stored(name), self._stored(name + STRING_ENDS),
                                  self._strings[name], f"Checkpoint {self.path}: tensor {name!r}")
        return self._stored(name)

    def _stored(self, name: str) -> np.ndarray:
        """One tensor of the file as stored, its checksum verified."""
        from safetensors import SafetensorError

        try:
            with self._open() as f:
                array = np.array(f.get_tensor(name), copy=True)
        except (SafetensorError, OSError, ValueError, TypeError) as e:  # changed since opened
            raise errors.DataLossError(
                None, None, f"Checkpoint {self.path}: tensor {name!r} cannot be read: {e}") from None
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


