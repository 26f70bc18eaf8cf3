"""TF1's `training_ops` module: one function per fused optimizer update op (ops/training_ops.py).

`apply_adam(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad)` adds one
`ApplyAdam` op that updates `var`, `m` and `v` and returns the variable's new value, as TF1's
`tensorflow.python.training.training_ops.apply_adam`. Variable arguments take a `Variable` (or
its `VariableV2` tensor); the others anything `convert_to_tensor` takes, converted to the
variable's dtype.
"""

from __future__ import annotations

from typing import Any

from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.graph import get_default_graph
from graphflow.framework.tensor import Tensor
from graphflow.framework.variables import _ref_of
from graphflow.ops.training_ops import RULES


def apply_update(op_type: str, *args: Any, name: str | None = None, **attrs: Any) -> Tensor:
    """Adds the fused update op `op_type` (e.g. "ApplyAdam") on `args`, in TF1's input order.

    Args:
        op_type: one of ops/_update_rules.py's rules.
        *args: the op's inputs: Variables at the rule's reference positions, values elsewhere.
        name: the op's name (default: the op type).
        **attrs: the op's attributes (use_locking, use_nesterov, update_slots).

    Returns:
        The variable's new value.

    Raises:
        TypeError: for a non-variable at a reference position, or a value of another dtype.
        ValueError: for a wrong argument count, an unknown attribute, or shapes that differ.
    """
    rule = RULES[op_type]
    if len(args) != len(rule.inputs):
        raise ValueError(f"{op_type} takes {len(rule.inputs)} inputs ({', '.join(rule.inputs)}), "
                         f"got {len(args)}")
    unknown = set(attrs) - set(rule.defaults)
    if unknown:
        raise ValueError(f"{op_type} has no attribute {sorted(unknown)}")
    var = _ref_of(args[0])
    inputs = [_ref_of(a) if n in rule.refs else convert_to_tensor(a, dtype=var.dtype)
              for n, a in zip(rule.inputs, args)]
    graph = get_default_graph()  # an update inside a function body belongs to the body
    graph = graph if graph.building_function and graph.encloses(var.graph) else var.graph
    values = {k: bool(v) for k, v in {**rule.defaults, **attrs}.items()}
    return graph.create_op(op_type, inputs, values, name or op_type).outputs[0]


def apply_gradient_descent(var, alpha, delta, use_locking=False, name=None) -> Tensor:
    """var -= alpha * delta.

    Args:
        TF1's inputs and attributes of the op, in its order (see `apply_update`).

    Returns:
        The variable's new value.
    """
    return apply_update("ApplyGradientDescent", var, alpha, delta, name=name,
                        use_locking=use_locking)


def apply_momentum(var, accum, lr, grad, momentum, use_locking=False, use_nesterov=False,
                   name=None) -> Tensor:
    """accum = accum * momentum + grad; var -= lr * accum (Nesterov: lr * (grad + momentum *
    accum)).

    Args:
        TF1's inputs and attributes of the op, in its order (see `apply_update`).

    Returns:
        The variable's new value.
    """
    return apply_update("ApplyMomentum", var, accum, lr, grad, momentum, name=name,
                        use_locking=use_locking, use_nesterov=use_nesterov)


def apply_keras_momentum(var, accum, lr, grad, momentum, use_locking=False, use_nesterov=False,
                         name=None) -> Tensor:
    """accum = accum * momentum - lr * grad; var += accum (Nesterov: momentum * accum - lr *
    grad).

    Args:
        TF1's inputs and attributes of the op, in its order (see `apply_update`).

    Returns:
        The variable's new value.
    """
    return apply_update("ApplyKerasMomentum", var, accum, lr, grad, momentum, name=name,
                        use_locking=use_locking, use_nesterov=use_nesterov)


def apply_adam(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad,
               use_locking=False, use_nesterov=False, name=None) -> Tensor:
    """Adam's step with lr_t = lr * sqrt(1 - beta2_power) / (1 - beta1_power).

    Args:
        TF1's inputs and attributes of the op, in its order (see `apply_update`).

    Returns:
        The variable's new value.
    """
    return apply_update("ApplyAdam", var, m, v, beta1_power, beta2_power, lr, beta1, beta2,
                        epsilon, grad, name=name, use_locking=use_locking,
                        use_nesterov=use_nesterov)


def apply_ada_max(var, m, v, beta1_power, lr, beta1, beta2, epsilon, grad, use_locking=False,
                  name=None) -> Tensor:
    """AdaMax: v = max(beta2 * v, |grad|); var -= lr / (1 - beta1_power) * m / (v + epsilon).

    Args:
        TF1's inputs and attributes of the op, in its order (see `apply_update`).

    Returns:
        The variable's new value.
    """
    return apply_update("ApplyAdaMax", var, m, v, beta1_power, lr, beta1, beta2, epsilon, grad,
                        name=name, use_locking=use_locking)


def apply_rms_prop(var, ms, mom, lr, rho, momentum, epsilon, grad, use_locking=False,
                   name=None) -> Tensor:
    """RMSProp: mom = momentum * mom + lr * grad / sqrt(ms + epsilon); var -= mom.

    Args:
        TF1's inputs and attributes of the op, in its order (see `apply_update`).

    Returns:
        The variable's new value.
    """
    return apply_update("ApplyRMSProp", var, ms, mom, lr, rho, momentum, epsilon, grad, name=name,
                        use_locking=use_locking)


def apply_centered_rms_prop(var, mg, ms, mom, lr, rho, momentum, epsilon, grad,
                            use_locking=False, name=None) -> Tensor:
    """Centered RMSProp: the denominator is sqrt(ms - mg^2 + epsilon).

    Args:
        TF1's inputs and attributes of the op, in its order (see `apply_update`).

    Returns:
        The variable's new value.
    """
    return apply_update("ApplyCenteredRMSProp", var, mg, ms, mom, lr, rho, momentum, epsilon,
                        grad, name=name, use_locking=use_locking)


def apply_adagrad(var, accum, lr, grad, use_locking=False, update_slots=True,
                  name=None) -> Tensor:
    """accum += grad^2; var -= lr * grad / sqrt(accum).

    Args:
        TF1's inputs and attributes of the op, in its order (see `apply_update`).

    Returns:
        The variable's new value.
    """
    return apply_update("ApplyAdagrad", var, accum, lr, grad, name=name, use_locking=use_locking,
                        update_slots=update_slots)


def apply_adagrad_v2(var, accum, lr, epsilon, grad, use_locking=False, update_slots=True,
                     name=None) -> Tensor:
    """accum += grad^2; var -= lr * grad / (sqrt(accum) + epsilon).

    Args:
        TF1's inputs and attributes of the op, in its order (see `apply_update`).

    Returns:
        The variable's new value.
    """
    return apply_update("ApplyAdagradV2", var, accum, lr, epsilon, grad, name=name,
                        use_locking=use_locking, update_slots=update_slots)


def apply_adadelta(var, accum, accum_update, lr, rho, epsilon, grad, use_locking=False,
                   name=None) -> Tensor:
    """Adadelta's step scaled by lr (TF1's ApplyAdadelta).

    Args:
        TF1's inputs and attributes of the op, in its order (see `apply_update`).

    Returns:
        The variable's new value.
    """
    return apply_update("ApplyAdadelta", var, accum, accum_update, lr, rho, epsilon, grad,
                        name=name, use_locking=use_locking)
