"""Keras 2's optimizers (tf_keras' legacy OptimizerV2 update rules and defaults: epsilon 1e-7,
epsilon outside the square root), one class per rule."""

from __future__ import annotations

from typing import Any

import graphflow as _tf
from graphflow.keras.optimizers.base import Optimizer, assign_slot
from graphflow.train import training_ops


def _typed(var: Any, *values: Any) -> list[Any]:
    """Hyperparameters as tensors of the weight's dtype (what the fused ops take)."""
    return [_tf.cast(v, var.dtype) for v in values]


class SGD(Optimizer):
    """Gradient descent with optional (Nesterov) momentum: v = momentum v - lr g; w += v
    (Nesterov: w += momentum v - lr g)."""

    def __init__(self, learning_rate: Any = 0.01, momentum: float = 0.0, nesterov: bool = False,
                 name: str = "SGD", **kwargs: Any) -> None:
        super().__init__(name, learning_rate, **kwargs)
        if not 0 <= momentum <= 1:
            raise ValueError("`momentum` must be between [0, 1].")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)
        self.slot_names = ("momentum",) if self.momentum else ()

    def _fused_update(self, grad, var, slots, lr, step):
        if not self.momentum:
            return training_ops.apply_gradient_descent(var, *_typed(var, lr), grad)
        lr, momentum = _typed(var, lr, self.momentum)
        return training_ops.apply_keras_momentum(var, slots["momentum"], lr, grad, momentum,
                                                 use_nesterov=self.nesterov)

    def _apply(self, grad, var, slots, lr, step, updates):
        if not self.momentum:
            return var - lr * grad
        velocity = assign_slot(updates, slots["momentum"], self.momentum * slots["momentum"] - lr * grad)
        if self.nesterov:
            return var + self.momentum * velocity - lr * grad
        return var + velocity

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class RMSprop(Optimizer):
    """rms = rho rms + (1 - rho) g^2; w -= lr g / (sqrt(rms) + epsilon) (with momentum and
    `centered` as Keras 2)."""

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.9, momentum: float = 0.0,
                 epsilon: float = 1e-7, centered: bool = False, name: str = "RMSprop", **kwargs: Any) -> None:
        super().__init__(name, learning_rate, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = float(rho), float(momentum), epsilon, centered
        self.slot_names = ("rms",) + (("momentum",) if momentum else ()) + (("mg",) if centered else ())

    def _fused_update(self, grad, var, slots, lr, step):
        if not self.momentum:  # tf_keras' rule without momentum has epsilon outside the root
            return None
        lr, rho, momentum, epsilon = _typed(var, lr, self.rho, self.momentum, self.epsilon)
        if self.centered:
            return training_ops.apply_centered_rms_prop(var, slots["mg"], slots["rms"],
                                                        slots["momentum"], lr, rho, momentum,
                                                        epsilon, grad)
        return training_ops.apply_rms_prop(var, slots["rms"], slots["momentum"], lr, rho, momentum,
                                           epsilon, grad)

    def _apply(self, grad, var, slots, lr, step, updates):
        rms = assign_slot(updates, slots["rms"], self.rho * slots["rms"] + (1 - self.rho) * _tf.square(grad))
        denominator = rms
        if self.centered:
            mg = assign_slot(updates, slots["mg"], self.rho * slots["mg"] + (1 - self.rho) * grad)
            denominator = rms - _tf.square(mg)
        if self.momentum:
            mom = assign_slot(updates, slots["momentum"], self.momentum * slots["momentum"] +
                              lr * grad / _tf.sqrt(denominator + self.epsilon))
            return var - mom
        return var - lr * grad / (_tf.sqrt(denominator) + self.epsilon)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                "centered": self.centered}


class Adagrad(Optimizer):
    """accum += g^2; w -= lr g / (sqrt(accum) + epsilon)."""

    slot_names = ("accumulator",)

    def __init__(self, learning_rate: Any = 0.001, initial_accumulator_value: float = 0.1,
                 epsilon: float = 1e-7, name: str = "Adagrad", **kwargs: Any) -> None:
        super().__init__(name, learning_rate, **kwargs)
        self.initial_accumulator_value, self.epsilon = float(initial_accumulator_value), epsilon

    def _create_slots(self, params):
        self._slots["accumulator"] = [self._slot(v, "accumulator", self.initial_accumulator_value)
                                      for v in params]

    def _fused_update(self, grad, var, slots, lr, step):
        return training_ops.apply_adagrad_v2(var, slots["accumulator"],
                                             *_typed(var, lr, self.epsilon), grad)

    def _apply(self, grad, var, slots, lr, step, updates):
        accum = assign_slot(updates, slots["accumulator"], slots["accumulator"] + _tf.square(grad))
        return var - lr * grad / (_tf.sqrt(accum) + self.epsilon)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}


