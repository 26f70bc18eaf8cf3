"""`tf.train.ExponentialMovingAverage`: shadow variables that trail other variables or tensors.

`apply(var_list)` creates one shadow per input, named `<input>/ExponentialMovingAverage` and
initialized to the variable's initial value (zeros for a tensor), and returns one op that moves
every shadow towards its input:

    shadow <- shadow - (1 - decay) * (shadow - value)

With `num_updates` the decay is min(decay, (1 + num_updates) / (10 + num_updates)), so early
averages follow quickly. With `zero_debias=True`, averages of tensors (which start at zero)
use TF1's zero-debiased estimate: the zero-started average divided by 1 - decay^steps.
The input values are read by ops created inside `apply`, so a caller's
`control_dependencies([train_op])` orders them after the training step, as in TF1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphflow.api import math as gmath
from graphflow.api.array import zeros
from graphflow.framework import dtypes
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.graph import GraphKeys, get_default_graph
from graphflow.framework.tensor import Operation, Tensor
from graphflow.framework.variables import (
    Variable,
    assign,
    assign_add,
    assign_sub,
    global_variables,
    group,
    trainable_variables,
)


class ExponentialMovingAverage:
    """Maintains moving averages of variables or tensors (TF1's class and names).

    Args:
        decay: the decay, a float or scalar tensor (typically 0.99 to 0.9999).
        num_updates: optional step count (e.g. the global step) that caps the decay early on.
        zero_debias: zero-debias the averages of tensors (those of variables start at the
            variable's initial value and are never debiased).
        name: the name scope of the update ops and the suffix of shadow variables.
    """

    def __init__(self, decay: Any, num_updates: Any = None, zero_debias: bool = False,
                 name: str = "ExponentialMovingAverage") -> None:
        self._decay = decay
        self._num_updates = num_updates
        self._zero_debias = zero_debias
        self._name = name
        self._averages: dict[Any, Variable] = {}
        self._debiased: set[Any] = set()

    @property
    def name(self) -> str:
        """The name given at construction (the shadow variables' suffix)."""
        return self._name

    def apply(self, var_list: Sequence[Any] | None = None) -> Operation:
        """Creates the shadow variables and returns the op that updates them all.

        Args:
            var_list: Variables or float tensors (default: the trainable variables).

        Returns:
            A grouped op named after the average's name scope.

        Raises:
            TypeError: for an input whose dtype is not float16, float32 or float64.
            ValueError: for an input that already has a moving average here, or a tensor
                whose shape is not fully defined.
        """
        var_list = trainable_variables() if var_list is None else list(var_list)
        graph = get_default_graph()
        for var in var_list:
            dtype = var.dtype.base_dtype
            if dtype not in (dtypes.float16, dtypes.float32, dtypes.float64):
                raise TypeError(f"ExponentialMovingAverage: the moving average of {var.name} needs a "
                                f"float16, float32 or float64 dtype, got {dtype.name}")
            if var in self._averages:
                raise ValueError(f"Moving average already computed for: {var.name}")
            with graph.name_scope(None), graph.control_dependencies(None):
                if isinstance(var, Variable):
                    initial = var.initialized_value
                    graph.add_to_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, var)
                else:  # zeros of the static shape: initializing must not need a feed
                    if not var.shape.is_fully_defined():
                        raise ValueError(f"ExponentialMovingAverage: the moving average of tensor "
                                         f"{var.name} needs a fully defined shape, got {var.shape}")
                    initial = lambda v=var: zeros(v.shape.as_list(), v.dtype.base_dtype)  # noqa: E731
                shadow = Variable(initial, trainable=False, name=self.average_name(var), dtype=dtype)
            self._averages[var] = shadow
            if self._zero_debias and not isinstance(var, Variable):
                self._debiased.add(var)
        with graph.name_scope(self._name) as scope:
            decay = convert_to_tensor(self._decay, dtypes.float32, name="decay")
            if self._num_updates is not None:
                steps = gmath.cast(_read(self._num_updates), dtypes.float32, name="num_updates")
                decay = gmath.minimum(decay, (1.0 + steps) / (10.0 + steps))
            updates = [self._update(var, decay) for var in var_list]
            return group(*updates, name=scope)

    def _update(self, var: Any, decay: Tensor) -> Any:
        shadow = self._averages[var]
        with get_default_graph().name_scope("AssignMovingAvg"):
            rate = gmath.cast(1.0 - decay, shadow.dtype.base_dtype)
            value = _read(var)
            if var not in self._debiased:
                return assign_sub(shadow, (shadow - value) * rate).op
            return assign(shadow, self._debiased_average(shadow, value, rate)).op

    def _debiased_average(self, shadow: Variable, value: Tensor, rate: Tensor) -> Tensor:
        """TF1's zero-debiasing: a zero-started average over 1 - decay^steps."""
        graph = get_default_graph()
        with graph.name_scope(None), graph.control_dependencies(None):
            zeros = lambda: gmath.zeros_like(shadow.initialized_value())  # noqa: E731
            biased = Variable(zeros, trainable=False, name=f"{shadow.op.name}/biased")
            local_step = Variable(lambda: convert_to_tensor(0.0, shadow.dtype.base_dtype),
                                  trainable=False, name=f"{shadow.op.name}/local_step")
        updated = assign_sub(biased, (biased - value) * rate)
        steps = assign_add(local_step, 1.0)
        return updated / (1.0 - gmath.pow(1.0 - rate, steps))

    def average(self, var: Any) -> Variable | None:
        """The shadow variable of `var`, or None when `apply` has not seen it."""
        return self._averages.get(var)

    def average_name(self, var: Any) -> str:
        """The name of `var`'s shadow variable: `<var op name>/<this average's name>`."""
        return f"{var.op.name}/{self._name}"

    def variables_to_restore(self, moving_avg_variables: Sequence[Variable] | None = None) -> dict:
        """A Saver var_list that loads each average into its variable, e.g. for evaluation.

        Args:
            moving_avg_variables: the variables whose averages to restore (default: the
                trainable variables and the MOVING_AVERAGE_VARIABLES collection).

        Returns:
            {checkpoint name: variable}: `<var>/<name>` for averaged variables, the variable's
            own name for every other global variable.
        """
        if moving_avg_variables is None:
            moving_avg_variables = trainable_variables() + get_default_graph().get_collection(
                GraphKeys.MOVING_AVERAGE_VARIABLES)
        averaged = list(dict.fromkeys(moving_avg_variables))
        name_map = {self.average_name(v): v for v in averaged}
        averaged_names = {v.name for v in averaged}
        for v in global_variables():
            if v.name not in averaged_names and v.op.name not in name_map:
                name_map[v.op.name] = v
        return name_map


def _read(value: Any) -> Any:
    """A Variable's value read by an op created here, so the caller's control dependencies
    (e.g. on the training step) order the read; anything else as it is."""
    return value.read_value() if isinstance(value, Variable) else value
