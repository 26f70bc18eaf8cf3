"""Imports flow one way through the engine's layers: framework -> api -> compiler -> backends
-> session (a module imports only from its own layer or those before it, lazily or not), and
the compiler imports neither a backend nor graphflow.cuda."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "graphflow"
LAYERS = ("framework", "api", "compiler", "backends", "session")
#: tf.initializers build random ops, zeros and ones with the api's functions: TF1's initializers
#: are API, kept in framework/ next to Variables; moving them is a change of its own.
KNOWN = {("framework/initializers.py", "graphflow.api.random"),
         ("framework/initializers.py", "graphflow.api.array")}


def _imports(path: Path, package: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in `path`, inside functions too."""
    parts = path.relative_to(package.parent).with_suffix("").parts
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = ".".join(parts[:-node.level]) if node.level else ""
            name = ".".join(p for p in (base, node.module or "") if p)
            found.append((node.lineno, name))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return found


def _upward_imports(package: Path = PACKAGE) -> list[str]:
    bad = []
    for rank, layer in enumerate(LAYERS):
        for path in sorted((package / layer).rglob("*.py")):
            relative = str(path.relative_to(package))
            for line, name in _imports(path, package):
                parts = name.split(".")
                if parts[0] != "graphflow" or len(parts) < 2:
                    continue
                later = parts[1] in LAYERS and LAYERS.index(parts[1]) > rank
                device = layer == "compiler" and parts[1] == "cuda"
                if (later or device) and (relative, name) not in KNOWN:
                    bad.append(f"{relative}:{line} imports {name}")
    return bad


def test_imports_flow_one_way():
    assert _upward_imports() == []


def test_the_check_sees_lazy_and_relative_imports(tmp_path):
    package = tmp_path / "graphflow"
    (package / "compiler").mkdir(parents=True)
    (package / "compiler" / "probe.py").write_text(
        "from ..api import math\n\n\ndef f():\n    from ..backends import cpu\n"
        "    import graphflow.cuda.device\n")
    assert _upward_imports(package) == ["compiler/probe.py:5 imports graphflow.backends",
                                        "compiler/probe.py:6 imports graphflow.cuda.device"]
