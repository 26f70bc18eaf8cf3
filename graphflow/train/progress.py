"""`graphflow.train.progress`: a progress bar for the training loops TF1 users write by hand,
showing steps/s and the latest loss.

    from graphflow.train.progress import progress
    bar = progress(range(2000), desc="train")       # or: with progress(total=2000) as bar: ...
    for step in bar:                                 #         bar.update(loss=loss)
        _, loss = sess.run([train_op, loss_op], feed)
        bar.set_loss(loss)

On a terminal the bar redraws one line in place (at most every `min_interval` seconds):
`train  45%|█████████▍           | 900/2000 [00:12<00:15, 73.1 steps/s, loss=0.2831]`.
When the output is not a terminal (a log file, CI, a notebook capturing stdout) it writes one
plain line per update instead, at most every `log_secs` seconds, plus one when it closes:
`train: 900/2000 (45%), 73.1 steps/s, loss=0.2831, elapsed 12s, eta 15s`.

Built in rather than wrapping tqdm, so it needs nothing beyond graphflow itself.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any


def _clock_text(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


def _is_terminal(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class Progress:
    """A progress bar over `total` steps (or an unknown number), with steps/s and the loss.

    Args:
        iterable: iterated by `for x in bar` (each item is one step); `total` defaults to its len.
        total: the number of steps, or None when unknown (no percentage, no eta).
        desc: a label in front of the bar.
        unit: the name of a step in the rate (`steps/s`).
        file: where to write (default: sys.stdout at creation).
        min_interval: seconds between redraws on a terminal.
        log_secs: seconds between lines when not on a terminal.
        smoothing: weight of the latest interval in the displayed rate (1: no averaging).
        width: characters of the bar itself on a terminal.
        clock: the time source (tests pass a fake one).

    Raises:
        ValueError: a negative total or interval, or a smoothing outside (0, 1].
    """

    def __init__(self, iterable: Iterable[Any] | None = None, total: int | None = None, desc: str = "",
                 unit: str = "step", file: IO[str] | None = None, min_interval: float = 0.1,
                 log_secs: float = 10.0, smoothing: float = 0.3, width: int = 24,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if total is None and iterable is not None and hasattr(iterable, "__len__"):
            total = len(iterable)  # type: ignore[arg-type]
        if total is not None and total < 0:
            raise ValueError(f"progress: total must be non-negative, got {total}")
        if min_interval < 0 or log_secs < 0:
            raise ValueError("progress: min_interval and log_secs must be non-negative")
        if not 0 < smoothing <= 1:
            raise ValueError(f"progress: smoothing must be in (0, 1], got {smoothing}")
        self.iterable, self.total, self.desc, self.unit = iterable, total, desc, unit
        self.file = file if file is not None else sys.stdout
        self.terminal = _is_terminal(self.file)
        self.min_interval, self.log_secs, self.smoothing, self.width = min_interval, log_secs, smoothing, width
        self._clock = clock
        self.n = 0
        self.loss: float | None = None
        self.metrics: dict[str, float] = {}
        self._start = self._last_time = clock()
        self._last_n = 0
        self._rate: float | None = None
        self._last_len = 0
        self.closed = False

    # ---- updating ----------------------------------------------------------------------------
    def set_loss(self, loss: Any) -> None:
        """Shows `loss` (a number or 0-d array) from the next update on."""
        self.loss = float(loss)

    def update(self, n: int = 1, loss: Any = None, **metrics: Any) -> None:
        """Counts `n` more steps; `loss` and other named values are shown from now on.
        Redraws (terminal) or writes a line (otherwise) when the interval has passed."""
        self.n += n
        if loss is not None:
            self.set_loss(loss)
        self.metrics.update({k: float(v) for k, v in metrics.items()})
        now = self._clock()
        if now - self._last_time >= (self.min_interval if self.terminal else self.log_secs):
            self._measure(now)
            self._write(now)

    def __iter__(self) -> Iterator[Any]:
        if self.iterable is None:
            raise TypeError("progress: nothing to iterate (give an iterable)")
        try:
            for item in self.iterable:
                yield item
                self.update()
        finally:
            self.close()

    def close(self) -> None:
        """Writes the final state (and ends the terminal line). Idempotent."""
        if self.closed:
            return
        self.closed = True
        now = self._clock()
        self._measure(now, final=True)
        self._write(now)
        if self.terminal:
            self.file.write("\n")
        self.file.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ---- text --------------------------------------------------------------------------------
    def _measure(self, now: float, final: bool = False) -> None:
        elapsed = now - self._last_time
        if final:  # the closing line states the mean rate of the whole loop
            total_time = now - self._start
            self._rate = self.n / total_time if total_time > 0 else self._rate
        elif elapsed > 0:
            latest = (self.n - self._last_n) / elapsed
            self._rate = latest if self._rate is None else \
                self.smoothing * latest + (1 - self.smoothing) * self._rate
        self._last_time, self._last_n = now, self.n

    def _values(self) -> list[str]:
        parts = [f"{self._rate:.1f} {self.unit}s/s" if self._rate is not None else f"? {self.unit}s/s"]
        if self.loss is not None:
            parts.append(f"loss={self.loss:.4g}")
        parts += [f"{k}={v:.4g}" for k, v in self.metrics.items()]
        return parts

    def _eta(self) -> float | None:
        if self.total is None or not self._rate:
            return None
        return max(self.total - self.n, 0) / self._rate

    def line(self, now: float | None = None) -> str:
        """The current state as the text a refresh would write (without control characters)."""
        now = self._clock() if now is None else now
        elapsed = now - self._start
        eta = self._eta()
        head = f"{self.desc}: " if self.desc else ""
        if not self.terminal:
            count = f"{self.n}/{self.total} ({self.n / self.total:.0%})" if self.total else f"{self.n}"
            tail = f", elapsed {elapsed:.0f}s" + (f", eta {eta:.0f}s" if eta is not None else "")
            return f"{head}{count}, {', '.join(self._values())}{tail}"
        timing = _clock_text(elapsed) + (f"<{_clock_text(eta)}" if eta is not None else "")
        values = ", ".join([timing, *self._values()])
        if not self.total:
            return f"{self.desc + ' ' if self.desc else ''}{self.n} [{values}]"
        fraction = min(self.n / self.total, 1.0)
        filled = fraction * self.width
        bar = "\u2588" * int(filled)
        if int(filled) < self.width:
            partial = " \u258f\u258e\u258d\u258c\u258b\u258a\u2589"[int((filled % 1) * 8)]
            bar = (bar + partial).ljust(self.width)
        return f"{self.desc + ' ' if self.desc else ''}{fraction:4.0%}|{bar}| {self.n}/{self.total} [{values}]"

    def _write(self, now: float) -> None:
        text = self.line(now)
        if self.terminal:
            # pad with spaces so a shorter line fully covers the previous one
            self.file.write("\r" + text + " " * max(self._last_len - len(text), 0))
            self._last_len = len(text)
        else:
            self.file.write(text + "\n")
        self.file.flush()


def progress(iterable: Iterable[Any] | None = None, total: int | None = None, desc: str = "",
             **options: Any) -> Progress:
    """A `Progress` bar (see its Args): iterate it, or use it as a context manager and call
    `update()`/`set_loss()`."""
    return Progress(iterable, total=total, desc=desc, **options)
