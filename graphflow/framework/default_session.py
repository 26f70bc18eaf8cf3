"""The stack of default sessions (`with sess:` / `sess.as_default()`), per thread.

It lives in framework/ because `Tensor.eval`, `Operation.run` and `Variable.load` need the
default session, and framework/ sits below session/ in the import order
(framework -> api -> compiler -> backends -> session): sessions push themselves here.
"""

from __future__ import annotations

import threading
from typing import Any


class _DefaultSessionStack(threading.local):
    def __init__(self) -> None:
        self.stack: list[Any] = []


_default_sessions = _DefaultSessionStack()


def push(session: Any) -> None:
    """Makes `session` the default session of this thread (until `pop`)."""
    _default_sessions.stack.append(session)


def pop() -> None:
    """Restores the previous default session of this thread."""
    _default_sessions.stack.pop()


def get_default_session() -> Any:
    """The innermost session entered with `with sess:` / `sess.as_default()`, or None."""
    stack = _default_sessions.stack
    return stack[-1] if stack else None


def session_for(session: Any, graph: Any) -> Any:
    """The session `Tensor.eval` / `Operation.run` / `Variable.load` should use.

    Args:
        session: the session the caller passed, or None for the default session.
        graph: the graph of the tensor, op or variable.

    Returns:
        The session.

    Raises:
        ValueError: no session given and none is the default, or the graphs differ (TF1).
    """
    if session is None:
        session = get_default_session()
        if session is None:
            raise ValueError(
                "Cannot evaluate tensor using `eval()`: No default session is registered. Use "
                "`with sess.as_default()` or pass an explicit session to `eval(session=sess)`"
            )
    if session.graph is not graph:
        raise ValueError(
            "Cannot use the given session to evaluate tensor: the tensor's graph is different "
            "from the session's graph."
        )
    return session
