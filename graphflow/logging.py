"""`tf.logging`: TF1's logging shorthands on top of Python's `logging` ("graphflow" logger)."""

from __future__ import annotations

import logging as _logging
from typing import Any

DEBUG = _logging.DEBUG
INFO = _logging.INFO
WARN = _logging.WARNING
WARNING = _logging.WARNING
ERROR = _logging.ERROR
FATAL = _logging.CRITICAL

_logger = _logging.getLogger("graphflow")


def set_verbosity(level: int) -> None:
    """Sets the threshold of graphflow's logger."""
    _logger.setLevel(level)


def get_verbosity() -> int:
    return _logger.getEffectiveLevel()


def debug(msg: str, *args: Any) -> None:
    _logger.debug(msg, *args)


def info(msg: str, *args: Any) -> None:
    _logger.info(msg, *args)


def warning(msg: str, *args: Any) -> None:
    _logger.warning(msg, *args)


warn = warning


def error(msg: str, *args: Any) -> None:
    _logger.error(msg, *args)
