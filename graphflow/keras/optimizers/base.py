"""The Keras 2 optimizer base (OptimizerV2 in TF1 graph mode): hyperparameter Variables
(`learning_rate`, `decay`), an `iterations` counter, slot Variables per weight, and
`get_updates(loss, params)` returning the assign ops of one training step.

Variables live under the name scope `training/<Name>/` as in tf_keras' v1 mode
(`training/Adam/iter:0`, `training/Adam/dense/kernel/m:0`); `weights` is `[iterations]` then the
slots, slot kind by slot kind (all `m`, then all `v`), as tf_keras orders them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import graphflow as _tf
from graphflow.framework.graph import get_default_graph
from graphflow.keras import backend as K

_ALLOWED = {"clipnorm", "clipvalue", "lr", "decay", "global_clipnorm"}


class Optimizer:
    """Base class of Keras optimizers.

    Args:
        name: the optimizer name (its variables' name scope).
        learning_rate: a float or a `keras.optimizers.schedules` schedule.
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient elementwise to [-clipvalue, clipvalue].
        decay: time-based decay: lr / (1 + decay * iterations).
        lr: old name of `learning_rate`.

    Raises:
        TypeError: for an unknown keyword argument.
    """

    slot_names: tuple[str, ...] = ()

    def __init__(self, name: str, learning_rate: Any = 0.001, **kwargs: Any) -> None:
        unknown = set(kwargs) - _ALLOWED
        if unknown:
            raise TypeError(f"Unexpected keyword argument passed to optimizer: {sorted(unknown)[0]}")
        if "lr" in kwargs:
            learning_rate = kwargs.pop("lr")
        self._name = name
        self._initial_lr = learning_rate
        self._initial_decay = float(kwargs.get("decay", 0.0))
        if self._initial_decay < 0:
            raise ValueError(f"decay cannot be less than 0. Received: decay={self._initial_decay}.")
        self.clipnorm = kwargs.get("clipnorm")
        self.clipvalue = kwargs.get("clipvalue")
        self._hyper_vars: dict[str, Any] = {}
        self._iterations: Any = None
        self._slots: dict[str, list[Any]] = {}
        self._graph: Any = None

    # --- variables ---------------------------------------------------------------------------

    def _scope(self) -> str:
        return f"training/{self._name}/"

    def _make(self, name: str, value: Any, dtype: Any = "float32") -> Any:
        graph = get_default_graph()
        self._graph = graph
        with graph.control_dependencies(None), graph.name_scope(self._scope()):
            return _tf.Variable(np.asarray(value, dtype=_tf.as_dtype(dtype).as_numpy_dtype), name=name,
                                trainable=False)

    def _hyper(self, name: str) -> Any:
        if name not in self._hyper_vars:
            initial = {"learning_rate": self._initial_lr, "decay": self._initial_decay}[name]
            self._hyper_vars[name] = self._make(name, initial)
        return self._hyper_vars[name]

    @property
    def iterations(self) -> Any:
        """The int64 step counter (incremented by each training step)."""
        if self._iterations is None:
            self._iterations = self._make("iter", 0, "int64")
        return self._iterations

    @property
    def learning_rate(self) -> Any:
        """The learning rate: a Variable (readable/settable with `K.get_value/K.set_value`), or the
        schedule given to the constructor."""
        if _is_schedule(self._initial_lr):
            return self._initial_lr
        return self._hyper("learning_rate")

    lr = learning_rate

    @property
    def decay(self) -> Any:
        """The time-based decay factor (a Variable)."""
        return self._hyper("decay")

    def _create_slots(self, params: list[Any]) -> None:
        for slot in self.slot_names:
            self._slots[slot] = [self._slot(var, slot) for var in params]

    def _slot(self, var: Any, slot: str, value: float = 0.0) -> Any:
        shape = var.shape.as_list()
        base = var.op.name
        return self._make(f"{base}/{slot}", np.full(shape, value, np.float32))

    @property
    def weights(self) -> list[Any]:
        """`[iterations]` then the slot Variables (slot kind by slot kind)."""
        slots = [v for name in self._weight_slot_order() for v in self._slots.get(name, [])]
        return [self.iterations] + self._extra_weights() + slots

    variables = weights

    def _weight_slot_order(self) -> tuple[str, ...]:
        return self.slot_names

    def _extra_weights(self) -> list[Any]:
        return []

    def get_weights(self) -> list[np.ndarray]:
        """The values of `weights`."""
        return K.batch_get_value(self.weights)

    def set_weights(self, weights: list[Any]) -> None:
        """Loads values into `weights`.

        Raises:
            ValueError: when the count or a shape differs (nothing is loaded).
        """
        params = self.weights
        if len(params) != len(weights):
            raise ValueError(f"Length of the specified weight list ({len(weights)}) does not match the "
                             f"number of weights of the optimizer ({len(params)})")
        for param, value in zip(params, weights):
            if tuple(param.shape.as_list()) != np.shape(value):
                raise ValueError(f"Optimizer weight shape {tuple(param.shape.as_list())} not compatible "
                                 f"with provided weight shape {np.shape(value)}")
        K.batch_set_value(list(zip(params, weights)))

    # --- the step ----------------------------------------------------------------------------

    def _decayed_lr(self) -> Any:
        step = _tf.cast(self.iterations, "float32")
        if _is_schedule(self._initial_lr):
            lr = _tf.cast(self._initial_lr(step), "float32")
        else:
            lr = _tf.identity(self.learning_rate)
        if self._initial_decay > 0:
            lr = lr / (1.0 + self.decay * step)
        return lr

    def get_gradients(self, loss: Any, params: list[Any]) -> list[Any]:
        """Gradients of `loss`, clipped by `clipnorm`/`clipvalue`.

        Raises:
            ValueError: when a weight gets no gradient.
        """
        grads = _tf.gradients(loss, params)
        for grad, param in zip(grads, params):
            if grad is None:
                raise ValueError(f"Variable {param} has `None` for gradient. Please make sure that all of "
                                 "your ops have a gradient defined (i.e. are differentiable).")
        if self.clipnorm is not None:
            grads = [_tf.clip_by_norm(g, self.clipnorm) for g in grads]
        if self.clipvalue is not None:
            grads = [_tf.clip_by_value(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def get_updates(self, loss: Any, params: list[Any]) -> list[Any]:
        """The ops of one training step: every weight updated, then `iterations` incremented.

        Returns:
            A list of ops (run together in one `sess.run`).
        """
        params = list(params)
        grads = self.get_gradients(loss, params)
        graph = get_default_graph()
        self.iterations  # noqa: B018  (created first so it leads `weights`)
        self._create_slots(params)
        with graph.name_scope(self._scope()):
            lr = self._decayed_lr()
            local_step = _tf.cast(self.iterations, "float32") + 1.0
            updates = []
            for index, (grad, var) in enumerate(zip(grads, params)):
                slots = {name: self._slots[name][index] for name in self._slots}
                constraint = getattr(var, "constraint", None)
                if constraint is None:  # a constraint applies to the new value: op by op
                    fused = self._fused_update(grad, var, slots, lr, local_step)
                    if fused is not None:
                        updates.append(fused)
                        continue
                new_value = self._apply(grad, var, slots, lr, local_step, updates)
                if constraint is not None:
                    new_value = constraint(new_value)
                updates.append(_tf.assign(var, new_value))
            with graph.control_dependencies(updates):
                step = _tf.assign_add(self.iterations, _tf.constant(1, "int64"))
        return updates + [step]

    def _fused_update(self, grad: Any, var: Any, slots: dict[str, Any], lr: Any, step: Any) -> Any:
        """The weight's update as one fused op (graphflow.train.training_ops, what tf_keras
        runs: ResourceApplyAdam, ...), or None where the rule has none: then `_apply` builds it
        op by op."""
        return None

    def _apply(self, grad: Any, var: Any, slots: dict[str, Any], lr: Any, step: Any,
               updates: list[Any]) -> Any:
        """The weight's new value; slot assigns are appended to `updates`."""
        raise NotImplementedError

    def minimize(self, loss: Any, var_list: list[Any]) -> Any:
        """One op applying `get_updates(loss, var_list)`."""
        return _tf.group(*self.get_updates(loss, var_list))

    # --- config ------------------------------------------------------------------------------

    def _hyper_value(self, name: str, fallback: Any) -> Any:
        variable = self._hyper_vars.get(name)
        if variable is None:
            return fallback
        return float(K.get_value(variable))

    def get_config(self) -> dict[str, Any]:
        """Keras 2's keys: `name`, `learning_rate`, `decay` and the optimizer's own (plus
        `clipnorm`/`clipvalue` when set)."""
        lr = self._initial_lr
        if _is_schedule(lr):
            from graphflow.keras.optimizers.schedules import serialize as serialize_schedule
            lr = serialize_schedule(lr)
        else:
            lr = self._hyper_value("learning_rate", float(lr))
        config: dict[str, Any] = {"name": self._name, "learning_rate": lr,
                                  "decay": self._hyper_value("decay", self._initial_decay)}
        if self.clipnorm is not None:
            config["clipnorm"] = self.clipnorm
        if self.clipvalue is not None:
            config["clipvalue"] = self.clipvalue
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Optimizer:
        """An optimizer from its config."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            from graphflow.keras.optimizers.schedules import deserialize as deserialize_schedule
            config["learning_rate"] = deserialize_schedule(config["learning_rate"])
        return cls(**config)


def _is_schedule(value: Any) -> bool:
    from graphflow.keras.optimizers.schedules import LearningRateSchedule
    return isinstance(value, LearningRateSchedule)


def assign_slot(updates: list[Any], slot: Any, value: Any) -> Any:
    """Appends `slot = value` to `updates` and returns the assigned value tensor."""
    op = _tf.assign(slot, value)
    updates.append(op)
    return op
