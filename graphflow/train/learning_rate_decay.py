"""Learning-rate schedules (`tf.train.exponential_decay`, ...): graph tensors computed from
`global_step`, usable wherever a learning rate is. Formulas are TF1's; `p` below is
global_step / decay_steps (floored when `staircase`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from graphflow.api import math as gmath
from graphflow.framework import dtypes
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.graph import get_default_graph
from graphflow.framework.tensor import Tensor


def _inputs(learning_rate: Any, global_step: Any, *rest: Any) -> list[Tensor]:
    """The learning rate as a float tensor and every other argument cast to its dtype.

    Raises:
        ValueError: when `global_step` is None (TF1's message).
    """
    if global_step is None:
        raise ValueError("global_step is required for this learning rate schedule.")
    lr = convert_to_tensor(learning_rate, dtypes.float32) if isinstance(
        learning_rate, (int, float)) else convert_to_tensor(learning_rate)
    return [lr] + [gmath.cast(convert_to_tensor(v), lr.dtype) for v in (global_step, *rest)]


def _progress(step: Tensor, decay_steps: Tensor, staircase: bool) -> Tensor:
    p = step / decay_steps
    return gmath.floor(p) if staircase else p


def exponential_decay(learning_rate: Any, global_step: Any, decay_steps: Any, decay_rate: Any,
                      staircase: bool = False, name: str | None = None) -> Tensor:
    """learning_rate * decay_rate ** p."""
    with get_default_graph().name_scope(name or "ExponentialDecay"):
        lr, step, steps, rate = _inputs(learning_rate, global_step, decay_steps, decay_rate)
        return lr * gmath.pow(rate, _progress(step, steps, staircase))


def natural_exp_decay(learning_rate: Any, global_step: Any, decay_steps: Any, decay_rate: Any,
                      staircase: bool = False, name: str | None = None) -> Tensor:
    """learning_rate * exp(-decay_rate * p)."""
    with get_default_graph().name_scope(name or "NaturalExpDecay"):
        lr, step, steps, rate = _inputs(learning_rate, global_step, decay_steps, decay_rate)
        return lr * gmath.exp(-rate * _progress(step, steps, staircase))


def inverse_time_decay(learning_rate: Any, global_step: Any, decay_steps: Any, decay_rate: Any,
                       staircase: bool = False, name: str | None = None) -> Tensor:
    """learning_rate / (1 + decay_rate * p)."""
    with get_default_graph().name_scope(name or "InverseTimeDecay"):
        lr, step, steps, rate = _inputs(learning_rate, global_step, decay_steps, decay_rate)
        return lr / (1.0 + rate * _progress(step, steps, staircase))


def polynomial_decay(learning_rate: Any, global_step: Any, decay_steps: Any,
                     end_learning_rate: Any = 0.0001, power: Any = 1.0, cycle: bool = False,
                     name: str | None = None) -> Tensor:
    """(learning_rate - end) * (1 - step / decay_steps) ** power + end, with step capped at
    decay_steps; with `cycle`, decay_steps grows to the next multiple past the step."""
    with get_default_graph().name_scope(name or "PolynomialDecay"):
        lr, step, steps, end, pw = _inputs(learning_rate, global_step, decay_steps,
                                           end_learning_rate, power)
        if cycle:
            multiplier = gmath.ceil(step / steps)
            steps = steps * gmath.where(step > 0.0, multiplier, gmath.ones_like(multiplier))
        else:
            step = gmath.minimum(step, steps)
        return (lr - end) * gmath.pow(1.0 - step / steps, pw) + end


def cosine_decay(learning_rate: Any, global_step: Any, decay_steps: Any, alpha: Any = 0.0,
                 name: str | None = None) -> Tensor:
    """learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * step / decay_steps)) + alpha), with
    step capped at decay_steps (Loshchilov and Hutter, SGDR)."""
    with get_default_graph().name_scope(name or "CosineDecay"):
        lr, step, steps, a = _inputs(learning_rate, global_step, decay_steps, alpha)
        step = gmath.minimum(step, steps)
        cosine = 0.5 * (1.0 + gmath.cos(math.pi * step / steps))
        return lr * ((1.0 - a) * cosine + a)


def cosine_decay_restarts(learning_rate: Any, global_step: Any, first_decay_steps: Any,
                          t_mul: Any = 2.0, m_mul: Any = 1.0, alpha: Any = 0.0,
                          name: str | None = None) -> Tensor:
    """Cosine decay with warm restarts (SGDR): period i lasts first_decay_steps * t_mul**i
    steps and starts from learning_rate * m_mul**i; within a period, with f the fraction of it
    completed, the rate is learning_rate * ((1 - alpha) * 0.5 * m_mul**i * (1 + cos(pi f))
    + alpha), as TF1 computes it."""
    with get_default_graph().name_scope(name or "SGDRDecay"):
        lr, step, steps, t, m, a = _inputs(learning_rate, global_step, first_decay_steps, t_mul,
                                           m_mul, alpha)
        fraction = step / steps
        if isinstance(t_mul, (int, float)) and t_mul == 1.0:
            restart = gmath.floor(fraction)
            fraction = fraction - restart
        else:
            # Geometrically growing periods: the restart index solves a geometric series.
            restart = gmath.floor(gmath.log(1.0 - fraction * (1.0 - t)) / gmath.log(t))
            done = (1.0 - gmath.pow(t, restart)) / (1.0 - t)
            fraction = (fraction - done) / gmath.pow(t, restart)
        cosine = 0.5 * gmath.pow(m, restart) * (1.0 + gmath.cos(math.pi * fraction))
        return lr * ((1.0 - a) * cosine + a)


def linear_warmup(learning_rate: Any, global_step: Any, warmup_steps: Any,
                  initial_learning_rate: Any = 0.0, name: str | None = None) -> Tensor:
    """Linear warm-up in front of any rate or schedule: for step < warmup_steps the rate is
    initial + (learning_rate - initial) * step / warmup_steps, afterwards `learning_rate`
    (itself possibly a schedule of the same global_step)."""
    with get_default_graph().name_scope(name or "LinearWarmup"):
        lr, step, steps, start = _inputs(learning_rate, global_step, warmup_steps,
                                         initial_learning_rate)
        warming = start + (lr - start) * step / steps
        return gmath.where(step < steps, warming, lr)


def piecewise_constant(x: Any, boundaries: Sequence[Any], values: Sequence[Any],
                       name: str | None = None) -> Tensor:
    """values[0] while x <= boundaries[0], values[i] while boundaries[i-1] < x <= boundaries[i],
    values[-1] after the last boundary.

    Raises:
        ValueError: unless len(values) == len(boundaries) + 1.
    """
    if len(values) != len(boundaries) + 1:
        raise ValueError("The length of boundaries should be 1 less than the length of values")
    with get_default_graph().name_scope(name or "PiecewiseConstant"):
        x = convert_to_tensor(x)
        value_tensors = [convert_to_tensor(v, dtypes.float32) if isinstance(v, float)
                         else convert_to_tensor(v) for v in values]
        result = value_tensors[-1]
        for boundary, value in zip(reversed(boundaries), reversed(value_tensors[:-1])):
            result = gmath.where(x <= gmath.cast(convert_to_tensor(boundary), x.dtype), value,
                                 result)
        return result
