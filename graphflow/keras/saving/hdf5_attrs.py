"""HDF5 attribute helpers of Keras 2's file layout.

An HDF5 object header holds at most 64 KB of attributes, so Keras 2 splits a long list (the
`layer_names` of a big model, the `weight_names` of a layer) into `name0`, `name1`, ...
attributes. Strings are stored as UTF-8 bytes; h5py 3 may hand them back as `str` or `bytes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

#: HDF5's limit on the attributes of one object header, in bytes (Keras 2's constant).
HDF5_OBJECT_HEADER_LIMIT = 64512


def as_text(value: Any) -> str:
    """An attribute value (bytes, numpy bytes or str) as a Python str."""
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode("utf8")
    return str(value)


def save_name_list(group: Any, name: str, names: Sequence[str]) -> None:
    """Stores `names` as the attribute `name` of `group`, split into numbered chunks when the
    list exceeds the object-header limit.

    Raises:
        RuntimeError: when a single name is longer than the limit (Keras 2's error).
    """
    data = [n.encode("utf8") for n in names]
    too_long = [x for x in data if len(x) > HDF5_OBJECT_HEADER_LIMIT]
    if too_long:
        raise RuntimeError("The following attributes cannot be saved to HDF5 file because they are larger "
                           f"than {HDF5_OBJECT_HEADER_LIMIT} bytes: {too_long}")
    array = np.asarray(data)
    chunks = 1
    while array.nbytes and array.nbytes / chunks > HDF5_OBJECT_HEADER_LIMIT:
        chunks += 1
    if chunks == 1:
        group.attrs[name] = array
        return
    for index, chunk in enumerate(np.array_split(array, chunks)):
        group.attrs[f"{name}{index}"] = chunk


def load_name_list(group: Any, name: str) -> list[str]:
    """The list stored by `save_name_list` (whole or in chunks); [] when absent."""
    if name in group.attrs:
        return [as_text(n) for n in np.atleast_1d(group.attrs[name])]
    names: list[str] = []
    index = 0
    while f"{name}{index}" in group.attrs:
        names.extend(as_text(n) for n in np.atleast_1d(group.attrs[f"{name}{index}"]))
        index += 1
    return names


def attr_text(group: Any, name: str, default: str | None = None) -> str | None:
    """The string attribute `name` of `group` decoded, or `default` when absent."""
    if name not in group.attrs:
        return default
    return as_text(group.attrs[name])
