"""Imports every op module of this package so that all ops register themselves.

New op modules need no edit here: every module of the package not starting with "_" is loaded.
"""

from __future__ import annotations

import importlib
import pkgutil


def load_all() -> None:
    """Imports each public submodule of graphflow.ops once (registration is an import effect)."""
    package = importlib.import_module(__package__)
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__package__}.{info.name}")
