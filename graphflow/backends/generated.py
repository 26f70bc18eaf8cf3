"""Generated kernel sources, written to files and imported as real modules.

numba caches compiled code (`cache=True`) only for functions defined in a file that was
imported as a module, so generated sources go to `$GF_CACHE_DIR` (default
`~/.cache/graphflow/kernels`) under a name derived from their hash: a second process imports
the same file and loads the machine code instead of compiling.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
import threading
from types import ModuleType

_lock = threading.Lock()
_modules: dict[str, ModuleType] = {}


def cache_dir() -> str:
    """Where generated kernel sources (and numba's compiled caches next to them) live."""
    root = os.environ.get("GF_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "graphflow", "kernels")
    os.makedirs(root, exist_ok=True)
    return root


def load_generated(source: str, prefix: str) -> ModuleType:
    """Imports the module of `source` from the cache folder (writing the file if needed)."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:20]
    key = f"{prefix}_{digest}"
    with _lock:
        if key in _modules:
            return _modules[key]
        folder = cache_dir()
        path = os.path.join(folder, f"{key}.py")
        if not os.path.exists(path):
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "w") as f:
                f.write(source)
            os.replace(tmp, path)  # atomic: concurrent processes never see a partial file
        name = f"graphflow_{key}"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        _modules[key] = module
        return module
