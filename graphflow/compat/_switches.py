"""The execution-mode switches of `tensorflow.compat.v1` (`tf.disable_v2_behavior()`, ...).

graphflow only has TF1 graph behaviour, so switching TF2 behaviour off is accepted and does
nothing, while asking for eager execution or TF2 behaviour is a clear error rather than a
silent difference.
"""

from __future__ import annotations

from typing import Any


def disable_v2_behavior() -> None:
    """Accepted for `tensorflow.compat.v1` scripts: graphflow only has TF1 behaviour."""


def disable_eager_execution() -> None:
    """Accepted for compatibility: graphflow always builds graphs."""


def disable_v2_tensorshape() -> None:
    """Accepted for compatibility: graphflow's TensorShape is TF1's (indexing gives
    `Dimension`s)."""


def disable_resource_variables() -> None:
    """Accepted for compatibility: graphflow's variables are TF1's reference variables."""


def executing_eagerly() -> bool:
    """False: graphflow builds graphs and runs them in a `tf.Session`."""
    return False


def executing_eagerly_outside_functions() -> bool:
    """False: graphflow never executes eagerly."""
    return False


def _refuse(what: str) -> None:
    raise NotImplementedError(
        f"tf.{what}() is not supported: graphflow runs TF1 graphs in a tf.Session only (build "
        "the graph, then sess.run it)")


def enable_eager_execution(config: Any = None, device_policy: Any = None,
                           execution_mode: Any = None) -> None:
    """Raises NotImplementedError: graphflow has no eager execution."""
    _refuse("enable_eager_execution")


def enable_v2_behavior() -> None:
    """Raises NotImplementedError: graphflow has only TF1 behaviour."""
    _refuse("enable_v2_behavior")