class Adadelta(Optimizer):
    """Adadelta: running averages of squared gradients and squared updates (rho), step scaled
    by lr."""

    slot_names = ("accum_grad", "accum_var")

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.95, epsilon: float = 1e-7,
                 name: str = "Adadelta", **kwargs: Any) -> None:
        super().__init__(name, learning_rate, **kwargs)
        self.rho, self.epsilon = float(rho), epsilon

    def _fused_update(self, grad, var, slots, lr, step):
        return training_ops.apply_adadelta(var, slots["accum_grad"], slots["accum_var"],
                                           *_typed(var, lr, self.rho, self.epsilon), grad)

    def _apply(self, grad, var, slots, lr, step, updates):
        accum = assign_slot(updates, slots["accum_grad"],
                            self.rho * slots["accum_grad"] + (1 - self.rho) * _tf.square(grad))
        delta = _tf.sqrt(slots["accum_var"] + self.epsilon) / _tf.sqrt(accum + self.epsilon) * grad
        assign_slot(updates, slots["accum_var"],
                    self.rho * slots["accum_var"] + (1 - self.rho) * _tf.square(delta))
        return var - lr * delta

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}


class Adam(Optimizer):
    """Adam: lr_t = lr sqrt(1 - beta_2^t) / (1 - beta_1^t); w -= lr_t m / (sqrt(v) + epsilon);
    `amsgrad` uses the running maximum of v."""

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, amsgrad: bool = False, name: str = "Adam", **kwargs: Any) -> None:
        super().__init__(name, learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = float(beta_1), float(beta_2), epsilon, amsgrad
        self.slot_names = ("m", "v", "vhat") if amsgrad else ("m", "v")

    def _fused_update(self, grad, var, slots, lr, step):
        if self.amsgrad:
            return None
        powers = _tf.pow(self.beta_1, step), _tf.pow(self.beta_2, step)
        return training_ops.apply_adam(
            var, slots["m"], slots["v"],
            *_typed(var, *powers, lr, self.beta_1, self.beta_2, self.epsilon), grad)

    def _apply(self, grad, var, slots, lr, step, updates):
        lr_t = lr * _tf.sqrt(1.0 - _tf.pow(self.beta_2, step)) / (1.0 - _tf.pow(self.beta_1, step))
        m = assign_slot(updates, slots["m"], self.beta_1 * slots["m"] + (1 - self.beta_1) * grad)
        v = assign_slot(updates, slots["v"], self.beta_2 * slots["v"] + (1 - self.beta_2) * _tf.square(grad))
        if self.amsgrad:
            v = assign_slot(updates, slots["vhat"], _tf.maximum(slots["vhat"], v))
        return var - lr_t * m / (_tf.sqrt(v) + self.epsilon)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "amsgrad": self.amsgrad}


class Adamax(Optimizer):
    """Adamax: u = max(beta_2 u, |g|); w -= lr / (1 - beta_1^t) m / (u + epsilon)."""

    slot_names = ("m", "v")

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, name: str = "Adamax", **kwargs: Any) -> None:
        super().__init__(name, learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), epsilon

    def _fused_update(self, grad, var, slots, lr, step):
        return training_ops.apply_ada_max(
            var, slots["m"], slots["v"],
            *_typed(var, _tf.pow(self.beta_1, step), lr, self.beta_1, self.beta_2, self.epsilon),
            grad)

    def _apply(self, grad, var, slots, lr, step, updates):
        m = assign_slot(updates, slots["m"], self.beta_1 * slots["m"] + (1 - self.beta_1) * grad)
        u = assign_slot(updates, slots["v"], _tf.maximum(self.beta_2 * slots["v"], _tf.abs(grad)))
        return var - lr / (1.0 - _tf.pow(self.beta_1, step)) * m / (u + self.epsilon)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


class Nadam(Optimizer):
    """Nesterov Adam with Keras 2's momentum schedule (mu_t = beta_1 (1 - 0.5 * 0.96^(0.004 t)))
    and its `momentum_cache` product variable."""

    slot_names = ("m", "v")

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, name: str = "Nadam", **kwargs: Any) -> None:
        super().__init__(name, learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), epsilon
        self._m_cache: Any = None
        self._m_schedule: dict[str, Any] = {}

    def _extra_weights(self) -> list[Any]:
        return [self._m_cache] if self._m_cache is not None else []

    def _create_slots(self, params):
        if self._m_cache is None:
            self._m_cache = self._make("momentum_cache", 1.0)
        super()._create_slots(params)

    def get_updates(self, loss, params):
        self._m_schedule = {}
        updates = super().get_updates(loss, params)
        return updates[:-1] + [_tf.assign(self._m_cache, self._m_schedule["new"])] + updates[-1:]

    def _apply(self, grad, var, slots, lr, step, updates):
        if not self._m_schedule:
            mu_t = self.beta_1 * (1.0 - 0.5 * _tf.pow(0.96, 0.004 * step))
            mu_t1 = self.beta_1 * (1.0 - 0.5 * _tf.pow(0.96, 0.004 * (step + 1.0)))
            new = self._m_cache * mu_t
            self._m_schedule = {"mu_t": mu_t, "mu_t1": mu_t1, "new": new, "next": new * mu_t1}
        s = self._m_schedule
        g_prime = grad / (1.0 - s["new"])
        m = assign_slot(updates, slots["m"], self.beta_1 * slots["m"] + (1 - self.beta_1) * grad)
        m_prime = m / (1.0 - s["next"])
        v = assign_slot(updates, slots["v"], self.beta_2 * slots["v"] + (1 - self.beta_2) * _tf.square(grad))
        v_prime = v / (1.0 - _tf.pow(self.beta_2, step))
        m_bar = (1.0 - s["mu_t"]) * g_prime + s["mu_t1"] * m_prime
        return var - lr * m_bar / (_tf.sqrt(v_prime) + self.epsilon)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
