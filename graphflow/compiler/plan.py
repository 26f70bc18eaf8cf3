"""ExecutionPlan: the scheduled nodes, and once a backend bound it, one generated Python function.

The compiler returns the plan unbound (nodes, fetched values, releases). A backend's `bind`
calls `attach` with a kernel per node; `attach` writes the function: straight-line code, one
line per kernel call, with values in local variables and `del` after their last use (see
memory.py). There is no interpreter loop on the hot path: a `run` is one call of this function.
Its source is printable (GF_DEBUG=2), and a failure is mapped back, through the line number of
the generated code, to the op that failed.

Nothing from the graph is pasted into that source: op names and types come from users and graph
files, so a node appears in the code only through its integer id (`k12`, `v12_0`, the kernel and
value table entries); `listing()` adds each line's op for people, as text that is never run.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any

import numpy as np

from graphflow.framework import errors
from graphflow.framework.tensor import Operation
from graphflow.framework.tensor_shape import format_dims

from .ir import Node, Value, format_nodes

_plan_ids = itertools.count()


def _ignoring_fp_errors() -> Callable[[Callable[..., Any], Any], Any]:
    """`call(fn, arg)` running fn with numpy's floating-point warnings off (TF1 never warns on
    inf/nan). np.errstate builds its state object on every entry (~2.5 us, a third of a tiny
    run), so the state is built once and set through numpy's context variable where numpy
    exposes it; other numpy versions get np.errstate."""
    try:
        from numpy._core._ufunc_config import _extobj_contextvar, _make_extobj

        ignore = _make_extobj(all="ignore")
    except (ImportError, TypeError):  # pragma: no cover - numpy without the context variable
        def call(fn: Callable[..., Any], arg: Any) -> Any:
            with np.errstate(all="ignore"):
                return fn(arg)

        return call

    def call_fast(fn: Callable[..., Any], arg: Any) -> Any:
        token = _extobj_contextvar.set(ignore)
        try:
            return fn(arg)
        finally:
            _extobj_contextvar.reset(token)

    return call_fast


_call_quietly = _ignoring_fp_errors()


def _out(v: Any) -> Any:
    """A fetched value as TF1 returns it: numpy scalars for 0-d results."""
    if type(v) is np.ndarray and v.ndim == 0:
        return v[()]
    return v


def _out_copy(v: Any) -> Any:
    """A fetched value that may alias session storage or a constant: returned as a copy."""
    if type(v) is np.ndarray:
        return v[()] if v.ndim == 0 else v.copy()
    return v


def _name(value: Value) -> str:
    """The local variable holding `value`: built from integers only (`int()` refuses anything
    else), so no text of the graph can reach the generated code."""
    node, i = value
    if node.type == "_Feed":
        return f"f{int(node.attrs['index'])}"
    if node.is_const:
        return f"c{int(node.id)}"
    return f"v{int(node.id)}_{int(i)}"


def _aliases(value: Value) -> bool:
    node = value[0]
    return node.opdef.aliases_input or node.is_const or node.type == "_Feed"


Kernel = Callable[..., Any]


def _unbound(feeds: Sequence[Any]) -> tuple[Any, ...]:
    raise RuntimeError("this ExecutionPlan is not bound to a backend (see Backend.bind)")


class ExecutionPlan:
    """A compiled `run` signature: once bound, `run(feed_values)` returns the fetched values
    (a tuple).

    Attributes:
        order: the scheduled IR nodes.
        fetched: the IR value of each fetched tensor.
        ops: the framework ops the run needs (for the session's device checks).
        backend: the name of the backend that bound the plan (None before).
        host_nodes: nodes of a device plan that run on the host: found when binding and, as a
            backend specializes kernels at run time, added while running (the very list the
            backend's kernels append to).
    """

    def __init__(self, order: Sequence[Node], fetched: Sequence[Value], num_feeds: int,
                 releases: Mapping[int, list[Value]], ops: Sequence[Operation] = ()) -> None:
        self.order = list(order)
        self.fetched = list(fetched)
        self.num_feeds = num_feeds
        self.releases = dict(releases)
        self.ops = list(ops)
        self.backend: str | None = None
        self.host_nodes: list[Node] = []
        self.id = next(_plan_ids)
        self.filename = f"<graphflow plan {self.id}>"
        self.source = ""
        self._line_nodes: dict[int, Node] = {}
        self._fn: Callable[[Sequence[Any]], tuple[Any, ...]] = _unbound

    def attach(self, backend: str, kernels: Mapping[int, Kernel], host_nodes: list[Node],
               upload: Callable[[Any], Any] | None = None,
               download: Callable[[Any], Any] | None = None, raw_io: bool = False) -> None:
        """Binds the plan: writes and compiles its run function.

        Args:
            backend: the binding backend's name (for messages).
            kernels: a callable per executable node id (every node but feeds and constants).
            host_nodes: the backend's list of nodes running on the host; kept, not copied, so
                nodes the backend adds while running show in `host_nodes` too.
            upload / download: for a backend whose values live apart from the host: host
                array -> backend value (feeds and constants), backend value -> a fresh host
                value (fetches). None on host backends: values pass through.
            raw_io: a sub-plan (a loop body, a branch): feeds come and results go in the
                backend's own form, as they are (no upload, copy or download); `upload` still
                places constants.
        """
        self.backend = backend
        self.host_nodes = host_nodes
        moves = upload is not None
        namespace: dict[str, Any] = {"_out": _out, "_out_copy": _out_copy}
        lines = ["def plan(feeds):"]
        if self.num_feeds:
            names = ", ".join(f"f{i}" for i in range(self.num_feeds))
            # on a device backend feeds are uploaded once, on entry
            lines.append(f"    {names}, = " + ("[_in(f) for f in feeds]" if moves and not raw_io
                                                 else "feeds"))
        if moves:
            # a download is a fresh host value: no copy, only TF1's scalars for 0-d results
            namespace.update(_in=upload, _out=lambda v: _out(download(v)))
            namespace["_out_copy"] = namespace["_out"]
        self._line_nodes = {}
        for node in self.order:
            if node.is_const:
                value = node.attrs["value"]
                namespace[f"c{int(node.id)}"] = upload(value) if moves else value
        for step, node in enumerate(self.order):
            if node.type == "_Feed" or node.is_const:
                continue
            kernel = f"k{int(node.id)}"
            namespace[kernel] = kernels[node.id]
            args = ", ".join(_name(v) for v in node.inputs)
            n_out = len(node.out_specs)
            unpack = n_out > 1 or node.opdef.list_output
            target = "" if n_out == 0 else ", ".join(
                _name((node, i)) for i in range(n_out)) + ("," if unpack else "") + " = "
            lines.append(f"    {target}{kernel}({args})")
            self._line_nodes[len(lines)] = node
            dead = [_name(v) for v in self.releases.get(step, []) if v[0].type != "_Feed"]
            if dead:
                lines.append(f"    del {', '.join(dead)}")
        outs = [_name(v) if raw_io else f"{'_out_copy' if _aliases(v) else '_out'}({_name(v)})"
                for v in self.fetched]
        lines.append(f"    return ({', '.join(outs)}{',' if len(outs) == 1 else ''})")
        self.source = "\n".join(lines) + "\n"
        exec(compile(self.source, self.filename, "exec"), namespace)  # noqa: S102 - our own code
        self._fn = namespace["plan"]

    def listing(self) -> str:
        """The generated source for reading (GF_DEBUG=2): each kernel call followed by a comment
        naming its op type and op (escaped with repr). Only `source` is ever compiled."""
        lines = self.source.rstrip("\n").split("\n")
        for number, node in self._line_nodes.items():
            lines[number - 1] += f"  # {node.type} {node.name!r}"
        return "\n".join(lines) + "\n"

    @property
    def num_kernels(self) -> int:
        """How many kernel calls one run makes (tests count these, e.g. after fusion)."""
        return len(self._line_nodes)

    def describe(self) -> str:
        """The scheduled IR, one node per line (`@host`: runs on the host of a device plan)."""
        return format_nodes(self.order, self.host_nodes)

    def run(self, feeds: Sequence[Any]) -> tuple[Any, ...]:
        """Executes the plan; maps failures to TF1 errors naming the failing op."""
        try:
            return _call_quietly(self._fn, feeds)
        except errors.OpError:
            raise
        except Exception as e:  # a kernel failed on data it was given at run time
            mapped = self.op_error(e)
            if mapped is None:
                raise
            raise mapped from e

    @property
    def function(self) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
        """The bound run function itself, for a caller that runs it many times inside one
        `run` (a loop kernel): no error mapping (see `op_error`), no floating-point state."""
        return self._fn

    def op_error(self, e: BaseException) -> errors.OpError | None:
        """The TF1 error naming the op of this plan whose kernel raised `e` (None when `e`
        did not come from one of this plan's kernel calls)."""
        node = self._failing_node(e.__traceback__)
        if node is None:
            return None
        shapes = ", ".join(format_dims(s.dims) for s in node.in_specs)
        cls = errors.ResourceExhaustedError if isinstance(e, MemoryError) else \
            errors.InvalidArgumentError
        return cls(None, node.op, f"{node.type} failed: {e} (input shapes: {shapes})")

    def _failing_node(self, tb: TracebackType | None) -> Node | None:
        found = None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.filename:
                found = self._line_nodes.get(tb.tb_lineno)
            tb = tb.tb_next
        return found
