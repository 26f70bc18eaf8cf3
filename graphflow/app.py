"""`tf.app`: `tf.app.run(main)` parses the flags and exits with what `main(argv)` returns, as TF1."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from graphflow import flags

__all__ = ["flags", "run"]

# absl's help flags (its `-h` is not one: it reaches main as an argument).
_HELP_FLAGS = {f"{dashes}{name}" for dashes in ("-", "--") for name in ("help", "helpshort", "helpfull", "?")}


def run(main: Callable[[list[str]], Any] | None = None, argv: Sequence[str] | None = None) -> NoReturn:
    """Parses the command line into `tf.flags.FLAGS`, calls `main(argv)`, exits with its result.

    Unknown flags are kept in the argv given to `main` (TF1 tolerates them); `--help`, `-?`,
    `--helpshort` or `--helpfull` prints the defined flags and exits with status 1, as absl.

    Args:
        main: called with argv[0] followed by the arguments that are not defined flags; the
            `main` function of the `__main__` module when None.
        argv: the command line; `sys.argv` when None.

    Raises:
        SystemExit: always, with `main`'s return value as the exit status.
        tf.flags.IllegalFlagValueError: a flag value that does not parse.
    """
    args = list(sys.argv if argv is None else argv)
    if _HELP_FLAGS.intersection(args[1:]):
        sys.stdout.write(f"\n       USAGE: {args[0]} [flags]\nflags:\n{flags.FLAGS.get_help()}\n")
        sys.exit(1)
    remaining = flags.FLAGS(args, known_only=True)
    if main is None:
        main = sys.modules["__main__"].main
    sys.exit(main(remaining))
