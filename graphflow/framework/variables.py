"""`tf.Variable` and the variable-level API (initializers, assignment, collections).

A Variable is four ops, named as TF1 names them: `v/initial_value` (or `v/Initializer/...`),
`v` (VariableV2: the storage), `v/Assign` (the initializer) and `v/read` (Identity: the value).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import dtypes
from .constant import convert_to_tensor
from .default_session import session_for
from .func_graph import init_scope
from .graph import GraphKeys, get_default_graph
from .tensor import Operation, Tensor
from .tensor_shape import TensorShape, as_shape


class Variable:
    """A mutable tensor that keeps its value across `Session.run` calls.

    Args:
        initial_value: a Tensor, numpy array, Python value, or a callable returning one.
        trainable: add to `TRAINABLE_VARIABLES` (what optimizers train by default).
        collections: collections to add to (default `[GLOBAL_VARIABLES]`).
        validate_shape: require assigned values to have the initial value's shape.
        name: the variable's name (default "Variable").
        dtype: convert the initial value to this dtype.
    """

    def __init__(self, initial_value: Any = None, trainable: bool = True,
                 collections: Sequence[str] | None = None, validate_shape: bool = True,
                 caching_device: Any = None, name: str | None = None, variable_def: Any = None,
                 dtype: Any = None, expected_shape: Any = None, import_scope: Any = None,
                 constraint: Any = None, use_resource: Any = None, synchronization: Any = None,
                 aggregation: Any = None, shape: Any = None) -> None:
        if variable_def is not None:
            self._init_from_def(variable_def, import_scope)
            return
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        with init_scope() as graph:  # inside a function body: in the outermost graph
            self._build(graph, initial_value, trainable, collections, validate_shape, name,
                        dtype, constraint, shape)

    def _build(self, graph: Any, initial_value: Any, trainable: bool, collections: Any,
               validate_shape: bool, name: str | None, dtype: Any, constraint: Any,
               shape: Any) -> None:
        self._graph = graph
        self._trainable = trainable
        self._constraint = constraint
        with graph.control_dependencies(None), graph.name_scope(name or "Variable") as scope:
            if callable(initial_value):
                with graph.name_scope("Initializer"):
                    initial_value = initial_value()
            self._initial_value = convert_to_tensor(initial_value, dtype=dtype, name="initial_value")
            var_shape = self._initial_value.shape if validate_shape else TensorShape(None)
            if shape is not None:
                var_shape = as_shape(shape)
            var_dtype = self._initial_value.dtype
            self._variable = graph.create_op(
                "VariableV2", [], {"shape": var_shape.dims, "dtype": var_dtype}, name=scope
            ).outputs[0]
            self._initializer_op = graph.create_op(
                "Assign", [self._variable, self._initial_value],
                {"validate_shape": validate_shape}, name="Assign",
            )
            self._snapshot = graph.create_op("Identity", [self._variable], name="read").outputs[0]
        self._variable._variable_object = self
        self._snapshot._variable_object = self
        if collections is None:
            collections = [GraphKeys.GLOBAL_VARIABLES]
        collections = list(collections)
        if trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
            collections.append(GraphKeys.TRAINABLE_VARIABLES)
        graph.add_to_collections(collections, self)

    def _init_from_def(self, variable_def: dict[str, Any], import_scope: str | None) -> None:
        """Wraps existing ops (named in `variable_def`, see `to_proto`) in a Variable."""
        graph = get_default_graph()
        prefix = f"{import_scope.rstrip('/')}/" if import_scope else ""
        self._graph = graph
        self._trainable = bool(variable_def.get("trainable", True))
        self._constraint = None
        self._variable = graph.get_tensor_by_name(prefix + variable_def["variable_name"])
        self._initializer_op = graph.get_operation_by_name(
            prefix + variable_def["initializer_name"])
        self._snapshot = graph.get_tensor_by_name(prefix + variable_def["snapshot_name"])
        self._initial_value = graph.get_tensor_by_name(prefix + variable_def["initial_value_name"])
        self._variable._variable_object = self
        self._snapshot._variable_object = self

    def to_proto(self, export_scope: str | None = None) -> dict[str, Any]:
        """TF1's VariableDef, as a dict of the names of the ops that make up the variable."""
        return {"variable_name": self._variable.name,
                "initializer_name": self._initializer_op.name,
                "snapshot_name": self._snapshot.name,
                "initial_value_name": self._initial_value.name, "trainable": self._trainable}

    @staticmethod
    def from_proto(variable_def: dict[str, Any], import_scope: str | None = None) -> Variable:
        """The Variable over the ops `variable_def` names, in the default graph."""
        return Variable(variable_def=variable_def, import_scope=import_scope)

    # ---- identity ------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._variable.name

    @property
    def op(self) -> Operation:
        return self._variable.op

    @property
    def graph(self) -> Any:
        return self._graph

    @property
    def dtype(self) -> dtypes.DType:
        return self._variable.dtype

    @property
    def shape(self) -> TensorShape:
        return self._variable.shape

    def get_shape(self) -> TensorShape:
        return self._variable.shape

    @property
    def device(self) -> str:
        return self._variable.device

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def constraint(self) -> Any:
        return self._constraint

    @property
    def initializer(self) -> Operation:
        """The op that assigns the initial value."""
        return self._initializer_op

    @property
    def initial_value(self) -> Tensor:
        return self._initial_value

    def value(self) -> Tensor:
        """The `v/read` tensor: the variable's value."""
        return self._snapshot

    def read_value(self) -> Tensor:
        """A new read of the variable (respects enclosing control dependencies)."""
        return self._graph.create_op("Identity", [self._variable], name="read").outputs[0]

    def initialized_value(self) -> Tensor:
        """The variable's value, or its initial value while it is uninitialized (so another
        variable's initial value can be computed from this one)."""
        with self._graph.control_dependencies(None):
            return self._graph.create_op("InitializedValueOrDefault",
                                         [self._variable, self._initial_value]).outputs[0]

    def _ref(self) -> Tensor:
        return self._variable

    def _as_graph_tensor(self) -> Tensor:
        return self._snapshot

    def _as_graph_element(self) -> Tensor:
        return self._variable

    def _as_graph_op(self) -> Operation:
        return self._variable.op

    # ---- state changes --------------------------------------------------------------------
    def assign(self, value: Any, use_locking: bool = False, name: str | None = None,
               read_value: bool = True) -> Any:
        """An op setting the variable to `value`; returns the new value tensor."""
        return assign(self, value, name=name)

    def assign_add(self, delta: Any, use_locking: bool = False, name: str | None = None,
                   read_value: bool = True) -> Any:
        """An op adding `delta` to the variable."""
        return assign_add(self, delta, name=name)

    def assign_sub(self, delta: Any, use_locking: bool = False, name: str | None = None,
                   read_value: bool = True) -> Any:
        """An op subtracting `delta` from the variable."""
        return assign_sub(self, delta, name=name)

    def eval(self, session: Any = None) -> Any:
        """The variable's current value in `session` (default session)."""
        return self._snapshot.eval(session=session)

    def load(self, value: Any, session: Any = None) -> None:
        """Writes `value` into the variable in `session` without adding ops to the graph."""
        session_for(session, self._graph)._load_variable(self.op.name, value, self)

    def __repr__(self) -> str:
        return f"<tf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}>"

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other


