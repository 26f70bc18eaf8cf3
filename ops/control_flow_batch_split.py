"""Running a `While` whose body works row by row as two loops over halves of the batch, one
per core (host backends, inference runs, while `_machine_load.cores_taken_lately` says no
other process holds the cores).

An RNN's body (dynamic_rnn over an LSTM or GRU cell) computes row r of its next state from row
r of its state and of the step's input alone: a product `[B, K] @ [K, N]` with a shared weight,
concatenations and splits along the feature axis, elementwise ops whose other operands are
shared (a bias). Its two halves of rows never meet inside the loop, so each can run the whole
loop on its own core with BLAS on one thread; the products and the cell's elementwise loop then
run on both cores, and the cores hand over once per run instead of in every product (BLAS's
own threads share each product but leave the cell's loop, about a fifth of an LSTM step, to
one core).

`batch_split_form` proves the row-by-row property on the body graph before anything runs:
every op on the way to the carried values must be one of a few row-wise kinds (`_op_kind`),
and anything else (a Shape, a reduction, a product with the batch on the right, a shared
operand as wide as the batch, an op with control inputs or effects) leaves the loop whole. The
loop's predicate must run on the host's counters (ops.control_flow_counters), so both halves
iterate the same number of times. Every row of every op is computed from the same operands as
in the whole loop; a product of fewer rows may in principle round differently inside BLAS (in
the tests, LSTM states of batches of 80 and 81 rows are bit for bit the whole loop's).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import registry
from .elementwise import Elementwise
from .tensor_list_value import TensorListValue

#: Fewest rows per half worth a split: below it a half's product is too small to keep a core
#: busy for longer than the hand-over.
MIN_HALF_ROWS = 32

#: Fewest multiply-adds of a half's products per iteration worth a split (about 40 us of a
#: core). The halves run their kernels side by side but their plans' Python one at a time (the
#: GIL): about 15 us an iteration for an LSTM body, which the other half's products must cover.
MIN_HALF_STEP_WORK = 2_000_000

#: A split run whose halves did not run side by side (one thread ran both, or one half ended
#: this fraction of a half's time after the other: the other core was busy after all) pauses
#: splitting. The cores-taken check guesses from the load; this sees it.
LAG_FRACTION = 0.25
#: The pause after a bad split: FIRST_PAUSE_S, doubled with each bad split in a row up to
#: PAUSE_S, back to FIRST_PAUSE_S after a good one. Short first: right after threaded products
#: (a training step) OpenBLAS's idle workers spin on the other core for about 0.1 s, so the
#: first splits lag and the next ones do not; a fixed 1 s pause kept the following second of
#: inference runs whole (5.2 ms against 4.2 split). Another process holding a core keeps the
#: splits bad, and the pauses reach PAUSE_S within seven tries.
FIRST_PAUSE_S = 0.01
PAUSE_S = 1.0

_BATCHED, _SHARED, _BATCHED_LIST = "batched", "shared", "batched list"


@dataclass(frozen=True)
class BatchSplit:
    """Which inputs of a loop body are split by rows (see the module docstring).

    Attributes:
        loop_vars: the carried loop vars (rows along axis 0).
        lists: captured inputs that are lists whose elements are split by rows.
        row_work: multiply-adds per row and iteration of the body's products (K * N each).
    """

    loop_vars: tuple[int, ...]
    lists: tuple[int, ...]
    row_work: int


def _rank(tensor: Any) -> int | None:
    return tensor.shape.rank


def _elementwise_kind(op: Any, kinds: list[str]) -> str | None:
    """An elementwise op is row-wise when its batched operands have the output's rank and its
    shared ones broadcast from the trailing axes without spanning the batch axis."""
    rank = _rank(op.outputs[0])
    if rank is None or rank == 0:
        return None
    if _BATCHED not in kinds:
        return _SHARED
    for tensor, kind in zip(op.inputs, kinds):
        r = _rank(tensor)
        if r is None or kind == _BATCHED_LIST:
            return None
        if kind == _BATCHED and r != rank:
            return None
        if kind == _SHARED and r == rank and tensor.shape.as_list()[0] != 1:
            return None
    # TF1's Select takes a vector condition along the first axis: only a scalar one is safe
    if op.type == "Select" and kinds[0] == _SHARED and _rank(op.inputs[0]) != 0:
        return None
    return _BATCHED


def _axis(op: Any) -> int | None:
    """A ConcatV2's or Split's axis, made non-negative (None where it is not an attribute)."""
    axis = op.attrs.get("axis")
    rank = _rank(op.outputs[0])
    if axis is None or rank is None:
        return None
    return int(axis) % rank


def _op_kind(op: Any, kinds: list[str]) -> str | None:
    """The kind of `op`'s outputs given its inputs' kinds; None where `op` is not row-wise."""
    kind = op.type
    if _BATCHED not in kinds and _BATCHED_LIST not in kinds:
        return _SHARED if kind in ("Const", "Identity") or isinstance(
            registry.REGISTRY.get(kind), Elementwise) else None
    if kind == "Identity":
        return kinds[0]
    if isinstance(registry.REGISTRY.get(kind), Elementwise):
        return _elementwise_kind(op, kinds)
    if kind == "BiasAdd":  # the bias is never along axis 0 (NHWC: last, NCHW: axis 1)
        return _BATCHED if kinds == [_BATCHED, _SHARED] else None
    if kind == "MatMul":  # rows of the left operand times a shared right operand
        ok = kinds == [_BATCHED, _SHARED] and not op.attrs.get("transpose_a", False)
        return _BATCHED if ok else None
    if kind == "ConcatV2":  # along a feature axis, every piece split the same way
        ok = all(k == _BATCHED for k in kinds) and _axis(op) not in (None, 0)
        return _BATCHED if ok else None
    if kind == "Split":
        return _BATCHED if kinds == [_BATCHED] and _axis(op) not in (None, 0) else None
    if kind == "TensorListGetItem":  # an element of a list split by rows, at a shared index
        dims = op.attrs.get("element_shape")  # a static batch would make a half's plan wrong
        ok = kinds[0] == _BATCHED_LIST and all(k == _SHARED for k in kinds[1:]) \
            and dims is not None and len(dims) >= 1 and dims[0] in (None, -1)
        return _BATCHED if ok else None
    return None


def batch_split_form(body: Any, n: int, returned: list[int], counted: set[int]) -> BatchSplit | None:
    """Whether a loop body works row by row on its carried values (module docstring).

    Args:
        body: the While's body FuncGraph (inputs: the n loop vars, then the captured values).
        n: the number of loop vars.
        returned: the loop vars the body plan returns (neither dead nor counters).
        counted: the loop vars the loop advances on the host (ops.control_flow_counters).

    Returns:
        A BatchSplit, or None where some op on the way to a returned value is not row-wise,
        a returned value is not split by rows, or there is nothing to split.
    """
    if not returned:
        return None
    positions = {id(t): i for i, t in enumerate(body.inputs)}
    kinds: dict[int, str | None] = {}
    lists: set[int] = set()

    def kind_of(tensor: Any) -> str | None:
        key = id(tensor)
        if key in kinds:
            return kinds[key]
        position = positions.get(id(tensor))
        if position is not None:
            if position < n:
                # a carried value's batch must be left open: the halves' plans are compiled
                # for their own row counts, which a static batch in the body would contradict
                found = _SHARED if position in counted else (
                    _BATCHED if position in returned and (_rank(tensor) or 0) >= 1
                    and tensor.dtype.np.kind != "O" and tensor.shape.as_list()[0] is None
                    else None)
            elif tensor.dtype.np.kind == "O":
                found = _BATCHED_LIST
                lists.add(position - n)
            else:
                found = _SHARED
        else:
            op = tensor.op
            if op.control_inputs or (op.type in registry.REGISTRY
                                     and registry.get(op.type).stateful):
                found = None
            else:
                inputs = [kind_of(t) for t in op.inputs]
                found = None if None in inputs else _op_kind(op, inputs)
        kinds[key] = found
        return found

    if any(kind_of(body.outputs[k]) != _BATCHED for k in returned):
        return None
    row_work = 0
    for op in body.get_operations():  # the products on the way (kinds holds their outputs)
        if op.type == "MatMul" and kinds.get(id(op.outputs[0])) == _BATCHED:
            k, n_cols = op.inputs[1].shape.as_list()[::-1] if op.attrs.get("transpose_b") \
                else op.inputs[1].shape.as_list()
            row_work += (k or 0) * (n_cols or 0)
    return BatchSplit(tuple(returned), tuple(sorted(lists)), row_work)


def split_rows(form: BatchSplit, inputs: tuple[Any, ...], n: int, min_rows: int = MIN_HALF_ROWS
               ) -> list[tuple[Any, ...]] | None:
    """The loop's inputs for each half of the batch, or None where the values at hand do not
    split (a batch under `2 * min_rows`, products too small to pay for it (MIN_HALF_STEP_WORK),
    values whose first dims differ, a list with an unwritten slot or an element of another
    first dim).

    Args:
        form: the loop's BatchSplit.
        inputs: the While's inputs (loop vars, then captured values).
        n: the number of loop vars.
        min_rows: the fewest rows a half may have.
    """
    rows = {np.shape(inputs[k])[0] for k in form.loop_vars}
    if len(rows) != 1:
        return None
    (batch,) = rows
    if batch < 2 * min_rows or batch // 2 * form.row_work < MIN_HALF_STEP_WORK:
        return None
    for j in form.lists:
        value = inputs[n + j]
        if not isinstance(value, TensorListValue) or any(
                not isinstance(item, np.ndarray) or item.ndim == 0 or item.shape[0] != batch
                for item in value.items):
            return None
    halves = []
    for lo, hi in ((0, batch // 2), (batch // 2, batch)):
        values = list(inputs)
        for k in form.loop_vars:
            values[k] = inputs[k][lo:hi]
        for j in form.lists:
            whole = inputs[n + j]
            values[n + j] = whole.with_items([item[lo:hi] for item in whole.items])
        halves.append(tuple(values))
    return halves


def join_rows(form: BatchSplit, inputs: tuple[Any, ...], n: int, halves: list[tuple[Any, ...]],
              results: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    """The whole loop's results from the halves': the split loop vars' rows stacked, the
    others (counters, dead vars) as the first half has them; the halves' reads of the split
    lists recorded on the lists themselves (TF1's clear_after_read)."""
    values = list(results[0])
    for k in form.loop_vars:
        values[k] = np.concatenate([results[0][k], results[1][k]], axis=0)
    for j in form.lists:
        whole = inputs[n + j]
        for half in halves:
            whole._read |= half[n + j]._read  # noqa: SLF001 - the same value's bookkeeping
    return tuple(values)


class SplitHealth:
    """Whether split runs lately ran their halves side by side (see LAG_FRACTION). Shared by
    every loop of the process: it is the machine's state, not a loop's."""

    def __init__(self) -> None:
        self._paused_until = -1.0
        self._next_pause = FIRST_PAUSE_S
        self._lock = threading.Lock()

    def allowed(self) -> bool:
        """False while splitting is paused."""
        return time.monotonic() >= self._paused_until

    def record(self, start: float, ends: list[tuple[int, float]]) -> bool:
        """Judges one split run and pauses splitting after a bad one.

        Args:
            start: `time.monotonic()` when the halves were handed out.
            ends: per half, (the worker that ran it, `time.monotonic()` when it ended).

        Returns:
            Whether the halves ran side by side.
        """
        (worker_a, end_a), (worker_b, end_b) = ends
        half = max(1e-6, min(end_a, end_b) - start)
        healthy = worker_a != worker_b and abs(end_a - end_b) <= LAG_FRACTION * half
        with self._lock:
            if healthy:
                self._next_pause = FIRST_PAUSE_S
            else:
                self._paused_until = max(self._paused_until, time.monotonic() + self._next_pause)
                self._next_pause = min(2 * self._next_pause, PAUSE_S)
        return healthy


HEALTH = SplitHealth()
