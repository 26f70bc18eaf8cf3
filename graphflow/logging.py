"""`tf.logging`: TF1's logging shorthands on top of Python's `logging` ("graphflow" logger).

As TF1, the default threshold is WARN and records print to stderr as `INFO:graphflow:message`
when the program configured no logging of its own (the root logger has no handler).
"""

from __future__ import annotations

import logging as _logging
import sys
from typing import Any

DEBUG = _logging.DEBUG
INFO = _logging.INFO
WARN = _logging.WARNING
WARNING = _logging.WARNING
ERROR = _logging.ERROR
FATAL = _logging.CRITICAL

_logger = _logging.getLogger("graphflow")


class _StderrHandler(_logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at emit time (so redirections made later apply)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


if not _logging.getLogger().handlers and not _logger.handlers:
    _handler = _StderrHandler()
    _handler.setFormatter(_logging.Formatter("%(levelname)s:%(name)s:%(message)s"))
    _logger.addHandler(_handler)
if _logger.level == _logging.NOTSET:
    _logger.setLevel(WARN)

#: Device placement lines (`ConfigProto(log_device_placement=True)`): TF1 prints them whatever
#: tf.logging's verbosity, so this child logger keeps its own INFO threshold.
_placement_logger = _logging.getLogger("graphflow.placement")
_placement_logger.setLevel(INFO)

# Calls counted per call site for log_every_n / log_first_n.
_site_counts: dict[tuple[str, int], int] = {}


def set_verbosity(level: int) -> None:
    """Sets the threshold: records below `level` (DEBUG < INFO < WARN < ERROR < FATAL) are dropped."""
    _logger.setLevel(level)


def get_verbosity() -> int:
    """The current threshold."""
    return _logger.getEffectiveLevel()


def log(level: int, msg: str, *args: Any) -> None:
    """Logs `msg % args` at `level`."""
    _logger.log(level, msg, *args)


def debug(msg: str, *args: Any) -> None:
    """Logs at DEBUG."""
    _logger.debug(msg, *args)


def info(msg: str, *args: Any) -> None:
    """Logs at INFO."""
    _logger.info(msg, *args)


def warning(msg: str, *args: Any) -> None:
    """Logs at WARN."""
    _logger.warning(msg, *args)


warn = warning


def error(msg: str, *args: Any) -> None:
    """Logs at ERROR."""
    _logger.error(msg, *args)


def fatal(msg: str, *args: Any) -> None:
    """Logs at FATAL; as TF1's `tf.logging.fatal`, the program goes on."""
    _logger.critical(msg, *args)


def vlog(level: int, msg: str, *args: Any) -> None:
    """Logs at `level` (TF1's verbose log, a plain log call)."""
    _logger.log(level, msg, *args)


def log_if(level: int, msg: str, condition: bool, *args: Any) -> None:
    """Logs `msg % args` at `level` when `condition` holds."""
    if condition:
        _logger.log(level, msg, *args)


def _count_call_site() -> int:
    """How many times the caller of the log_* function reached this line before (0 the first time)."""
    frame = sys._getframe(2)
    site = (frame.f_code.co_filename, frame.f_lineno)
    count = _site_counts.get(site, 0)
    _site_counts[site] = count + 1
    return count


def log_every_n(level: int, msg: str, n: int, *args: Any) -> None:
    """Logs on the 1st, (n+1)th, (2n+1)th ... call from the same line of the program."""
    log_if(level, msg, _count_call_site() % max(int(n), 1) == 0, *args)


def log_first_n(level: int, msg: str, n: int, *args: Any) -> None:
    """Logs only the first `n` calls from the same line of the program."""
    log_if(level, msg, _count_call_site() < n, *args)


def placement(msg: str, *args: Any) -> None:
    """Logs a device placement line (shown whatever the verbosity, as TF1's placement log)."""
    _placement_logger.info(msg, *args)
