"""GF_DEBUG: what the compiler and the backends print to stderr while compiling.

    GF_DEBUG=1  each bound plan: its IR (assign targets, small constants, fused rows, @host),
                and each sub-plan of a loop or branch when it is compiled ("sub-plan of ...")
    GF_DEBUG=2  and the generated plan function and the generated kernel sources
    GF_DEBUG=3  and the IR after each compiler pass (graphflow.compiler.passes.PASSES)
"""

from __future__ import annotations

import os
import sys


def debug_level() -> int:
    """The GF_DEBUG level (0 when unset; a non-number counts as 1)."""
    value = os.environ.get("GF_DEBUG", "").strip()
    if not value:
        return 0
    try:
        return max(0, int(value))
    except ValueError:
        return 1


def write(text: str) -> None:
    """Writes one debug block to stderr (the debug output is for people, not for logs)."""
    sys.stderr.write(text if text.endswith("\n") else text + "\n")
