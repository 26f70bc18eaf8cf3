"""numba-CUDA kernels for fused elementwise programs, generated from the same scalar
expressions as the CPU loops (`graphflow.compiler.fused_op.scalar_steps`).

One kernel per `Program`: a grid-stride loop over the flat output index. Shapes are static in
a program, so broadcasting is compiled in: an input of the full shape is read at `i`, a
one-element input once before the loop, and a broadcast input at an offset built from the
coordinates of `i` with literal divisors and strides. Inputs and outputs are 1-D contiguous
device arrays; `launch` configures the grid.

A float32 program computes in float32 throughout, as TF's GPU kernels do: Python's numeric
literals in the row expressions (`1.0 / x`, `x * 0`) would otherwise promote every step to
float64, which runs at a fraction of the float32 rate on most GPUs. Literals become float32
constants and each step's value is rounded to float32 (comparisons stay bool).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
from numba import config as numba_config

from graphflow.compiler.fused_op import Program, scalar_steps, single_row
from graphflow.ops.elementwise import ELEMENTWISE

from .kernel_cache import THREADS_PER_BLOCK, cached_kernel, configure, launch_config


def _offset(in_shape: tuple[int, ...], shape: tuple[int, ...]) -> str:
    """The flat offset into a broadcast input of `in_shape` for output index `i`."""
    lead = len(shape) - len(in_shape)
    terms, stride = [], 1
    for axis in range(len(shape) - 1, -1, -1):
        j = axis - lead
        if j >= 0 and in_shape[j] == shape[axis] and shape[axis] > 1:
            divisor = int(np.prod(shape[axis + 1:], dtype=np.int64))
            coordinate = f"(i // {divisor})" if divisor > 1 else "i"
            terms.append(f"({coordinate} % {shape[axis]}) * {stride}")
        if j >= 0:
            stride *= in_shape[j]
    return " + ".join(terms) or "0"


#: A numeric literal (not a digit inside a name such as `x0` or `log1p`).
_LITERAL = re.compile(r"(?<![\w.])\d+(?:\.\d*)?(?:e[-+]?\d+)?(?![\w.])")


def in_float32(program: Program) -> bool:
    """Whether every value of the program is float32 (or a bool condition / comparison)."""
    dtypes = set(program.in_dtypes) | set(program.out_dtypes)
    return "float32" in dtypes and dtypes <= {"float32", "bool"}


def _float32_steps(program: Program) -> list[str]:
    """`scalar_steps` with float32 literals and every non-bool step rounded to float32."""
    lines = []
    for line, (op_type, _) in zip(scalar_steps(program), program.steps):
        name, expr = line.split(" = ", 1)
        expr = _LITERAL.sub(lambda m: f"np.float32({m.group(0)})", expr)
        lines.append(f"{name} = {expr}" if ELEMENTWISE[op_type].bool_out
                     else f"{name} = np.float32({expr})")
    return lines


def kernel_source(program: Program) -> str:
    """The Python source of the CUDA kernel `kernel(*inputs, *outputs)` for `program`."""
    n_in, n_out = len(program.in_shapes), len(program.outputs)
    args = [f"a{k}" for k in range(n_in)] + [f"o{k}" for k in range(n_out)]
    size = int(np.prod(program.shape, dtype=np.int64))
    lines = ["import math", "", "import numpy as np", "from numba import cuda", ""]
    if numba_config.ENABLE_CUDASIM:  # Python's math raises where a GPU returns NaN or inf
        lines.append("from graphflow.cuda import sim_math as math")
    lines += ["", "@cuda.jit", f"def kernel({', '.join(args)}):"]
    loads = []
    for k, s in enumerate(program.in_shapes):
        if int(np.prod(s, dtype=np.int64)) == 1:
            lines.append(f"    x{k} = a{k}[0]")  # one element: read once
        elif tuple(s) == tuple(program.shape):
            loads.append(f"x{k} = a{k}[i]")
        else:
            loads.append(f"x{k} = a{k}[{_offset(tuple(s), tuple(program.shape))}]")
    lines.append(f"    for i in range(cuda.grid(1), {size}, cuda.gridsize(1)):")
    steps = _float32_steps(program) if in_float32(program) else scalar_steps(program)
    body = loads + steps + [f"o{k}[i] = t{step}"
                                            for k, step in enumerate(program.outputs)]
    lines.extend("        " + b for b in body)
    return "\n".join(lines) + "\n"


def compiled_kernel(program: Program) -> Any:
    """The numba-CUDA dispatcher of `program` (shared by every plan with the same program)."""
    return cached_kernel(("fused", program), lambda: kernel_source(program), "cuda_fused")


def program_runner(program: Program, threads: int = THREADS_PER_BLOCK) -> Callable[..., Any]:
    """`run(*inputs)` for device arrays of the program's input shapes: launches the kernel
    (grid configured once, here) into fresh device outputs and returns them (one array, or a
    tuple for several outputs)."""
    from .device import empty, flat

    if any(program.in_offsets):  # graphflow.compiler.fuse_slices: the CPU backend's only
        raise NotImplementedError("CUDA fused kernels read whole inputs, not pieces at offsets")
    kernel = compiled_kernel(program)
    size = int(np.prod(program.shape, dtype=np.int64))
    configured = configure(kernel, *launch_config(size, threads))
    out_dtypes = [np.dtype(d) for d in program.out_dtypes]

    def run(*inputs: Any) -> Any:
        outs = [empty(program.shape, d) for d in out_dtypes]
        if size:
            configured(*(flat(x) for x in inputs), *(flat(o) for o in outs))
        return outs[0] if len(outs) == 1 else tuple(outs)

    return run


def host_runner(program: Program, threads: int = THREADS_PER_BLOCK) -> Callable[..., Any]:
    """A function of numpy arrays that runs the kernel on the device and returns numpy
    results (for tests and the PTX check; the backend keeps values on the device)."""
    from .device import to_device

    on_device = program_runner(program, threads)

    def run(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
        outs = on_device(*(to_device(np.asarray(a, dtype=d)) for a, d in zip(arrays, program.in_dtypes)))
        return tuple(o.copy_to_host() for o in (outs if isinstance(outs, tuple) else (outs,)))

    return run



# ---- kernel builders (named by the ops: `OpDef.kernels["cuda"]`) ----------------------------------

def build_row(node: Any) -> Callable[..., Any]:
    """A single (unfused) elementwise row, as a one-step program."""
    from .builder_inputs import shape_of

    return program_runner(single_row(node.type, tuple(shape_of(s) for s in node.in_specs),
                                     tuple(s.dtype.name for s in node.in_specs),
                                     node.out_specs[0].dtype.name))


def build_program(node: Any) -> Callable[..., Any]:
    """A `_FusedElementwise` node: its program as one kernel."""
    return program_runner(node.attrs["program"])


def build_add_n(node: Any) -> Callable[..., Any]:
    """AddN: the inputs summed left to right by one program."""
    from .builder_inputs import shape_of

    if len(node.inputs) == 1:
        return lambda x: x
    steps = [("Add", (("in", 0), ("in", 1)))]
    steps += [("Add", (("step", k - 2), ("in", k))) for k in range(2, len(node.inputs))]
    spec = node.out_specs[0]
    program = Program(steps=tuple(steps), outputs=(len(steps) - 1,), shape=shape_of(spec),
                      in_shapes=(shape_of(spec),) * len(node.inputs),
                      in_dtypes=(spec.dtype.name,) * len(node.inputs), out_dtypes=(spec.dtype.name,))
    return program_runner(program)


# ---- signatures for the PTX check ---------------------------------------------------------------

#: Rows whose libdevice float32 function itself uses a double multiply (sinf/cosf reduce huge
#: arguments, |x| > 1e5, with one) and so are exempt from the PTX check's float64 test.
LIBDEVICE_DOUBLE = frozenset({"Sin", "Cos"})


def program_launch(label: str, program: Program) -> Any:
    """The PTX check's `Launch` of one program's kernel."""
    from .launch_signatures import Launch, array

    float32_only = in_float32(program) and not any(s[0] in LIBDEVICE_DOUBLE for s in program.steps)
    return Launch(label, compiled_kernel(program).py_func,
                  tuple(array(d) for d in program.in_dtypes + program.out_dtypes), float32_only)


def launch_signatures() -> list[Any]:
    """Every row of the elementwise table on every conformance sample, float32 and float64, and
    multi-step fused programs (`elementwise_cases`); equal programs once."""
    from .elementwise_cases import row_cases

    programs: dict[Program, str] = {}
    for label, program, _ in row_cases():
        programs.setdefault(program, label)
    return [program_launch(label, program) for program, label in programs.items()]