def _delegate(name: str) -> None:
    setattr(Variable, name, lambda self, *args: getattr(self._snapshot, name)(*args))


for _op in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
            "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__", "__pow__", "__rpow__",
            "__matmul__", "__rmatmul__", "__neg__", "__abs__", "__lt__", "__le__", "__gt__",
            "__ge__", "__getitem__", "__and__", "__or__", "__invert__"):
    _delegate(_op)
Variable.__array_priority__ = 100
VariableV1 = Variable


def _ref_of(ref: Any) -> Tensor:
    if isinstance(ref, Variable):
        return ref._ref()
    if isinstance(ref, Tensor) and ref.op.type == "VariableV2":
        return ref
    raise TypeError(f"Expected a Variable, got {ref!r}")


def _write(op_type: str, ref: Any, value: Any, name: str | None, attrs: dict | None = None) -> Tensor:
    var = _ref_of(ref)
    value = convert_to_tensor(value, dtype=var.dtype)
    graph = get_default_graph()  # a write inside a function body belongs to the body
    graph = graph if graph.building_function and graph.encloses(var.graph) else var.graph
    return graph.create_op(op_type, [var, value], attrs or {}, name or op_type).outputs[0]


def assign(ref: Any, value: Any, validate_shape: bool = True, use_locking: bool = True,
           name: str | None = None) -> Tensor:
    """Sets `ref` to `value`; the output is the new value."""
    return _write("Assign", ref, value, name, {"validate_shape": validate_shape})


