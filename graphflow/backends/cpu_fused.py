"""Generated numba loops for fused elementwise programs (CPU backend).

For a `Program` we write the source of one `@njit` loop that reads every input once per
element, evaluates the rows' scalar expressions in registers and writes only the outputs.
Two loop shapes:
  * flat: every input is either of the full shape or has one element, so one 1-D loop over
    `size` elements serves any rank (inputs are passed as 1-D views);
  * nested: some input broadcasts along some axes (a bias [K] against [N, K]), or is a piece
    of a wider array read at an offset along its last axis (`Program.in_offsets`, a Split's
    piece read in place); one loop per axis, and each input is indexed with 0 along its
    broadcast axes and with its offset added along the last one.

A program of a plan general in the batch size has dimensions known only at run time (None):
its loops are the same (they iterate over the outputs' run-time shape); the host wrapper reads
the iteration shape from the inputs and checks each input against it per call, and hands the
call to the rows' numpy references when a dimension of 1 broadcasts at run time (or shapes do
not fit, which then fails with numpy's message).

numba's `cache=True` needs a real file (exec'd source cannot be cached), so the source is
written and imported by `graphflow.generated_source`: a second process loads the compiled
machine code instead of compiling.
Kernels are compiled lazily on first call and shared by every plan with the same program.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from graphflow.compiler.fused_op import (
    FUSED,
    Program,
    check_program,
    is_dynamic,
    scalar_steps,
    uses_float32_cpu_exprs,
)
from graphflow.generated_source import load_generated

_lock = threading.Lock()
_kernels: dict[Program, Callable[..., Any]] = {}


def _one_element(shape: tuple[int | None, ...]) -> bool:
    return all(d == 1 for d in shape)


def _is_flat(program: Program) -> bool:
    # an input read at an offset (a piece of a wider array) needs the nested loops' indexing
    return not any(program.in_offsets) and all(
        s == program.shape or _one_element(s) for s in program.in_shapes)


def _broadcasts(d: int | None, along: int | None) -> bool:
    """Whether an input dimension `d` is broadcast along an iteration dimension `along`
    (statically 1 where the iteration may be longer); otherwise it is read in full."""
    return d == 1 and along != 1


def _index(in_shape: tuple[int | None, ...], shape: tuple[int | None, ...], start: int = 0) -> str:
    """The subscript of an input of `in_shape` inside the nested loops over `shape`; `start`:
    where its values begin along its last axis (a piece of a wider array)."""
    offset = len(shape) - len(in_shape)
    parts = ["0" if _broadcasts(d, shape[offset + j]) else f"i{offset + j}"
             for j, d in enumerate(in_shape)]
    if start:
        parts[-1] += f" + {int(start)}"
    return ", ".join(parts) if parts else "()"


@functools.cache
def _fast_math_source() -> str:
    """The source of `graphflow.ops._fast_math` (numpy and numba imports, njit functions)."""
    from graphflow.ops import _fast_math

    return inspect.getsource(_fast_math)


def kernel_source(program: Program) -> str:
    """The Python source of the numba kernel `kernel(*inputs, *outputs)` for `program`: table
    expressions, integers and names made of them only (`check_program`)."""
    check_program(program)
    n_in, n_out = len(program.in_shapes), len(program.outputs)
    args = [f"a{k}" for k in range(n_in)] + [f"o{k}" for k in range(n_out)]
    flat = _is_flat(program)
    lines = ["import math", "", "import numpy as np", "from numba import njit", "", "",
             '@njit(cache=True, nogil=True, error_model="numpy")',
             f"def kernel({', '.join(args)}):"]
    if uses_float32_cpu_exprs(program):
        # the vectorizable float32 functions' own text, so that the file's name (its hash),
        # hence numba's cache of the kernel, changes whenever they do
        lines = [_fast_math_source(), "", *lines]
    body: list[str] = []
    loads: dict[int, str] = {}
    if flat:
        for k, s in enumerate(program.in_shapes):
            if s != program.shape or _one_element(program.shape):
                lines.append(f"    x{k} = a{k}[0]")  # one element: hoisted out of the loop
            else:
                loads[k] = f"a{k}[i]"
        lines.append("    for i in range(o0.shape[0]):")
        indent, out_index = "        ", "i"
    else:
        rank = len(program.shape)
        starts = program.in_offsets or (0,) * len(program.in_shapes)
        for k, (s, start) in enumerate(zip(program.in_shapes, starts)):
            if _one_element(s) and not start:
                lines.append(f"    x{k} = a{k}[{', '.join(['0'] * len(s)) or '()'}]")
            else:
                loads[k] = f"a{k}[{_index(s, program.shape, start)}]"
        for axis in range(rank):
            lines.append("    " * (axis + 1) + f"for i{axis} in range(o0.shape[{axis}]):")
        indent, out_index = "    " * (rank + 1), ", ".join(f"i{a}" for a in range(rank))
    for k, load in loads.items():
        body.append(f"x{k} = {load}")
    body.extend(scalar_steps(program, float32_cpu=True))
    for k, step in enumerate(program.outputs):
        body.append(f"o{k}[{out_index}] = t{step}")
    lines.extend(indent + b for b in body)
    return "\n".join(lines) + "\n"


def _runtime_shape(program: Program) -> tuple[str, list[str]]:
    """For a dynamic program: the expression of the iteration shape at run time, and a
    condition per input that its run-time shape is the one the kernel indexes (each dimension
    read in full equal to the iteration's, broadcast ones statically 1). Built from integers
    and input numbers only."""
    rank = len(program.shape)
    axes = []
    for axis, d in enumerate(program.shape):
        if d is not None:
            axes.append(str(int(d)))
            continue
        for k, s in enumerate(program.in_shapes):  # an input read in full along the axis
            j = axis - (rank - len(s))
            if j >= 0 and not _broadcasts(s[j], d):
                axes.append(f"x{k}.shape[{j}]")
                break
        else:  # pragma: no cover - shape inference makes an unknown dimension come from an input
            raise TypeError(f"no input of fused program {program!r} sets dimension {axis}")
    checks = []
    for k, s in enumerate(program.in_shapes):
        offset = rank - len(s)
        dims = ["1" if _broadcasts(d, program.shape[offset + j]) else f"shape[{offset + j}]"
                for j, d in enumerate(s)]
        checks.append(f"x{k}.shape != ({', '.join(dims)}{',' if len(dims) == 1 else ''})")
    return f"({', '.join(axes)}{',' if rank == 1 else ''})", checks


def _host_wrapper(program: Program, kernel: Any) -> Callable[..., Any]:
    """A generated Python function: allocates outputs, shapes inputs, calls the kernel. Values
    (the shape, dtypes, the kernel) reach it through its namespace, never as text."""
    check_program(program)
    n_in, n_out = len(program.in_shapes), len(program.outputs)
    flat = _is_flat(program)
    dynamic = is_dynamic(program)
    size = "size" if dynamic else int(np.prod(program.shape))
    ins = [f"x{k}" for k in range(n_in)]
    prologue = []
    if dynamic:
        # An unknown dimension can be 1 at run time where another input's is not: numpy would
        # broadcast, the kernel would read out of bounds. Such calls (and shapes that do not
        # fit at all, which fail there with numpy's message) run the rows one by one.
        shape_expr, checks = _runtime_shape(program)
        prologue = [f"shape = {shape_expr}",
                    f"if {' or '.join(checks)}:",
                    f"    return fallback({', '.join(ins)})"]
        if flat:
            prologue.append("size = " + " * ".join(f"shape[{a}]" for a in range(len(program.shape))))
    if flat:
        # the method, not np.reshape: the function form costs ~1 us of dispatch per call
        call_ins = [f"x{k}.reshape(-1)" for k in range(n_in)]
        allocs = [f"o{k} = empty({size}, d{k})" for k in range(n_out)]
        results = [f"o{k}.reshape(shape)" for k in range(n_out)]
    else:
        call_ins = [f"asarray(x{k})" if not s else f"x{k}" for k, s in enumerate(program.in_shapes)]
        allocs = [f"o{k} = empty(shape, d{k})" for k in range(n_out)]
        results = [f"o{k}" for k in range(n_out)]
    outs = [f"o{k}" for k in range(n_out)]
    source = "\n".join([
        f"def run({', '.join(ins)}):",
        *("    " + p for p in prologue),
        *("    " + a for a in allocs),
        f"    kernel({', '.join(call_ins + outs)})",
        f"    return {', '.join(results)}" + ("," if n_out > 1 else ""),
    ]) + "\n"
    namespace: dict[str, Any] = {"kernel": kernel, "empty": np.empty, "asarray": np.asarray,
                                 "shape": program.shape, "fallback": _row_by_row(program)}
    namespace.update({f"d{k}": np.dtype(d) for k, d in enumerate(program.out_dtypes)})
    exec(compile(source, "<graphflow fused host>", "exec"), namespace)  # noqa: S102
    return namespace["run"]


def _row_by_row(program: Program) -> Callable[..., Any]:
    """The program's numpy reference: each row a numpy call, with numpy's broadcasting."""
    attrs = {"program": program}
    return lambda *xs: FUSED.reference(attrs, *xs)


def fused_kernel(program: Program) -> Callable[..., Any]:
    """The CPU callable of a fused program (shared by every plan with the same program)."""
    with _lock:
        run = _kernels.get(program)
        if run is None:
            run = _host_wrapper(program, load_generated(kernel_source(program), "fused").kernel)
            _kernels[program] = run
        return run
