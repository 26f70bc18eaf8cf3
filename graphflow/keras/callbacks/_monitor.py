"""The comparison a monitoring callback uses to decide that a metric improved.

Keras 2 (the tf.keras of TF 1.15) resolves `mode='auto'` by a name heuristic: a monitored
quantity whose name contains `acc` is maximized (for ModelCheckpoint also one starting with
`fmeasure`), anything else is minimized. An unknown mode falls back to `auto` with a warning
naming the callback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

_log = logging.getLogger("graphflow.keras")

MODES = ("auto", "min", "max")


def resolve_mode(mode: str, monitor: str, what: str, fmeasure: bool = True) -> str:
    """`'min'` or `'max'` for `mode` on the quantity `monitor`.

    Args:
        mode: `'auto'`, `'min'` or `'max'`; anything else warns (naming `what`, as Keras 2's
            "EarlyStopping mode %s is unknown, fallback to auto mode.") and acts as `'auto'`.
        monitor: the name of the monitored quantity, e.g. `'val_loss'` or `'acc'`.
        what: the message prefix Keras 2 uses for this callback ("EarlyStopping", ...).
        fmeasure: whether a name starting with `fmeasure` also means "maximize" (Keras 2's
            ModelCheckpoint; its EarlyStopping and ReduceLROnPlateau look for `acc` only).

    Returns:
        `'max'` or `'min'`.
    """
    if mode not in MODES:
        _log.warning("%s mode %s is unknown, fallback to auto mode.", what, mode)
        mode = "auto"
    if mode != "auto":
        return mode
    if "acc" in monitor or (fmeasure and monitor.startswith("fmeasure")):
        return "max"
    return "min"


def comparison(direction: str) -> Callable[[Any, Any], bool]:
    """`np.greater` for `'max'`, `np.less` for `'min'`."""
    return np.greater if direction == "max" else np.less


def worst_value(direction: str) -> float:
    """The starting `best` that any first value beats: -inf when maximizing, +inf otherwise."""
    return -np.inf if direction == "max" else np.inf


def available(logs: Mapping[str, Any]) -> str:
    """The `logs` keys joined as Keras 2 lists them in its missing-metric warnings."""
    return ",".join(list(logs.keys()))


def scalar(value: Any) -> Any:
    """A 0-d numpy value as a Python/numpy scalar; other values unchanged."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.item()
    return value
