"""User-facing progress lines of the callbacks' `verbose` modes.

Keras 2 prints these lines to standard output (they are part of what a user reads while `fit`
runs, not log records), so they go to `sys.stdout`, looked up at call time so that redirection
(pytest's capsys, `contextlib.redirect_stdout`) sees them.
"""

from __future__ import annotations

import sys


def print_msg(message: str) -> None:
    """Writes `message` and a newline to the current standard output and flushes it."""
    sys.stdout.write(message + "\n")
    sys.stdout.flush()
