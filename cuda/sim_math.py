"""IEEE versions of the `math` functions generated kernels call, for numba's CUDA simulator.

The simulator runs kernels as Python, where `math.sqrt(-1.0)` and `math.log(0.0)` raise and
`math.exp(1000.0)` overflows with an exception; a GPU returns NaN, -inf and inf, as numpy does.
Under the simulator the generated kernels bind `math` to this module (`kernel_source` adds the
import), so the simulated results are the device's. Compiled kernels never use it.
"""

from __future__ import annotations

import numpy as np

nan, inf, pi, e = np.nan, np.inf, np.pi, np.e


def _ieee(ufunc):
    def function(x):
        with np.errstate(all="ignore"):
            return ufunc(x)

    function.__name__ = ufunc.__name__
    return function


sqrt, log, log1p, exp, expm1 = (_ieee(f) for f in (np.sqrt, np.log, np.log1p, np.exp, np.expm1))
sin, cos, tanh, ceil, floor = (_ieee(f) for f in (np.sin, np.cos, np.tanh, np.ceil, np.floor))
isfinite, isnan = _ieee(np.isfinite), _ieee(np.isnan)


def erf(x):
    import math

    return type(x)(math.erf(x)) if isinstance(x, np.generic) else math.erf(x)
