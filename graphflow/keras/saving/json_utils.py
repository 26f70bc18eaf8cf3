"""JSON encoding of Keras configs: the objects a `get_config()` may hold (numpy scalars and
arrays, dtypes, shapes, functions, objects with their own `get_config`) as plain JSON, as
Keras 2's `get_json_type` does, so that tf.keras reads graphflow's JSON and the reverse."""

from __future__ import annotations

import json
from typing import Any

import numpy as np


def get_json_type(obj: Any) -> Any:
    """The JSON-serializable form of `obj` (used as `json.dumps(default=...)`).

    Raises:
        TypeError: for an object with no JSON form (naming its type).
    """
    if hasattr(obj, "get_config"):
        return {"class_name": obj.__class__.__name__, "config": obj.get_config()}
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if callable(obj):
        return obj.__name__
    if type(obj).__name__ == "type":
        return obj.__name__
    if hasattr(obj, "as_list"):  # TensorShape
        return obj.as_list() if getattr(obj, "ndims", 0) is not None else None
    if hasattr(obj, "as_numpy_dtype") or type(obj).__name__ == "DType":
        return obj.name
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    raise TypeError(f"Not JSON Serializable: {obj!r} (of type {type(obj).__name__})")


def dumps(config: Any, **kwargs: Any) -> str:
    """`json.dumps` with Keras' encoding of non-JSON objects."""
    return json.dumps(config, default=get_json_type, **kwargs)
