"""The kernel signatures a module launches, declared next to its kernels for the PTX check.

Every module of this package that compiles kernels defines `launch_signatures() -> list[Launch]`:
each kernel with every argument signature the backend launches it with. `ptx_check` compiles
every declared launch of every module to PTX for real GPU architectures, so a new kernel is
checked by declaring it in its own module (the conformance suite fails for a kernel module that
declares none).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Launch:
    """One kernel and one signature it is launched with.

    Attributes:
        label: names the kernel and its variant in the PTX check's report.
        function: the kernel's Python function (a numba-CUDA dispatcher's `py_func`).
        signature: numba types of its arguments.
        float32_only: the PTX must have no float64 arithmetic (a float32 elementwise program).
    """

    label: str
    function: Any
    signature: tuple
    float32_only: bool = False


def array(dtype: Any) -> Any:
    """The numba type of a 1-D contiguous device array of `dtype` (kernels take flat arrays)."""
    from numba import from_dtype, types

    return types.Array(from_dtype(np.dtype(dtype)), 1, "C")
