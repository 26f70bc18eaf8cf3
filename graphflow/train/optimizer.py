"""`tf.train.Optimizer`: the base of every optimizer (TF1 semantics).

`minimize` = `compute_gradients` + `apply_gradients`. A subclass creates its slot variables in
`_create_slots` and builds one update op per variable in `_apply_dense`; updates are ordinary
graph ops (so they compile with the forward and backward pass into one plan).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphflow.api import math as gmath
from graphflow.framework import dtypes
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.graph import GraphKeys, get_default_graph
from graphflow.framework.tensor import Operation, Tensor
from graphflow.framework.variables import Variable, assign, assign_add, group
from graphflow.gradients import gradients


class Optimizer:
    """Base class for optimizers.

    Args:
        use_locking: accepted for compatibility (updates never race here).
        name: the name scope of the update ops and the suffix of slot variables.
    """

    GATE_NONE = 0
    GATE_OP = 1
    GATE_GRAPH = 2

    def __init__(self, use_locking: bool, name: str) -> None:
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        self._slots: dict[str, dict[Variable, Variable]] = {}
        self._non_slot: dict[str, Variable] = {}
        #: How each non-slot variable changes after a step (e.g. beta1_power *= beta1), in
        #: creation order; `_finish` applies them one after another.
        self._non_slot_updates: dict[str, Any] = {}

    def get_name(self) -> str:
        return self._name

    # ---- the public TF1 API -------------------------------------------------------------
    def minimize(self, loss: Tensor, global_step: Variable | None = None,
                 var_list: Sequence[Variable] | None = None, gate_gradients: int = GATE_OP,
                 aggregation_method: Any = None, colocate_gradients_with_ops: bool = False,
                 name: str | None = None, grad_loss: Tensor | None = None) -> Operation:
        """Adds ops computing gradients of `loss` and applying them; returns the train op.

        Raises:
            ValueError: if no variable receives a gradient.
        """
        grads_and_vars = self.compute_gradients(loss, var_list=var_list, grad_loss=grad_loss)
        usable = [v for g, v in grads_and_vars if g is not None]
        if not usable:
            raise ValueError(
                "No gradients provided for any variable, check your graph for ops that do not "
                f"support gradients, between variables {[v.name for _, v in grads_and_vars]} "
                f"and loss {loss}."
            )
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def compute_gradients(self, loss: Tensor, var_list: Sequence[Variable] | None = None,
                          gate_gradients: int = GATE_OP, aggregation_method: Any = None,
                          colocate_gradients_with_ops: bool = False,
                          grad_loss: Tensor | None = None) -> list[tuple[Tensor | None, Variable]]:
        """(gradient, variable) pairs for `var_list` (default: all trainable variables).

        Raises:
            ValueError: if there are no variables to optimize.
        """
        loss = convert_to_tensor(loss)
        if var_list is None:
            var_list = loss.graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)
        var_list = list(var_list)
        if not var_list:
            raise ValueError("No variables to optimize.")
        grads = gradients(loss, var_list, grad_ys=None if grad_loss is None else [grad_loss])
        return list(zip(grads, var_list))

    def apply_gradients(self, grads_and_vars: Sequence[tuple[Any, Variable]],
                        global_step: Variable | None = None, name: str | None = None) -> Operation:
        """Builds the update ops (one per variable with a gradient) and groups them.

        `global_step` is incremented after all updates.

        Raises:
            ValueError: if no pair has a gradient.
        """
        pairs = [(convert_to_tensor(g), v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            raise ValueError(f"No gradients provided for any variable: {[v.name for _, v in grads_and_vars]}.")
        graph = get_default_graph()
        var_list = [v for _, v in pairs]
        with graph.control_dependencies(None):
            self._create_slots(var_list)
        with graph.name_scope(name or self._name) as scope:
            self._prepare()
            updates = []
            for grad, var in pairs:
                with graph.name_scope(f"update_{var.op.name}"):
                    updates.append(self._apply_dense(grad, var))
            # The returned op carries the scope's exact name ("train" for name="train"), so
            # `sess.run("train")` works as in TF1.
            if global_step is None:
                return self._finish(updates, scope)
            finish = self._finish(updates, "update")
            with graph.control_dependencies([finish]):
                one = convert_to_tensor(1, global_step.dtype)
                return assign_add(global_step, one, name=scope).op

    def get_slot_names(self) -> list[str]:
        """Names of the slots this optimizer creates (e.g. ["m", "v"] for Adam)."""
        return sorted(self._slots)

    def get_slot(self, var: Variable, name: str) -> Variable | None:
        """The slot variable `name` of `var`, or None."""
        return self._slots.get(name, {}).get(var)

    def variables(self) -> list[Variable]:
        """Every variable this optimizer created (slots and non-slot variables)."""
        out = [v for slots in self._slots.values() for v in slots.values()]
        return out + list(self._non_slot.values())

    # ---- for subclasses ---------------------------------------------------------------------
    def _create_slots(self, var_list: list[Variable]) -> None:
        """Creates slot variables (none by default)."""

    def _prepare(self) -> None:
        """Converts hyperparameters to tensors, inside the update name scope."""

    def _apply_dense(self, grad: Tensor, var: Variable) -> Any:
        raise NotImplementedError

    def _finish(self, update_ops: list[Any], name: str) -> Operation:
        """Groups the updates, then steps the non-slot variables (e.g. Adam's beta powers).

        The non-slot updates run after every variable update and one after another, in
        creation order, so an update may read a non-slot variable that a later one changes
        (Nadam's mu_product reads the decay power before it moves on).
        """
        graph = get_default_graph()
        steps, after = [], list(update_ops)
        for key, new_value in self._non_slot_updates.items():
            variable = self._non_slot[key]
            with graph.control_dependencies(after):
                after = [assign(variable, new_value(variable)).op]
            steps += after
        return group(*update_ops, *steps, name=name)

    def _zeros_slots(self, var_list: list[Variable], *slot_names: str) -> None:
        """Zero-initialized slots `slot_names` for every variable (named `<var>/<optimizer>`)."""
        for var in var_list:
            for slot_name in slot_names:
                self._zeros_slot(var, slot_name, self._name)

    def _zeros_slot(self, var: Variable, slot_name: str, op_name: str) -> Variable:
        return self._slot(var, slot_name, op_name, 0.0)

    def _slot(self, var: Variable, slot_name: str, op_name: str, value: float) -> Variable:
        """A variable shaped like `var`, named `<var>/<op_name>`, not trainable. As in TF1,
        every slot of an optimizer uses its name, made unique: w/Adam, w/Adam_1, ..."""
        slots = self._slots.setdefault(slot_name, {})
        if var not in slots:
            graph = get_default_graph()
            with graph.name_scope(None):
                from graphflow.api.array import fill

                init = lambda: fill(var.shape.as_list(), convert_to_tensor(value, var.dtype))  # noqa: E731
                slots[var] = Variable(init, trainable=False, name=f"{var.op.name}/{op_name}",
                                      dtype=var.dtype)
        return slots[var]

    def _non_slot_variable(self, name: str, initial_value: Any, dtype: Any,
                           update: Any = None) -> Variable:
        """A scalar variable shared by all updates (e.g. Adam's beta1_power).

        `update(variable) -> new value` (graph ops) is applied once after every step.
        """
        if name not in self._non_slot:
            graph = get_default_graph()
            with graph.name_scope(None), graph.control_dependencies(None):
                self._non_slot[name] = Variable(initial_value, trainable=False, name=name,
                                                dtype=dtype)
            if update is not None:
                self._non_slot_updates[name] = update
        return self._non_slot[name]

    @staticmethod
    def _non_slot_dtype(var_list: list[Variable]) -> dtypes.DType:
        """The dtype of non-slot variables: that of the first variable by name (where TF1
        places them)."""
        return min(var_list, key=lambda v: v.op.name).dtype

    def _power_variable(self, name: str, base: Any, dtype: Any) -> Variable:
        """A non-slot variable holding base^t at step t (starts at base, times base per step)."""
        return self._non_slot_variable(name, base, dtype, lambda p: p * base)

    def _non_slot_value(self, name: str, dtype: dtypes.DType) -> Tensor:
        """The current value of a non-slot variable, cast to `dtype`."""
        return gmath.cast(self._non_slot[name].value(), dtype)

    def _hyper(self, value: Any, dtype: dtypes.DType) -> Tensor:
        """A hyperparameter (float, tensor, Variable or schedule) as a tensor of `dtype`."""
        t = convert_to_tensor(value) if not isinstance(value, (int, float)) else \
            convert_to_tensor(value, dtype)
        return gmath.cast(t, dtype)