def assign_add(ref: Any, value: Any, use_locking: bool = False, name: str | None = None) -> Tensor:
    """Adds `value` to `ref`; the output is the new value."""
    return _write("AssignAdd", ref, value, name)


def assign_sub(ref: Any, value: Any, use_locking: bool = False, name: str | None = None) -> Tensor:
    """Subtracts `value` from `ref`; the output is the new value."""
    return _write("AssignSub", ref, value, name)


def global_variables(scope: str | None = None) -> list[Variable]:
    """Variables in `GLOBAL_VARIABLES` (optionally filtered by name regex `scope`)."""
    return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def all_variables() -> list[Variable]:
    return global_variables()


def trainable_variables(scope: str | None = None) -> list[Variable]:
    """Variables in `TRAINABLE_VARIABLES`."""
    return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope: str | None = None) -> list[Variable]:
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope: str | None = None) -> list[Variable]:
    return get_default_graph().get_collection(GraphKeys.MODEL_VARIABLES, scope)


def moving_average_variables(scope: str | None = None) -> list[Variable]:
    return get_default_graph().get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, scope)


def group(*inputs: Any, name: str | None = None) -> Operation:
    """A NoOp that runs after all `inputs` (ops or tensors)."""
    graph = get_default_graph()
    flat: list[Any] = []
    for i in inputs:
        flat.extend(i if isinstance(i, (list, tuple)) else [i])
    with graph.control_dependencies([x for x in flat if x is not None]):
        return graph.create_op("NoOp", [], name=name or "group_deps")


def no_op(name: str | None = None) -> Operation:
    """An op that does nothing."""
    return get_default_graph().create_op("NoOp", [], name=name or "NoOp")


def variables_initializer(var_list: Sequence[Variable], name: str = "init") -> Operation:
    """One op running the initializers of `var_list`."""
    return group(*[v.initializer for v in var_list], name=name)


def global_variables_initializer() -> Operation:
    """The op initializing every global variable (named "init")."""
    return variables_initializer(global_variables(), name="init")


initialize_all_variables = global_variables_initializer


def local_variables_initializer() -> Operation:
    return variables_initializer(local_variables(), name="init_1")


def is_variable_initialized(variable: Any) -> Tensor:
    """A bool scalar tensor: whether `variable` holds a value."""
    var = _ref_of(variable)
    return var.graph.create_op("IsVariableInitialized", [var], name="IsVariableInitialized").outputs[0]


def report_uninitialized_variables(var_list: Sequence[Variable] | None = None,
                                   name: str = "report_uninitialized_variables") -> Tensor:
    """A 1-D string tensor with the names of the uninitialized variables (as bytes)."""
    if var_list is None:
        var_list = global_variables() + local_variables()
    graph = get_default_graph()
    refs = [_ref_of(v) for v in var_list]
    return graph.create_op("ReportUninitializedVariables", refs, name=name).outputs[0]


def assert_variables_initialized(var_list: Sequence[Variable] | None = None) -> Operation:
    return no_op()
