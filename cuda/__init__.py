"""graphflow.cuda: numba-CUDA kernels and device memory, imported lazily by the CUDA backend.

This folder sits at the repository root and is mapped into the package as `graphflow.cuda`.
When the repository root is first on `sys.path` (`python -m pytest`, `python -c` from the root),
Python would find this folder as the top-level `cuda` package and shadow NVIDIA's `cuda`
namespace (`cuda.bindings`, `cuda.core`) that numba-cuda imports. In that case this module turns
itself into that namespace: its search path becomes the other `cuda` folders on `sys.path`, so
`import cuda.bindings` still works and none of our modules is importable as `cuda.*`.
"""

if __name__ == "cuda":  # imported as the top-level name: step aside for NVIDIA's namespace
    import os as _os
    import sys as _sys

    _here = _os.path.dirname(_os.path.abspath(__file__))
    __path__[:] = [  # noqa: F821 - __path__ is defined for packages
        _d
        for _d in (_os.path.join(_p or _os.getcwd(), "cuda") for _p in _sys.path)
        if _os.path.isdir(_d) and _os.path.abspath(_d) != _here
    ]
    del _os, _sys, _here
