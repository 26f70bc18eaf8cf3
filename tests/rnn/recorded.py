"""Loads the TensorFlow results recorded by tests/rnn/record.py and compares graphflow's."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data"
RTOL, ATOL = 2e-5, 2e-6


def load(group: str) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, list[str]]]:
    """{case: {fetch: array}} and {case: variable names} of one recorded group."""
    values: dict[str, dict[str, np.ndarray]] = {}
    with np.load(DATA / f"{group}.npz") as arrays:
        for key in arrays.files:
            case, fetch = key.split("|", 1)
            values.setdefault(case, {})[fetch] = arrays[key]
    names = json.loads((DATA / f"{group}_names.json").read_text())
    return values, names


def assert_matches(case: str, got: dict[str, np.ndarray], got_names: list[str],
                   expected: dict[str, np.ndarray], expected_names: list[str]) -> None:
    """Same variable names, same fetches, values within float32 tolerances."""
    assert got_names == expected_names, f"{case}: variables {got_names} != TF's {expected_names}"
    assert sorted(got) == sorted(expected), f"{case}: fetches {sorted(got)} != {sorted(expected)}"
    for key, want in expected.items():
        np.testing.assert_allclose(got[key], want, rtol=RTOL, atol=ATOL, err_msg=f"{case}: {key}")
