"""`keras.utils.Progbar`: Keras 2's progress bar, line for line.

verbose=1 redraws one line on a terminal (backspaces and `\\r`); when stdout is not a terminal
(a pipe, a log file) it prints only the finished bar, one line per epoch, so logs stay
readable. verbose=2 prints one summary line when the bar finishes. Values named in
`stateful_metrics` are shown as given; the others are averaged over the samples seen so far.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from typing import Any

import numpy as np


def _format_duration(seconds: float, unit_name: str) -> str:
    """` 12ms/step`, ` 3s/epoch`, ` 250us/sample` (Keras 2 picks the unit by magnitude)."""
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/{unit_name}"
    return f" {seconds * 1e6:.0f}us/{unit_name}"


def _format_eta(eta: float) -> str:
    if eta > 3600:
        return f"{int(eta // 3600)}:{int((eta % 3600) // 60):02d}:{int(eta % 60):02d}"
    if eta > 60:
        return f"{int(eta // 60)}:{int(eta % 60):02d}"
    return f"{int(eta)}s"


def _format_value(value: float) -> str:
    return f" {value:.4f}" if abs(value) > 1e-3 else f" {value:.4e}"


class Progbar:
    """Displays a progress bar.

    Args:
        target: total number of steps (or samples) expected, None if unknown.
        width: bar width in characters.
        verbose: 0 (silent), 1 (a redrawn bar) or 2 (one line when finished).
        interval: minimum seconds between two redraws at verbose=1.
        stateful_metrics: names whose values are displayed as given, not averaged.
        unit_name: the counted unit in the timing (`step` or `sample`).
    """

    def __init__(self, target: int | None, width: int = 30, verbose: int = 1, interval: float = 0.05,
                 stateful_metrics: Iterable[str] | None = None, unit_name: str = "step") -> None:
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics or ())
        self._dynamic_display = hasattr(sys.stdout, "isatty") and sys.stdout.isatty()
        self._total_width = 0
        self._seen_so_far = 0
        self._values: dict[str, list[float]] = {}
        self._values_order: list[str] = []
        self._start = time.time()
        self._last_update = 0.0
        self._epoch_start = self._start
        self._epoch_end: float | None = None
        self._after_first_step: float | None = None

    def update(self, current: int, values: Iterable[tuple[str, Any]] | None = None,
               finalize: bool | None = None) -> None:
        """Updates the bar.

        Args:
            current: index of the current step (or sample count).
            values: `(name, value_for_last_step)` pairs.
            finalize: whether this is the last update (default: `current >= target`).
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or ():
            if name not in self._values_order:
                self._values_order.append(name)
            value = float(np.mean(value))
            if name in self.stateful_metrics:
                self._values[name] = [value, 1]
            else:
                # Weighted by the units since the last update, so the mean is per sample.
                weight = max(current - self._seen_so_far, 1)
                total = self._values.setdefault(name, [0.0, 0])
                total[0] += value * weight
                total[1] += weight
        self._seen_so_far = current
        now = time.time()
        if current == self.target:
            self._epoch_end = now
        if self.verbose == 1:
            if not finalize and (now - self._last_update < self.interval or not self._dynamic_display):
                return
            self._draw(current, now, finalize)
        elif self.verbose == 2 and finalize:
            self._print_summary(current, now)
        self._last_update = now

    def add(self, n: int, values: Iterable[tuple[str, Any]] | None = None) -> None:
        """Advances the bar by `n` units (see `update`)."""
        self.update(self._seen_so_far + n, values)

    def _averages(self) -> str:
        text = ""
        for name in self._values_order:
            total, count = self._values[name]
            text += f" - {name}:" + _format_value(total / max(1, count))
        return text

    def _draw(self, current: int, now: float, finalize: bool) -> None:
        previous_width = self._total_width
        message = ("\b" * previous_width + "\r") if self._dynamic_display else ""
        if self.target is not None:
            digits = int(np.log10(self.target)) + 1
            bar = f"{current:{digits}d}/{self.target} ["
            filled = int(self.width * float(current) / self.target)
            if filled > 0:
                bar += "=" * (filled - 1) + (">" if current < self.target else "=")
            bar += "." * (self.width - filled) + "]"
        else:
            bar = f"{current:7d}/Unknown"
        self._total_width = len(bar)
        per_unit = self._step_duration(current, now)
        if self.target is None or finalize:
            info = f" - {now - self._start:.0f}s" + _format_duration(per_unit, self.unit_name)
        else:
            info = " - ETA: " + _format_eta(per_unit * (self.target - current))
        info += self._averages()
        self._total_width += len(info)
        if previous_width > self._total_width:
            info += " " * (previous_width - self._total_width)
        if finalize:
            info += "\n"
        sys.stdout.write(message + bar + info)
        sys.stdout.flush()

    def _print_summary(self, current: int, now: float) -> None:
        digits = int(np.log10(self.target)) + 1 if self.target else 1
        line = f"{current:{digits}d}/{self.target or current}"
        line += f" - {now - self._start:.0f}s" + self._averages()
        if self._epoch_end:
            epoch_time = self._epoch_end - self._epoch_start
            line += " -" + _format_duration(epoch_time, "epoch")
            line += " -" + _format_duration(epoch_time / max(1, self.target or 1), self.unit_name)
            self._epoch_start = now
            self._epoch_end = None
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def _step_duration(self, current: int, now: float) -> float:
        # The first step includes compilation: leave it out once there are later steps.
        if not current:
            return 0.0
        if self._after_first_step is not None and current > 1:
            return (now - self._after_first_step) / (current - 1)
        if current == 1:
            self._after_first_step = now
        return (now - self._start) / current
