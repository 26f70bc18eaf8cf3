"""Program results to JSON and back, and the comparison the runner applies.

A result is a dict of named values: numpy arrays and scalars (their dtype is part of the
result: TF1's dtypes are the contract), Python bool/int/float/str/bytes/None, and lists,
tuples and dicts of those. Every JSON node carries its kind so a float32 scalar, a Python float
and an int64 array stay distinct after a round trip.
"""

from __future__ import annotations

import numpy as np


def encode(value):
    """Turns a program result into JSON-compatible data (tagged nodes).

    Raises:
        TypeError: for a value of a kind the corpus does not record.
    """
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.dtype.kind in "OSU":
            items = [_text(item) for item in array.reshape(-1)]
            return {"t": "strings", "shape": list(array.shape), "data": items}
        return {"t": "array", "dtype": array.dtype.name, "shape": list(array.shape),
                "data": array.reshape(-1).tolist()}
    if value is None or isinstance(value, (bool, str)):
        return {"t": type(value).__name__, "v": value}
    if isinstance(value, bytes):
        return {"t": "bytes", "v": value.decode("utf-8")}
    if isinstance(value, int):
        return {"t": "int", "v": value}
    if isinstance(value, float):
        return {"t": "float", "v": value}
    if isinstance(value, (list, tuple)):
        return {"t": "list", "v": [encode(item) for item in value]}
    if isinstance(value, dict):
        return {"t": "dict", "v": {str(key): encode(item) for key, item in value.items()}}
    raise TypeError(f"cannot record a result of type {type(value).__name__}: {value!r}")


def _text(item) -> str:
    return item.decode("utf-8") if isinstance(item, bytes) else str(item)


def assert_matches(expected: dict, got, rtol: float, atol: float, path: str = "result") -> None:
    """Asserts that `got` (a live result) matches `expected` (an encoded one).

    Floats compare with rtol/atol; integers, booleans, strings, dtypes and shapes exactly.

    Raises:
        AssertionError: naming the path of the first difference.
    """
    kind = expected["t"]
    if kind == "array":
        assert isinstance(got, (np.ndarray, np.generic)), f"{path}: expected a numpy value, got {got!r}"
        got = np.asarray(got)
        assert got.dtype.name == expected["dtype"], \
            f"{path}: dtype {got.dtype.name}, expected {expected['dtype']}"
        assert list(got.shape) == expected["shape"], f"{path}: shape {got.shape}, expected {expected['shape']}"
        want = np.array(expected["data"], dtype=got.dtype).reshape(expected["shape"])
        if got.dtype.kind in "fc":
            np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=path)
        else:
            np.testing.assert_array_equal(got, want, err_msg=path)
    elif kind == "strings":
        assert isinstance(got, (np.ndarray, np.generic)), f"{path}: expected a numpy string array, got {got!r}"
        got = np.asarray(got)
        assert list(got.shape) == expected["shape"], f"{path}: shape {got.shape}, expected {expected['shape']}"
        assert [_text(item) for item in got.reshape(-1)] == expected["data"], f"{path}: {got!r}"
    elif kind == "float":
        assert isinstance(got, float), f"{path}: expected a Python float, got {type(got).__name__}"
        np.testing.assert_allclose(got, expected["v"], rtol=rtol, atol=atol, err_msg=path)
    elif kind in ("int", "bool", "str", "bytes", "NoneType"):
        want_type = {"int": int, "bool": bool, "str": str, "bytes": bytes, "NoneType": type(None)}[kind]
        assert type(got) is want_type, f"{path}: expected {kind}, got {type(got).__name__} {got!r}"
        want = expected["v"].encode("utf-8") if kind == "bytes" else expected["v"]
        assert got == want, f"{path}: {got!r}, expected {want!r}"
    elif kind == "list":
        assert isinstance(got, (list, tuple)), f"{path}: expected a list, got {type(got).__name__}"
        assert len(got) == len(expected["v"]), f"{path}: length {len(got)}, expected {len(expected['v'])}"
        for index, (want, item) in enumerate(zip(expected["v"], got)):
            assert_matches(want, item, rtol, atol, f"{path}[{index}]")
    elif kind == "dict":
        assert isinstance(got, dict), f"{path}: expected a dict, got {type(got).__name__}"
        assert sorted(map(str, got)) == sorted(expected["v"]), f"{path}: keys {sorted(got)}"
        for key, item in got.items():
            assert_matches(expected["v"][str(key)], item, rtol, atol, f"{path}[{key!r}]")
    else:
        raise ValueError(f"{path}: unknown recorded kind {kind!r}")
