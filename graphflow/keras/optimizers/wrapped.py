"""graphflow's extra optimizers (AdamW, RAdam, Lookahead, Ranger) as Keras optimizers: each
wraps the `graphflow.train` optimizer of the same rule, fed the Keras `learning_rate` Variable,
so `K.set_value(model.optimizer.lr, ...)` and the callbacks work the same way."""

from __future__ import annotations

from typing import Any

import graphflow as _tf
from graphflow.framework.graph import get_default_graph
from graphflow.keras.optimizers.base import Optimizer
from graphflow.train.adamw import AdamWOptimizer
from graphflow.train.lookahead import LookaheadOptimizer
from graphflow.train.radam import RAdamOptimizer
from graphflow.train.ranger import RangerOptimizer


class _Wrapped(Optimizer):
    """Runs a `graphflow.train` optimizer's `apply_gradients` as the Keras update."""

    def __init__(self, name: str, learning_rate: Any, options: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(name, learning_rate, **kwargs)
        self._options = options
        self._inner: Any = None

    def _make_inner(self, lr: Any) -> Any:
        raise NotImplementedError

    def get_updates(self, loss: Any, params: list[Any]) -> list[Any]:
        params = list(params)
        grads = self.get_gradients(loss, params)
        graph = get_default_graph()
        self.iterations  # noqa: B018  (created first so it leads `weights`)
        with graph.name_scope(self._scope()):
            lr = self._decayed_lr()
        self._inner = self._make_inner(lr)
        apply = self._inner.apply_gradients(list(zip(grads, params)))
        with graph.control_dependencies([apply]):
            step = _tf.assign_add(self.iterations, _tf.constant(1, "int64"))
        return [apply, step]

    @property
    def weights(self) -> list[Any]:
        inner = self._inner.variables() if self._inner is not None else []
        return [self.iterations] + inner

    variables = weights

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), **self._options}


class AdamW(_Wrapped):
    """Adam with decoupled weight decay (see `tf.train.AdamWOptimizer`)."""

    def __init__(self, weight_decay: float = 0.004, learning_rate: Any = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7, amsgrad: bool = False, name: str = "AdamW",
                 **kwargs: Any) -> None:
        super().__init__(name, learning_rate, {"weight_decay": weight_decay, "beta_1": beta_1, "beta_2": beta_2,
                                                "epsilon": epsilon, "amsgrad": amsgrad}, **kwargs)

    def _make_inner(self, lr: Any) -> Any:
        o = self._options
        return AdamWOptimizer(o["weight_decay"], lr, o["beta_1"], o["beta_2"], o["epsilon"], name=self._name,
                              amsgrad=o["amsgrad"])


class RAdam(_Wrapped):
    """Rectified Adam (see `tf.train.RAdamOptimizer`)."""

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, name: str = "RAdam", **kwargs: Any) -> None:
        options = {"beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon}
        super().__init__(name, learning_rate, options, **kwargs)

    def _make_inner(self, lr: Any) -> Any:
        o = self._options
        return RAdamOptimizer(lr, o["beta_1"], o["beta_2"], o["epsilon"], name=self._name)


class Ranger(_Wrapped):
    """RAdam inside Lookahead (see `tf.train.RangerOptimizer`)."""

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.95, beta_2: float = 0.999,
                 epsilon: float = 1e-5, sync_period: int = 6, slow_step_size: float = 0.5,
                 name: str = "Ranger", **kwargs: Any) -> None:
        super().__init__(name, learning_rate, {"beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon,
                                                "sync_period": sync_period, "slow_step_size": slow_step_size},
                         **kwargs)

    def _make_inner(self, lr: Any) -> Any:
        o = self._options
        return RangerOptimizer(lr, o["beta_1"], o["beta_2"], o["epsilon"], o["sync_period"],
                               o["slow_step_size"], name=self._name)


class Lookahead(_Wrapped):
    """Lookahead around another Keras optimizer's rule (SGD, Adam, ... or a graphflow.train one).

    Args:
        optimizer: the inner ("fast") optimizer: a Keras optimizer of this module's wrapped kinds,
            or a `graphflow.train` optimizer.
        sync_period: steps between two slow-weight syncs.
        slow_step_size: how far the slow weights move toward the fast ones.
    """

    def __init__(self, optimizer: Any = None, sync_period: int = 6, slow_step_size: float = 0.5,
                 name: str = "Lookahead", **kwargs: Any) -> None:
        base = optimizer if optimizer is not None else _tf.train.AdamOptimizer(0.001)
        lr = kwargs.pop("learning_rate", 0.001)
        super().__init__(name, lr, {"sync_period": sync_period, "slow_step_size": slow_step_size}, **kwargs)
        self._base = base

    def _make_inner(self, lr: Any) -> Any:
        base = self._base
        if isinstance(base, _Wrapped):
            base = base._make_inner(lr)
        elif isinstance(base, Optimizer):
            raise ValueError("Lookahead wraps graphflow.train optimizers or AdamW/RAdam/Ranger; "
                             f"got {type(base).__name__}")
        o = self._options
        return LookaheadOptimizer(base, o["sync_period"], o["slow_step_size"], name=self._name)
