"""Maps the repository's top-level `ops/` and `cuda/` folders into the package when graphflow is
used from a source checkout that was not installed (an installed copy has them as real
subpackages, via setup.py's `package_dir`)."""

from __future__ import annotations

import importlib.util
import os
import sys


def mount(subpackage: str, folder: str) -> None:
    """Makes `graphflow.<subpackage>` importable from `<repo root>/<folder>` if it is not already.

    Only the module spec is created here; the subpackage is executed on its first import.
    """
    name = f"graphflow.{subpackage}"
    if name in sys.modules:
        return
    here = os.path.dirname(os.path.abspath(__file__))
    if os.path.isdir(os.path.join(here, subpackage)):
        return  # installed layout: a normal subpackage
    path = os.path.join(os.path.dirname(here), folder)
    spec = importlib.util.spec_from_file_location(
        name, os.path.join(path, "__init__.py"), submodule_search_locations=[path]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot locate {name} at {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    setattr(sys.modules["graphflow"], subpackage, module)
    spec.loader.exec_module(module)
