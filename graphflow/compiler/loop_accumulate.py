"""The "accumulate" pass: a loop body's `acc + a @ b` (or `acc + sum_to_shape(x)`) whose sum is
carried to the next iteration and read by nothing else runs on a second core, while the loop
goes on.

A backward loop sums each captured weight's gradient over the iterations: `dW' = dW + cat^T @
dG` (an LSTM's kernel gradient), a product as large as the one on the loop's critical path
(`dG @ W^T`, which the next iteration needs) but needed only after the last iteration; so is
the bias's `db' = db + sum over the batch of dG`. TF1 runs such independent ops on its inter-op
threads; here the term and the sum are handed to one worker thread (`_OffloadedSum`), in
order, and the While kernel waits for the worker when the loop ends (`drain`). While a body
with such sums runs, BLAS runs on one thread per call (`blas_for_loop`): the two cores then
each run one product instead of both splitting each product.

Consumes the IR of a loop body's sub-plan (after simplify, before fuse) and the pairs (fetched
position, feed index) of its loop-carried values (`Compilation.loop_carried`); replaces each
`AddN(acc, term)` (or an `Add` of equal shapes), `term` a MatMul or SumToShape, whose result is
fetched as the next value of the loop var `acc` is fed from, with `acc` and the term read by
nothing else, by one `_OffloadedSum(acc, *term's inputs)`.
Only backends whose policy sets `offloads_loop_accumulations = True` run it (the CPU backend).
A body that assigns variables is left alone. When other processes hold the cores
(`graphflow.ops._machine_load.cores_taken`, checked as each loop run starts) the sums run
inline on the loop's thread.

The kernel's result is the same array object in every iteration of a loop run (the worker adds
into it in place; the first iteration writes `acc + term` into a fresh array, so the loop's
initial value, perhaps a plan constant, is never written): the sums are those of AddN, in the
same order, bit for bit.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

from graphflow.ops import _cpu_workers
from graphflow.ops.registry import OpDef, Spec

from .ir import Node, Value
from .rewrite import rewrite

_lock = threading.Lock()
_worker: dict[str, Any] = {"pool": None, "pid": None}
_runs = itertools.count(1)


class _ThreadState(threading.local):
    """Per calling thread (sessions may run loops from several threads at once): the loop run
    its accumulators belong to, whether its sums run inline, and the sums it handed over."""

    run = 0
    inline = False

    def __init__(self) -> None:
        self.pending: list[Future] = []


_state = _ThreadState()


def start_loop_run(inline: bool = False) -> None:
    """Marks the entry of a loop run: accumulators start again from the loop's initial value.
    `inline`: sums run on the calling thread (when the cores are taken, a worker thread only
    adds hand-overs: 10% more CPU time and wall time measured at load 8)."""
    _state.run = next(_runs)
    _state.inline = inline


def _submit(job: Any, *args: Any) -> None:
    if _state.inline:
        # after this thread's earlier sums (an enclosing loop's, handed over before): an inline
        # sum may read or write the arrays they write
        drain()
        job(*args)
        return
    with _lock:
        # a forked child inherits the pool but not its thread: it starts its own
        if _worker["pool"] is None or _worker["pid"] != os.getpid():
            _worker["pool"] = ThreadPoolExecutor(1, thread_name_prefix="graphflow-accumulate")
            _worker["pid"] = os.getpid()
            _state.pending = []
        future: Future = _worker["pool"].submit(job, *args)
    _state.pending.append(future)


def drain() -> None:
    """Waits for every accumulation this thread handed to the worker.

    Raises:
        Exception: the first failure of one of them (after all finished).
    """
    pending, _state.pending = _state.pending, []
    failure = None
    for future in pending:
        error = future.exception()
        if error is not None and failure is None:
            failure = error
    if failure is not None:
        raise failure


def offloads(plan: Any) -> bool:
    """Whether a bound plan hands sums to the worker (its loop runs BLAS on one thread)."""
    return any(isinstance(node.opdef, OffloadedSum) for node in plan.order)


class blas_for_loop:  # noqa: N801 - used as a function: `with blas_for_loop(active):`
    """One BLAS thread per product while `active`: a loop whose body offloads sums (the two
    cores then each run one product), or any loop on a machine whose cores are taken
    (`cores_taken`), where a loop's tens of products back to back would each wait for
    BLAS's second thread."""

    __slots__ = ("active",)

    def __init__(self, active: bool) -> None:
        self.active = active

    def __enter__(self) -> None:
        if self.active:
            _cpu_workers.single_threaded_blas().__enter__()

    def __exit__(self, *exc_info: Any) -> None:
        if self.active:
            _cpu_workers.single_threaded_blas().__exit__(*exc_info)


