"""`tf.variable_scope` and `tf.get_variable`: named, shareable variables (TF1 semantics).

Variable names are `scope/name` (not made unique: sharing is explicit through `reuse`), while
the ops created inside a variable scope also get a name scope (`scope`, `scope_1`, ... on
re-entry), as in TF1.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from . import dtypes
from .graph import Graph, GraphKeys, get_default_graph
from .initializers import GlorotUniform, Zeros
from .tensor import Tensor
from .tensor_shape import as_shape
from .variables import Variable


class _ReuseMode:
    def __repr__(self) -> str:
        return "tf.AUTO_REUSE"


AUTO_REUSE = _ReuseMode()


class VariableScope:
    """The settings in force inside a `variable_scope`: name, reuse, defaults for new variables."""

    def __init__(self, reuse: Any, name: str = "", initializer: Any = None,
                 regularizer: Any = None, dtype: Any = dtypes.float32,
                 name_scope: str = "", constraint: Any = None) -> None:
        self.name = name
        self.reuse = reuse
        self.initializer = initializer
        self.regularizer = regularizer
        self.dtype = dtypes.as_dtype(dtype)
        self.original_name_scope = name_scope
        self.constraint = constraint

    def reuse_variables(self) -> None:
        """Sets reuse=True for the rest of this scope."""
        self.reuse = True

    def set_initializer(self, initializer: Any) -> None:
        self.initializer = initializer

    def set_regularizer(self, regularizer: Any) -> None:
        self.regularizer = regularizer

    def get_variable(self, name: str, *args: Any, **kwargs: Any) -> Variable:
        return get_variable(name, *args, **kwargs)


class _Store:
    """Per-graph variables created by get_variable, and the scope stack."""

    def __init__(self) -> None:
        self.vars: dict[str, Variable] = {}
        self.scopes: list[VariableScope] = [VariableScope(False)]
        self.scope_counts: dict[str, int] = {}


def _store(graph: Graph | None = None) -> _Store:
    graph = graph or get_default_graph()
    store = getattr(graph, "_variable_store", None)
    if store is None:
        store = graph._variable_store = _Store()
    return store


def get_variable_scope() -> VariableScope:
    """The current VariableScope."""
    return _store().scopes[-1]


@contextlib.contextmanager
def variable_scope(name_or_scope: Any = None, default_name: str | None = None,
                   values: Any = None, initializer: Any = None, regularizer: Any = None,
                   reuse: Any = None, dtype: Any = None, auxiliary_name_scope: bool = True,
                   constraint: Any = None, **kwargs: Any) -> Iterator[VariableScope]:
    """Scopes variable names (`scope/name`) and op names; controls sharing with `reuse`.

    Args:
        name_or_scope: a name or a VariableScope to re-enter.
        default_name: used (made unique: `dense`, `dense_1`) when `name_or_scope` is None.
        initializer, regularizer, dtype: defaults for get_variable inside.
        reuse: True (variables must exist), tf.AUTO_REUSE (create or reuse), None (inherit).

    Raises:
        ValueError: if neither name_or_scope nor default_name is given.
    """
    graph = get_default_graph()
    store = _store(graph)
    parent = store.scopes[-1]
    if name_or_scope is None and default_name is None:
        raise ValueError("If default_name is None then scope (name_or_scope) is required")
    if isinstance(name_or_scope, VariableScope):
        full = name_or_scope.name
        # TF1 opens a fresh op name scope named after the scope's last component ("enc_1"),
        # while the scope keeps its original name scope.
        op_scope_name = full.rsplit("/", 1)[-1]
        base_reuse = name_or_scope.reuse or parent.reuse
        inherit = name_or_scope
    else:
        local = name_or_scope if name_or_scope is not None else \
            _unique_scope_name(store, parent.name, default_name)
        full = f"{parent.name}/{local}" if parent.name else local
        op_scope_name = name_or_scope if name_or_scope is not None else default_name
        base_reuse = parent.reuse
        inherit = parent
    store.scope_counts[full] = store.scope_counts.get(full, 0) + 1
    # Sub-scope counts are what make default names unique ("dense", "dense_1"): re-entering a
    # scope object restores them on exit, leaving a named scope resets them, so a model built
    # twice under the same scope names its layers the same way both times (as TF1).
    saved_counts = dict(store.scope_counts) if isinstance(name_or_scope, VariableScope) else None
    # reuse=None/False inherits; once True (or AUTO_REUSE) it cannot be switched off inside.
    new_reuse = base_reuse if reuse is None or reuse is False else reuse
    if parent.reuse is True:
        new_reuse = True
    scope = VariableScope(
        new_reuse, full,
        initializer if initializer is not None else inherit.initializer,
        regularizer if regularizer is not None else inherit.regularizer,
        dtype if dtype is not None else inherit.dtype,
        constraint=constraint if constraint is not None else inherit.constraint,
    )
    with contextlib.ExitStack() as stack:
        scope_name = stack.enter_context(graph.name_scope(op_scope_name)) \
            if auxiliary_name_scope else ""
        if isinstance(name_or_scope, VariableScope):
            scope.original_name_scope = name_or_scope.original_name_scope
        else:
            scope.original_name_scope = scope_name
        store.scopes.append(scope)
        try:
            yield scope
        finally:
            store.scopes.pop()
            if saved_counts is not None:
                store.scope_counts = saved_counts
            else:
                for key in store.scope_counts:
                    if key.startswith(full + "/"):
                        store.scope_counts[key] = 0


def _unique_scope_name(store: _Store, parent: str, prefix: str) -> str:
    """`prefix`, or `prefix_1`, `prefix_2`, ...: the first not opened yet in scope `parent`."""
    base = f"{parent}/{prefix}" if parent else prefix
    if not store.scope_counts.get(base, 0):
        return prefix
    index = 1
    while store.scope_counts.get(f"{base}_{index}", 0):
        index += 1
    return f"{prefix}_{index}"


def get_variable(name: str, shape: Any = None, dtype: Any = None, initializer: Any = None,
                 regularizer: Any = None, trainable: bool | None = None,
                 collections: Any = None, caching_device: Any = None, partitioner: Any = None,
                 validate_shape: bool = True, use_resource: Any = None, custom_getter: Any = None,
                 constraint: Any = None, synchronization: Any = None,
                 aggregation: Any = None) -> Variable:
    """Gets an existing variable `scope/name` or creates it.

    The default initializer is glorot_uniform for floats and zeros otherwise; `initializer` may
    also be a Tensor or a value (then `shape` comes from it).

    Raises:
        ValueError: creating a variable that exists without reuse, reusing one that does not
            exist, or a shape/dtype conflict with the existing variable (TF1's messages).
    """
    scope = get_variable_scope()
    store = _store()
    full = f"{scope.name}/{name}" if scope.name else name
    explicit_dtype = dtype
    if dtype is None:
        dtype = scope.dtype
    dtype = dtypes.as_dtype(dtype)
    if full in store.vars:
        if scope.reuse is False or scope.reuse is None:
            raise ValueError(
                f"Variable {full} already exists, disallowed. Did you mean to set reuse=True "
                "or reuse=tf.AUTO_REUSE in VarScope?"
            )
        var = store.vars[full]
        if shape is not None and not as_shape(shape).is_compatible_with(var.shape):
            raise ValueError(
                f"Trying to share variable {full}, but specified shape {as_shape(shape)} and "
                f"found shape {var.shape}."
            )
        if dtype != var.dtype and dtype != scope.dtype:
            raise ValueError(
                f"Trying to share variable {full}, but specified dtype {dtype.name} and found "
                f"dtype {var.dtype.name}."
            )
        return var
    if scope.reuse is True:
        raise ValueError(
            f"Variable {full} does not exist, or was not created with tf.get_variable(). Did "
            "you mean to set reuse=tf.AUTO_REUSE in VarScope?"
        )
    initializer = initializer if initializer is not None else scope.initializer
    if initializer is None:
        initializer = GlorotUniform() if dtype.is_floating else Zeros()
    if isinstance(initializer, type):
        initializer = initializer()
    if isinstance(initializer, Tensor) or not callable(initializer):
        init_value: Any = initializer
        if shape is not None and not isinstance(initializer, Tensor):
            from .constant import constant

            init_value = lambda: constant(initializer, dtype, shape=as_shape(shape).as_list())  # noqa: E731
        elif shape is None:
            # TF1: a value makes a variable of the value's own dtype (a float64 numpy array, a
            # float64 variable), and an explicit dtype that differs is an error.
            from .constant import _infer_dtype

            value_dtype = initializer.dtype.base_dtype if isinstance(initializer, Tensor) \
                else _infer_dtype(initializer)
            if explicit_dtype is not None and dtypes.as_dtype(explicit_dtype) != value_dtype:
                raise ValueError(f"Initializer type '{value_dtype.name}' and explicit dtype "
                                 f"'{dtypes.as_dtype(explicit_dtype).name}' don't match (variable {full}).")
            dtype = value_dtype
    else:
        if shape is None:
            raise ValueError(f"Shape of a new variable ({full}) must be fully defined, but is None.")
        dims = as_shape(shape)
        if not dims.is_fully_defined():
            raise ValueError(f"Shape of a new variable ({full}) must be fully defined, but instead was {dims}.")
        init_value = lambda: initializer(dims.as_list(), dtype=dtype)  # noqa: E731
    if trainable is None:
        trainable = True
    graph = get_default_graph()
    with graph.name_scope(None):
        var = Variable(init_value, trainable=trainable, collections=collections, name=full,
                       dtype=dtype if not isinstance(init_value, Tensor) else None,
                       validate_shape=validate_shape, constraint=constraint)
    if var.op.name != full:
        raise ValueError(f"Variable {full} already exists as op {var.op.name}.")
    store.vars[full] = var
    regularizer = regularizer if regularizer is not None else scope.regularizer
    if regularizer is not None:
        with graph.name_scope(f"{full}/Regularizer/"):
            loss = regularizer(var)
        if loss is not None:
            graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
    return var
