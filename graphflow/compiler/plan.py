"""ExecutionPlan: the scheduled nodes turned into one generated Python function.

The function is straight-line code, one line per kernel call, with values in local variables
and `del` after their last use (see memory.py). There is no interpreter loop on the hot path:
a `run` is one call of this function. Its source is printable (GF_DEBUG=2), and a failure is
mapped back, through the line number of the generated code, to the op that failed.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any

import numpy as np

from graphflow.cuda.device import is_device
from graphflow.framework import errors
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


def _fetch_from_device(v: Any) -> Any:
    """A fetched value of a device plan: copied to the host once (a fresh array); a host-memory
    value (strings, shapes) may alias a constant, so it is copied."""
    return _out(v.copy_to_host()) if is_device(v) else _out_copy(v)


def _name(value: Value) -> str:
    node, i = value
    if node.type == "_Feed":
        return f"f{node.attrs['index']}"
    if node.is_const:
        return f"c{node.id}"
    return f"v{node.id}_{i}"


def _aliases(value: Value) -> bool:
    node = value[0]
    return node.opdef.aliases_input or node.is_const or node.type == "_Feed"


class ExecutionPlan:
    """A compiled `run` signature: call `run(feed_values)` to get the fetched values (a tuple)."""

    def __init__(self, order: Sequence[Node], fetched: Sequence[Value], num_feeds: int,
                 kernels: dict[int, Callable[..., Any]], releases: dict[int, list[Value]],
                 backend: str) -> None:
        self.order = list(order)
        self.fetched = list(fetched)
        self.backend = backend
        self.host_nodes: list[Node] = list(getattr(kernels, "host_nodes", ()))
        self.id = next(_plan_ids)
        self.filename = f"<graphflow plan {self.id}>"
        on_device = backend == "cuda"
        namespace: dict[str, Any] = {"_out": _out, "_out_copy": _out_copy}
        lines = ["def plan(feeds):"]
        if num_feeds:
            names = ", ".join(f"f{i}" for i in range(num_feeds))
            # on the device backend feeds are copied to the device once, on entry
            lines.append(f"    {names}, = " + ("[_in(f) for f in feeds]" if on_device else "feeds"))
        self._line_nodes: dict[int, Node] = {}
        if on_device:
            from graphflow.cuda.device import to_device

            namespace.update(_in=to_device, _out=_fetch_from_device, _out_copy=_fetch_from_device)
        for node in self.order:
            if node.is_const:
                value = node.attrs["value"]
                namespace[f"c{node.id}"] = to_device(value) if on_device else value
        for step, node in enumerate(self.order):
            if node.type == "_Feed" or node.is_const:
                continue
            namespace[f"k{node.id}"] = kernels[node.id]
            args = ", ".join(_name(v) for v in node.inputs)
            n_out = len(node.out_specs)
            unpack = n_out > 1 or node.opdef.list_output
            target = "" if n_out == 0 else ", ".join(
                f"v{node.id}_{i}" for i in range(n_out)) + ("," if unpack else "") + " = "
            lines.append(f"    {target}k{node.id}({args})  # {node.type} '{node.name}'")
            self._line_nodes[len(lines)] = node
            dead = [_name(v) for v in releases.get(step, []) if v[0].type != "_Feed"]
            if dead:
                lines.append(f"    del {', '.join(dead)}")
        outs = [f"{'_out_copy' if _aliases(v) else '_out'}({_name(v)})" for v in self.fetched]
        lines.append(f"    return ({', '.join(outs)}{',' if len(outs) == 1 else ''})")
        self.source = "\n".join(lines) + "\n"
        exec(compile(self.source, self.filename, "exec"), namespace)  # noqa: S102 - our own code
        self._fn: Callable[[Sequence[Any]], tuple[Any, ...]] = namespace["plan"]
        if os.environ.get("GF_DEBUG"):
            self._debug_print()

    @property
    def num_kernels(self) -> int:
        """How many kernel calls one run makes (tests count these, e.g. after fusion)."""
        return len(self._line_nodes)

    def describe(self) -> str:
        """The scheduled IR, one node per line."""
        return format_nodes(self.order)

    def _debug_print(self) -> None:
        level = os.environ.get("GF_DEBUG", "1")
        sys.stderr.write(f"graphflow plan {self.id} ({self.backend}):\n{self.describe()}\n")
        if level >= "2":
            sys.stderr.write(self.source)

    def run(self, feeds: Sequence[Any]) -> tuple[Any, ...]:
        """Executes the plan; maps failures to TF1 errors naming the failing op."""
        try:
            return _call_quietly(self._fn, feeds)
        except errors.OpError:
            raise
        except Exception as e:  # a kernel failed on data it was given at run time
            node = self._failing_node(e.__traceback__)
            if node is None:
                raise
            shapes = ", ".join(format_dims(s.dims) for s in node.in_specs)
            cls = errors.ResourceExhaustedError if isinstance(e, MemoryError) else \
                errors.InvalidArgumentError
            raise cls(None, node.op, f"{node.type} failed: {e} (input shapes: {shapes})") from e

    def _failing_node(self, tb: TracebackType | None) -> Node | None:
        found = None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.filename:
                found = self._line_nodes.get(tb.tb_lineno)
            tb = tb.tb_next
        return found