#: Ops whose result may be computed on the worker: pure numpy/BLAS kernels, large enough per
#: call (an LSTM's weight gradient product, its bias gradient's batch sum) to pay the hand-over.
OFFLOADED_PRODUCERS = frozenset({"MatMul", "SumToShape"})


def _producer_kernel(producer: Node) -> Any:
    kernel = producer.opdef.cpu_kernel(producer)
    if kernel is not None:
        return kernel
    opdef, attrs = producer.opdef, producer.attrs
    return lambda *xs: opdef.reference(attrs, *xs)


def _accumulate(out: np.ndarray, acc: np.ndarray | None, produce: Any, args: tuple[Any, ...]
                ) -> None:
    with _cpu_workers.single_threaded_blas():
        term = produce(*args)
    if np.shape(term) != out.shape:
        raise ValueError(f"cannot add a term of shape {np.shape(term)} to a sum of shape {out.shape}")
    np.add(out if acc is None else acc, term, out=out)


class OffloadedSum(OpDef):
    """`acc + producer(*inputs)`, computed and summed on the worker thread into one array per
    loop run (see the module docstring). Attr `producer`: the IR node whose op computes the
    term (a MatMul, a SumToShape); the node's own inputs are this node's after `acc`."""

    type = "_OffloadedSum"

    def infer(self, inputs: Sequence[Spec], attrs: Any) -> list[Spec]:
        return [inputs[0]]

    def reference(self, attrs: Any, acc: Any, *xs: Any) -> Any:
        producer = attrs["producer"]
        return acc + producer.opdef.reference(producer.attrs, *xs)

    def cpu_kernel(self, node: Node) -> Any:
        produce = _producer_kernel(node.attrs["producer"])
        last: list[Any] = [None, 0]  # the array this kernel returned, and in which loop run

        def offloaded_sum(acc: np.ndarray, *xs: Any) -> np.ndarray:
            if acc is last[0] and last[1] == _state.run:
                _submit(_accumulate, acc, None, produce, xs)  # in place, after the earlier sums
                return acc
            out = np.empty(acc.shape, acc.dtype)
            _submit(_accumulate, out, acc, produce, xs)
            last[0], last[1] = out, _state.run
            return out

        return offloaded_sum


OFFLOADED = OffloadedSum()


def offload_loop_accumulations(nodes: Sequence[Node], fetched: Sequence[Value],
                               loop_carried: Mapping[int, int]) -> tuple[list[Node], list[Value]]:
    """Replaces each offloadable carried sum of a loop body (see the module docstring).

    Args:
        nodes, fetched: the body's IR and fetched values.
        loop_carried: fetched position -> the index of the feed its value is the next value of.

    Returns:
        The rewritten (nodes, fetched); unchanged when nothing matches or a node assigns.
    """
    if not loop_carried or any(n.ref_vars for n in nodes):
        return list(nodes), list(fetched)
    uses: dict[tuple[int, int], int] = {}
    for node in nodes:
        for src, i in node.inputs:
            uses[(src.id, i)] = uses.get((src.id, i), 0) + 1
    for src, i in fetched:
        uses[(src.id, i)] = uses.get((src.id, i), 0) + 1
    chosen: dict[int, tuple[Value, Node]] = {}  # sum id -> (acc feed value, producer)
    for position, feed_index in loop_carried.items():
        if position >= len(fetched):
            continue
        add, out = fetched[position]
        if add.type not in ("AddN", "Add") or out != 0 or len(add.inputs) != 2 \
                or uses[(add.id, 0)] != 1 or any(s != add.out_specs[0] for s in add.in_specs):
            continue  # (an Add that broadcasts is not a sum of equal shapes)
        feeds = [v for v in add.inputs if v[0].type == "_Feed"
                 and int(v[0].attrs["index"]) == feed_index]
        terms = [v for v in add.inputs if v[0].type in OFFLOADED_PRODUCERS]
        if len(feeds) != 1 or len(terms) != 1 or uses[(feeds[0][0].id, 0)] != 1 \
                or uses[(terms[0][0].id, 0)] != 1 or terms[0][0].control:
            continue
        spec = add.out_specs[0]
        if spec.dtype.np.kind != "f" or not spec.shape.is_fully_defined():
            continue
        chosen[add.id] = (feeds[0], terms[0][0])
    if not chosen:
        return list(nodes), list(fetched)

    def visit(node: Node, _: dict[int, Value]) -> Node | Value | None:
        found = chosen.get(node.id)
        if found is None:
            return node
        acc, producer = found
        inputs = (acc, *producer.inputs)
        specs = [src.out_specs[i] for src, i in inputs]
        return Node(OFFLOADED, node.name, {"producer": producer}, inputs, node.control, specs,
                    node.out_specs, op=node.op, host=node.host)

    return rewrite(nodes, fetched, visit)
