"""graphflow.ops: one definition site per op (shape rule, gradient, reference, kernels).

Importing this package registers every op in `registry.REGISTRY`. It lives in the repository's
top-level `ops/` folder and is mapped into the package as `graphflow.ops`; it is never a
top-level `ops` module (that name belongs to an unrelated PyPI package).
"""

if __name__ == "ops":  # pragma: no cover - guards the repository-root sys.path case
    raise ImportError("graphflow's ops are imported as graphflow.ops, not as a top-level 'ops'")

from . import registry  # noqa: E402
from ._op_modules import load_all  # noqa: E402

load_all()

REGISTRY = registry.REGISTRY
