"""TF1's rules for the names of ops and name scopes, applied wherever a name enters a graph.

A name is what a graph file, a user or a layer chooses; everything downstream (plans, drawings,
checkpoints, error messages) may assume it matches these patterns. TF 1.15 checks an op's full
name against `_VALID_OP_NAME_REGEX` when the op is created and a scope name against
`_VALID_SCOPE_NAME_REGEX` (nested scopes) or the op pattern (scopes at the root) when the scope is
entered. Python's `$` also matches before a final newline, so TF1 leaves "x\\n" to its C++ layer;
here the whole string must match (`fullmatch`), which rejects it at once.
"""

from __future__ import annotations

import re
from typing import Any

#: An op's full name: a letter, digit or dot, then letters, digits and `_ . - / >`.
OP_NAME = re.compile(r"[A-Za-z0-9.][A-Za-z0-9_.\-/>]*")
#: A scope name opened inside another scope may also start with `_ - / >`.
SCOPE_NAME = re.compile(r"[A-Za-z0-9_.\-/>]*")


def is_valid_op_name(name: Any) -> bool:
    """Whether `name` is a string TF1 accepts as an op's full name."""
    return isinstance(name, str) and OP_NAME.fullmatch(name) is not None


def check_op_name(name: Any) -> str:
    """Returns `name` if it is a valid op name.

    Raises:
        ValueError: TF1's "'name' is not a valid node name".
    """
    if not is_valid_op_name(name):
        raise ValueError(f"{_quoted(name)} is not a valid node name")
    return name


def check_scope_name(name: Any, nested: bool) -> str:
    """Returns `name` if it may open a name scope (`nested`: inside another scope, where the
    first character may also be `_ - / >`; at the root the op-name rule applies, as TF1).

    Raises:
        ValueError: TF1's "'name' is not a valid scope name".
    """
    pattern = SCOPE_NAME if nested else OP_NAME
    if not isinstance(name, str) or pattern.fullmatch(name) is None:
        raise ValueError(f"{_quoted(name)} is not a valid scope name")
    return name


def _quoted(name: Any) -> str:
    """TF1's `'%s'` of the name, but with control characters escaped and very long names cut,
    so a hostile name cannot forge lines or flood a log through the error message."""
    text = name if isinstance(name, str) else repr(name)
    if len(text) > 200:
        text = f"{text[:200]}...({len(text)} characters)"
    if text.isprintable():
        return f"'{text}'"
    return repr(text)
