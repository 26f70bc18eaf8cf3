"""`FuncGraph`: a graph built by tracing a Python function (a branch of `tf.cond`, the predicate
or body of `tf.while_loop`), held by an `If`/`While` op as an attribute.

The function's arguments become inner placeholders (`inputs`). A tensor of an enclosing graph
used inside is CAPTURED: an inner placeholder stands for it and the outer tensor is recorded
(`captures`), so that the If/While op takes it as an extra input. Small constants are copied
in rather than captured (folding keeps working inside bodies). Ops with a variable REFERENCE
input (assign, optimizer updates) reference the outer variable op directly: sub-plans bind
them to the session's storage by name.

Names continue the outer graph's: the FuncGraph shares the outer graph's table of used names
and starts from its current name scope (`while/add`, `cond/mul`), shares its collections and
variable store (so `get_variable` inside a body sees and reuses the outer variables), and
`init_scope()` creates variables in the outermost graph, as TF2's init_scope: their
initializers run outside any loop.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .graph import Graph, get_default_graph
from .tensor import Operation, Tensor

#: Constants up to this many elements are copied into a FuncGraph instead of captured.
_COPIED_CONSTANT = 4096


class FuncGraph(Graph):
    """A function body: inner placeholders `inputs`, result tensors `outputs`.

    Attributes:
        name: a label (the scope it was traced in), for messages and rendering.
        outer_graph: the graph the function is used from.
        inputs: the inner placeholders: the function's arguments, then one per capture.
        outputs: the tensors the function returns (flat).
        control_outputs: ops the function runs for their effects (targets of its plan).
        captures: (outer tensor, inner placeholder) pairs, in capture order.
        external_control: ops of enclosing graphs named in `tf.control_dependencies` inside
            the function; the op holding the function depends on them instead.
    """

    def __init__(self, name: str, outer_graph: Graph) -> None:
        super().__init__()
        self.name = name
        self.outer_graph = outer_graph
        # one namespace with the enclosing graph: names stay unique and read as TF1's
        self._names_in_use = outer_graph._names_in_use
        self._name_stack = outer_graph._name_stack
        self._collections = outer_graph._collections
        self._device_stack = list(outer_graph._device_stack)
        self.seed = outer_graph.seed
        from .variable_scope import _store

        self._variable_store = _store(outer_graph)
        self.inputs: list[Tensor] = []
        self.outputs: list[Tensor] = []
        self.control_outputs: list[Operation] = []
        self.captures: list[tuple[Tensor, Tensor]] = []
        self._captured: dict[Tensor, Tensor] = {}
        self.external_control: list[Operation] = []
        #: set while graph_json rebuilds the body: inputs are taken as written, not captured
        self._importing = False

    @property
    def building_function(self) -> bool:
        return True

    @property
    def outermost_graph(self) -> Graph:
        graph: Graph = self
        while isinstance(graph, FuncGraph):
            graph = graph.outer_graph
        return graph

    def encloses(self, graph: Graph) -> bool:
        """Whether `graph` is this graph or one it is nested in."""
        g: Graph | None = self
        while g is not None:
            if g is graph:
                return True
            g = g.outer_graph if isinstance(g, FuncGraph) else None
        return False

    def _accepts_outer(self, tensor: Tensor, ref: bool) -> bool:
        # a variable reference; or, while a graph file rebuilds the body, any tensor of an
        # enclosing graph the body reads directly (a variable it assigns and reads)
        return (ref or self._importing) and self.encloses(tensor.graph)

    # ---- arguments and captures ------------------------------------------------------------
    def add_input(self, dtype: Any, shape: Any, name: str = "arg") -> Tensor:
        """A new inner placeholder, appended to `inputs`."""
        with Graph.control_dependencies(self, None):
            t = Graph.create_op(self, "Placeholder", [], {"dtype": dtype, "shape": shape},
                                name=name).outputs[0]
        self.inputs.append(t)
        return t

    def capture(self, tensor: Tensor) -> Tensor:
        """The inner tensor standing for `tensor` of an enclosing graph (made on first use).

        Raises:
            ValueError: when `tensor` belongs to a graph that does not enclose this one.
        """
        if tensor.graph is self:
            return tensor
        inner = self._captured.get(tensor)
        if inner is not None:
            return inner
        if not self.encloses(tensor.graph):
            raise ValueError(f"Tensor {tensor.name} must be from the same graph as the function "
                             f"'{self.name}' or a graph enclosing it.")
        if tensor.op.type == "Const" and tensor.shape.num_elements() is not None \
                and tensor.shape.num_elements() <= _COPIED_CONSTANT:
            with Graph.control_dependencies(self, None):
                inner = Graph.create_op(self, "Const", [], dict(tensor.op.attrs),
                                        name=tensor.op.name.rpartition("/")[2]).outputs[0]
            self._captured[tensor] = inner
            return inner
        source = tensor
        if isinstance(self.outer_graph, FuncGraph) and tensor.graph is not self.outer_graph:
            source = self.outer_graph.capture(tensor)  # nested: through each enclosing body
        inner = self.add_input(tensor.dtype, tensor.shape.dims, name="capture")
        inner._const_value = tensor._const_value
        if hasattr(tensor, "_variable_object"):
            inner._captured_variable = tensor._variable_object  # type: ignore[attr-defined]
        if getattr(tensor, "_is_loop_history", False):  # a While's record: no gradient
            inner._is_loop_history = True  # type: ignore[attr-defined]
        self.captures.append((source, inner))
        self._captured[tensor] = self._captured[source] = inner
        return inner

    def create_op(self, op_type: str, inputs: Sequence[Tensor], attrs: dict[str, Any] | None = None,
                  name: str | None = None) -> Operation:
        from graphflow.ops import registry

        opdef = registry.get(op_type)
        inner = [t if not isinstance(t, Tensor) or t.graph is self or opdef.is_ref_input(i)
                 or self._importing else self.capture(t) for i, t in enumerate(inputs)]
        return super().create_op(op_type, inner, attrs, name)

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs: Sequence[Any] | None) -> Iterator[None]:
        """As Graph's; ops of enclosing graphs become dependencies of the op holding the body."""
        if control_inputs is None:
            with super().control_dependencies(None):
                yield
            return
        own = []
        for c in control_inputs:
            c = getattr(c, "_as_graph_op", lambda c=c: c)()
            op = c.op if isinstance(c, Tensor) else c
            if isinstance(op, Operation) and op.graph is not self:
                if op not in self.external_control:
                    self.external_control.append(op)
                continue
            own.append(c)
        with super().control_dependencies(own):
            yield


@contextlib.contextmanager
def init_scope() -> Iterator[Graph]:
    """Inside a function body: builds in the outermost graph, under the body's current name
    scope and without the body's control dependencies (where variables are created, so that
    their initializers run outside loops). Elsewhere: the default graph, unchanged."""
    graph = get_default_graph()
    if not isinstance(graph, FuncGraph):
        yield graph
        return
    outer = graph.outermost_graph
    saved = outer._name_stack
    outer._name_stack = graph._name_stack
    try:
        with outer.as_default(), outer.control_dependencies(None):
            yield outer
    finally:
        outer._name_stack = saved


def trace(name: str, build: Callable[[FuncGraph], Any], outer: Graph | None = None
          ) -> tuple[FuncGraph, Any]:
    """Traces `build(func_graph)` into a new FuncGraph (its default graph while it runs).

    Args:
        name: the FuncGraph's label.
        build: makes the inner placeholders (`FuncGraph.add_input`) and calls the user's
            function on them.
        outer: the enclosing graph (default: the default graph).

    Returns:
        (the FuncGraph, whatever `build` returned).
    """
    outer = outer or get_default_graph()
    func = FuncGraph(name, outer)
    with func.as_default():
        result = build(func)
    return func, result
