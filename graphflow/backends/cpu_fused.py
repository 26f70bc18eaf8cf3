"""Generated numba loops for fused elementwise programs (CPU backend).

For a `Program` we write the source of one `@njit` loop that reads every input once per
element, evaluates the rows' scalar expressions in registers and writes only the outputs.
Two loop shapes:
  * flat: every input is either of the full shape or has one element, so one 1-D loop over
    `size` elements serves any rank (inputs are passed as 1-D views);
  * nested: some input broadcasts along some axes (a bias [K] against [N, K]); one loop per
    axis, and each input is indexed with 0 along its broadcast axes.

numba's `cache=True` needs a real file (exec'd source cannot be cached), so the source goes to
`$GF_CACHE_DIR` (default `~/.cache/graphflow/kernels`) under a name derived from its hash, and
is imported from there: a second process loads the compiled machine code instead of compiling.
Kernels are compiled lazily on first call and shared by every plan with the same program.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import sys
import tempfile
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from graphflow.compiler.fused_op import Program
from graphflow.ops.elementwise import ELEMENTWISE

_lock = threading.Lock()
_kernels: dict[Program, Callable[..., Any]] = {}
_modules: dict[str, Any] = {}


def cache_dir() -> str:
    """Where generated kernel sources (and numba's compiled caches next to them) live."""
    root = os.environ.get("GF_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "graphflow", "kernels")
    os.makedirs(root, exist_ok=True)
    return root


def _is_flat(program: Program) -> bool:
    return all(s == program.shape or int(np.prod(s)) == 1 for s in program.in_shapes)


def _index(in_shape: tuple[int, ...], shape: tuple[int, ...]) -> str:
    """The subscript of an input of `in_shape` inside the nested loops over `shape`."""
    offset = len(shape) - len(in_shape)
    parts = [f"i{offset + j}" if d == shape[offset + j] else "0" for j, d in enumerate(in_shape)]
    return ", ".join(parts) if parts else "()"


def _expression(op_type: str, operands: list[str]) -> str:
    names = dict(zip("xyz", operands))
    return "(" + re.sub(r"\b[xyz]\b", lambda m: names[m.group(0)], ELEMENTWISE[op_type].expr) + ")"


def kernel_source(program: Program) -> str:
    """The Python source of the numba kernel `kernel(*inputs, *outputs)` for `program`."""
    n_in, n_out = len(program.in_shapes), len(program.outputs)
    args = [f"a{k}" for k in range(n_in)] + [f"o{k}" for k in range(n_out)]
    flat = _is_flat(program)
    lines = ["import math", "", "import numpy as np", "from numba import njit", "", "",
             '@njit(cache=True, nogil=True, error_model="numpy")',
             f"def kernel({', '.join(args)}):"]
    body: list[str] = []
    loads: dict[int, str] = {}
    if flat:
        for k, s in enumerate(program.in_shapes):
            if s != program.shape or int(np.prod(program.shape)) == 1:
                lines.append(f"    x{k} = a{k}[0]")  # one element: hoisted out of the loop
            else:
                loads[k] = f"a{k}[i]"
        lines.append("    for i in range(o0.shape[0]):")
        indent, out_index = "        ", "i"
    else:
        rank = len(program.shape)
        for k, s in enumerate(program.in_shapes):
            if int(np.prod(s)) == 1:
                lines.append(f"    x{k} = a{k}[{', '.join(['0'] * len(s)) or '()'}]")
            else:
                loads[k] = f"a{k}[{_index(s, program.shape)}]"
        for axis in range(rank):
            lines.append("    " * (axis + 1) + f"for i{axis} in range(o0.shape[{axis}]):")
        indent, out_index = "    " * (rank + 1), ", ".join(f"i{a}" for a in range(rank))
    for k, load in loads.items():
        body.append(f"x{k} = {load}")
    for j, (op_type, operands) in enumerate(program.steps):
        names = [f"x{k}" if kind == "in" else f"t{k}" for kind, k in operands]
        body.append(f"t{j} = {_expression(op_type, names)}")
    for k, step in enumerate(program.outputs):
        body.append(f"o{k}[{out_index}] = t{step}")
    lines.extend(indent + b for b in body)
    return "\n".join(lines) + "\n"


def _load(source: str) -> Any:
    """Imports the kernel module of `source` from the cache folder (writing it if needed)."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:20]
    if digest in _modules:
        return _modules[digest].kernel
    folder = cache_dir()
    path = os.path.join(folder, f"fused_{digest}.py")
    if not os.path.exists(path):
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            f.write(source)
        os.replace(tmp, path)  # atomic: concurrent processes never see a partial file
    name = f"graphflow_fused_{digest}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    _modules[digest] = module
    return module.kernel


def _host_wrapper(program: Program, kernel: Any) -> Callable[..., Any]:
    """A generated Python function: allocates outputs, shapes inputs, calls the kernel."""
    n_in, n_out = len(program.in_shapes), len(program.outputs)
    flat = _is_flat(program)
    size = int(np.prod(program.shape))
    ins = [f"x{k}" for k in range(n_in)]
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
        *("    " + a for a in allocs),
        f"    kernel({', '.join(call_ins + outs)})",
        f"    return {', '.join(results)}" + ("," if n_out > 1 else ""),
    ]) + "\n"
    namespace: dict[str, Any] = {"kernel": kernel, "empty": np.empty,
                                 "asarray": np.asarray, "shape": program.shape}
    namespace.update({f"d{k}": np.dtype(d) for k, d in enumerate(program.out_dtypes)})
    exec(compile(source, "<graphflow fused host>", "exec"), namespace)  # noqa: S102
    return namespace["run"]


def fused_kernel(program: Program) -> Callable[..., Any]:
    """The CPU callable of a fused program (shared by every plan with the same program)."""
    with _lock:
        run = _kernels.get(program)
        if run is None:
            run = _host_wrapper(program, _load(kernel_source(program)))
            _kernels[program] = run
        return run
