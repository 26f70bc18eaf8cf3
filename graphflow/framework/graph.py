"""`Graph`: the user's mutable graph, with TF1's naming, scoping, collections and defaults.

Op creation (`Graph.create_op`) runs the op's shape/dtype rule at once, so shape errors surface
at build time naming the op and the user's line, as in TF1.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from graphflow.ops import registry

from .op_names import check_op_name, check_scope_name
from .tensor import Operation, Tensor

_PACKAGE_DIRS: tuple[str, ...] = ()


def _internal_dirs() -> tuple[str, ...]:
    """Folders whose frames are graphflow's own (skipped when locating the user's line)."""
    global _PACKAGE_DIRS
    if not _PACKAGE_DIRS:
        import graphflow
        import graphflow.ops

        dirs = {os.path.dirname(graphflow.__file__), os.path.dirname(graphflow.ops.__file__)}
        _PACKAGE_DIRS = tuple(os.path.join(d, "") for d in dirs)
    return _PACKAGE_DIRS


def user_site() -> str:
    """`file:line` of the innermost stack frame outside graphflow (where the user built an op)."""
    internal = _internal_dirs()
    frame: Any = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(internal):
        frame = frame.f_back
    if frame is None:
        return "<unknown>"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


class GraphKeys:
    """Standard collection names (TF1's `tf.GraphKeys`)."""

    GLOBAL_VARIABLES = "variables"
    LOCAL_VARIABLES = "local_variables"
    MODEL_VARIABLES = "model_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    SUMMARIES = "summaries"
    QUEUE_RUNNERS = "queue_runners"
    TABLE_INITIALIZERS = "table_initializer"
    ASSET_FILEPATHS = "asset_filepaths"
    REGULARIZATION_LOSSES = "regularization_losses"
    LOSSES = "losses"
    SAVERS = "savers"
    SAVEABLE_OBJECTS = "saveable_objects"
    WEIGHTS = "weights"
    BIASES = "biases"
    ACTIVATIONS = "activations"
    UPDATE_OPS = "update_ops"
    TRAIN_OP = "train_op"
    GLOBAL_STEP = "global_step"
    INIT_OP = "init_op"
    LOCAL_INIT_OP = "local_init_op"
    READY_OP = "ready_op"
    READY_FOR_LOCAL_INIT_OP = "ready_for_local_init_op"
    EVAL_STEP = "eval_step"
    CONCATENATED_VARIABLES = "concatenated_variables"
    COND_CONTEXT = "cond_context"
    WHILE_CONTEXT = "while_context"
    VARIABLES = GLOBAL_VARIABLES


class Graph:
    """A TF1 dataflow graph. Use `with g.as_default():` to build into it."""

    def __init__(self) -> None:
        self._ops: list[Operation] = []
        self._ops_by_name: dict[str, Operation] = {}
        self._names_in_use: dict[str, int] = {}
        self._name_stack = ""
        self._control_dependencies: list[list[Operation]] = []
        self._device_stack: list[str] = []
        self._collections: dict[str, list[Any]] = {}
        self._finalized = False
        self._lock = threading.RLock()
        self._unfeedable: set[Tensor] = set()
        self.seed: int | None = None
        self._seed_version = 0  # bumped by set_random_seed so sessions know seeds changed

    # ---- defaults -------------------------------------------------------------------------
    @contextlib.contextmanager
    def as_default(self) -> Iterator[Graph]:
        """Makes this the default graph inside the `with` block."""
        _stack().append(self)
        try:
            yield self
        finally:
            _stack().pop()

    # ---- naming ----------------------------------------------------------------------------
    def get_name_scope(self) -> str:
        return self._name_stack

    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        """`name` under the current scope, suffixed `_1`, `_2`... if taken (TF1's rule)."""
        if self._name_stack:
            name = f"{self._name_stack}/{name}"
        key = name.lower()
        i = self._names_in_use.get(key, 0)
        if mark_as_used:
            self._names_in_use[key] = i + 1
        if i > 0:
            base = key
            while key in self._names_in_use:
                key = f"{base}_{i}"
                i += 1
            if mark_as_used:
                self._names_in_use[key] = 1
            name = f"{name}_{i - 1}"
        return name

    @contextlib.contextmanager
    def name_scope(self, name: str | None) -> Iterator[str]:
        """Pushes a name scope; a name ending in "/" re-enters that exact scope.

        Raises:
            ValueError: "'name' is not a valid scope name" (TF1's patterns, see op_names).
        """
        old = self._name_stack
        if not name:
            new = ""
        elif name.endswith("/"):
            new = check_scope_name(name, nested=bool(old))[:-1]
        else:
            new = self.unique_name(check_scope_name(name, nested=bool(old)))
        self._name_stack = new
        try:
            yield f"{new}/" if new else ""
        finally:
            self._name_stack = old

    # ---- control dependencies and devices -----------------------------------------------
    @contextlib.contextmanager
    def control_dependencies(self, control_inputs: Sequence[Any] | None) -> Iterator[None]:
        """Ops created inside run after `control_inputs`; `None` clears the enclosing ones."""
        if control_inputs is None:
            saved = self._control_dependencies
            self._control_dependencies = []
            try:
                yield
            finally:
                self._control_dependencies = saved
            return
        ops = []
        for c in control_inputs:
            c = getattr(c, "_as_graph_op", lambda c=c: c)()
            if isinstance(c, Tensor):
                c = c.op
            if not isinstance(c, Operation):
                raise TypeError(f"Control input must be an Operation or Tensor, got {c!r}")
            ops.append(c)
        self._control_dependencies.append(ops)
        try:
            yield
        finally:
            self._control_dependencies.pop()

    @contextlib.contextmanager
    def device(self, device_name: str | None) -> Iterator[None]:
        self._device_stack.append(device_name or "")
        try:
            yield
        finally:
            self._device_stack.pop()

    @contextlib.contextmanager
    def colocate_with(self, op: Any, ignore_existing: bool = False) -> Iterator[None]:
        yield

    # ---- op creation -------------------------------------------------------------------------
    def create_op(
        self,
        op_type: str,
        inputs: Sequence[Tensor],
        attrs: dict[str, Any] | None = None,
        name: str | None = None,
    ) -> Operation:
        """Creates an op: checks inputs, runs its shape rule, names it uniquely, records it.

        Raises:
            RuntimeError: if the graph is finalized.
            ValueError: "'name' is not a valid node name" when the op's full name breaks TF1's
                pattern (see op_names).
            ValueError / TypeError: from the op's shape/dtype rule, naming the op, its input
                shapes and the user's line.
        """
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        opdef = registry.get(op_type)
        attrs = {**opdef.defaults, **(attrs or {})}
        for i, t in enumerate(inputs):
            if not isinstance(t, Tensor):
                raise TypeError(f"Input to {op_type} must be a Tensor, got {t!r}")
            if t.graph is not self and not self._accepts_outer(t, opdef.is_ref_input(i)):
                raise ValueError(
                    f"Tensor {t.name} must be from the same graph as the op being created "
                    f"({op_type})."
                )
        with self._lock:
            # checked before the name is marked as used: a rejected name leaves no trace
            if name and name.endswith("/"):  # an exact name taken from a name scope (TF1)
                op_name = check_op_name(name[:-1])
                self._names_in_use.setdefault(op_name.lower(), 1)
            else:
                check_op_name(self.unique_name(name or op_type, mark_as_used=False))
                op_name = self.unique_name(name or op_type)
            if op_name in self._ops_by_name:
                raise ValueError(f"Duplicate node name in graph: '{op_name}'")
            site = user_site()
            in_specs = [registry.Spec(t.shape, t.dtype, t._const_value) for t in inputs]
            try:
                out_specs = opdef.infer(in_specs, attrs)
            except (ValueError, TypeError) as e:
                from graphflow.ops._rules import shapes_text

                raise type(e)(
                    f"{e} for '{op_name}' (op: '{op_type}') with input shapes: "
                    f"{shapes_text(in_specs)}.\n  Created at {site}"
                ) from None
            control = [c for deps in self._control_dependencies for c in deps]
            input_ops = {t.op for t in inputs}
            control = list(dict.fromkeys(c for c in control if c not in input_ops))
            device = next((d for d in reversed(self._device_stack) if d), "")
            op = Operation(
                self, op_type, op_name, list(inputs), attrs, control, device, site, len(self._ops)
            )
            op._outputs = tuple(
                Tensor(op, i, s.dtype, s.shape, s.value) for i, s in enumerate(out_specs)
            )
            for t in inputs:
                if t.graph is self:  # a body's reference to an outer variable is not a use
                    t._consumers.append(op)
            self._ops.append(op)
            self._ops_by_name[op_name] = op
        return op

    @contextlib.contextmanager
    def _all_or_nothing(self) -> Iterator[None]:
        """Undoes what the block added (ops, their names, uses of earlier tensors, collection
        entries, unfeedable marks) if it raises: an import that fails part way leaves the graph
        as it was, as TF1's import_graph_def does."""
        with self._lock:
            n_ops, names = len(self._ops), dict(self._names_in_use)
            collections = {key: list(items) for key, items in self._collections.items()}
            unfeedable = set(self._unfeedable)
            try:
                yield
            except BaseException:
                added = set(self._ops[n_ops:])
                for op in self._ops[n_ops:]:
                    del self._ops_by_name[op.name]
                    for t in op.inputs:
                        if t.op not in added:
                            t._consumers = [c for c in t._consumers if c not in added]
                del self._ops[n_ops:]
                self._names_in_use, self._collections = names, collections
                self._unfeedable = unfeedable
                raise

    # ---- lookup ------------------------------------------------------------------------------
    def get_operations(self) -> list[Operation]:
        return list(self._ops)

    def get_operation_by_name(self, name: str) -> Operation:
        """Raises KeyError (as TF1) when there is no such op."""
        if not isinstance(name, str):
            raise TypeError(f"Operation names are strings (or similar), not {type(name).__name__}.")
        if name not in self._ops_by_name:
            raise KeyError(f"The name {name!r} refers to an Operation not in the graph.")
        return self._ops_by_name[name]

    def get_tensor_by_name(self, name: str) -> Tensor:
        """`"op:0"` -> Tensor. Raises KeyError/ValueError with TF1's wording."""
        if not isinstance(name, str):
            raise TypeError(f"Tensor names are strings (or similar), not {type(name).__name__}.")
        if ":" not in name:
            raise ValueError(
                f"The name {name!r} looks like an (invalid) Operation name, not a Tensor. "
                "Tensor names must be of the form \"<op_name>:<output_index>\"."
            )
        op_name, _, index = name.rpartition(":")
        if not index.isdigit():
            raise ValueError(f"The name {name!r} looks a like a Tensor name, but is not a valid one.")
        if op_name not in self._ops_by_name:
            raise KeyError(
                f"The name {name!r} refers to a Tensor which does not exist. The operation, "
                f"{op_name!r}, does not exist in the graph."
            )
        op = self._ops_by_name[op_name]
        if int(index) >= len(op.outputs):
            raise KeyError(
                f"The name {name!r} refers to a Tensor which does not exist. The operation, "
                f"{op_name!r}, exists but only has {len(op.outputs)} outputs."
            )
        return op.outputs[int(index)]

    def as_graph_element(self, obj: Any, allow_tensor: bool = True, allow_operation: bool = True) -> Any:
        """Resolves a Tensor, Operation, Variable or name to an element of this graph."""
        convert = getattr(obj, "_as_graph_element", None)
        if convert is not None:
            obj = convert()
        if isinstance(obj, str):
            if ":" in obj and allow_tensor:
                return self.get_tensor_by_name(obj)
            if allow_operation:
                return self.get_operation_by_name(obj)
            return self.get_tensor_by_name(obj)
        if isinstance(obj, (Tensor, Operation)):
            if obj.graph is not self:
                raise ValueError(f"{obj} is not an element of this graph.")
            if isinstance(obj, Tensor) and not allow_tensor:
                raise TypeError("Can not convert a Tensor into a Operation.")
            if isinstance(obj, Operation) and not allow_operation:
                raise TypeError("Can not convert a Operation into a Tensor.")
            return obj
        raise TypeError(f"Can not convert a {type(obj).__name__} into a Tensor or Operation.")

    # ---- collections ---------------------------------------------------------------------
    def add_to_collection(self, name: str, value: Any) -> None:
        self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names: Any, value: Any) -> None:
        for n in [names] if isinstance(names, str) else set(names):
            self.add_to_collection(n, value)

    def get_collection_ref(self, name: str) -> list[Any]:
        return self._collections.setdefault(name, [])

    def get_collection(self, name: str, scope: str | None = None) -> list[Any]:
        """A copy of the collection, filtered to items whose name matches `scope` (re.match)."""
        items = self._collections.get(name, [])
        if scope is None:
            return list(items)
        pattern = re.compile(scope)
        return [i for i in items if hasattr(i, "name") and pattern.match(i.name)]

    def clear_collection(self, name: str) -> None:
        self._collections.pop(name, None)

    def get_all_collection_keys(self) -> list[str]:
        return list(self._collections)

    # ---- misc --------------------------------------------------------------------------------
    def finalize(self) -> None:
        self._finalized = True

    @property
    def finalized(self) -> bool:
        return self._finalized

    def _unsafe_unfinalize(self) -> None:
        self._finalized = False

    def prevent_feeding(self, tensor: Tensor) -> None:
        self._unfeedable.add(tensor)

    def is_feedable(self, tensor: Tensor) -> bool:
        return tensor not in self._unfeedable

    @property
    def version(self) -> int:
        return len(self._ops)

    @property
    def building_function(self) -> bool:
        """True for a function body (graphflow.framework.func_graph.FuncGraph)."""
        return False

    @property
    def outermost_graph(self) -> Graph:
        """The graph that holds this one's functions' variables: itself unless a FuncGraph."""
        return self

    def _accepts_outer(self, tensor: Tensor, ref: bool) -> bool:
        """Whether an op here may take `tensor` of another graph as an input (a function body
        referencing its enclosing graph's variable, `ref`)."""
        return False


class _DefaultGraphStack(threading.local):
    def __init__(self) -> None:
        self.stack: list[Graph] = []


_default_stack = _DefaultGraphStack()
_global_default_graph: Graph | None = None


def _stack() -> list[Graph]:
    return _default_stack.stack


def get_default_graph() -> Graph:
    """The innermost `as_default()` graph, or the global default graph."""
    global _global_default_graph
    stack = _stack()
    if stack:
        return stack[-1]
    if _global_default_graph is None:
        _global_default_graph = Graph()
    return _global_default_graph


def reset_default_graph() -> None:
    """Replaces the global default graph with a new empty one.

    Raises:
        AssertionError: inside a `with g.as_default()` block (as TF1).
    """
    global _global_default_graph
    if _stack():
        raise AssertionError(
            "Do not use tf.reset_default_graph() to clear nested graphs. If you need a cleared "
            "graph, exit the nesting and create a new graph."
        )
    _global_default_graph = Graph()
