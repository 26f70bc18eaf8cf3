"""graphflow: a TensorFlow-1-style static-graph engine. Use it as `import graphflow as tf`
(or `import graphflow.compat.v1 as tf`).

Build a graph of placeholders, Variables and ops; run it in a `tf.Session`. The names here are
a subset of TF 1.15's public API, with TF1's signatures and behaviour: the parts graphflow
implements (see README.md), including TF1's aliases of them (`tf.math.add` is `tf.add`), plus
a few additions beyond TF1 (more optimizers and schedules, `tf.render`). A TF1 name that is
missing is simply not implemented yet.
"""

from graphflow import _folder_mounts

_folder_mounts.mount("ops", "ops")
_folder_mounts.mount("cuda", "cuda")

from graphflow import ops as _ops  # noqa: E402,F401  (registers every op)
from graphflow import viz as viz  # noqa: E402
from graphflow._surface import *  # noqa: E402,F403
from graphflow._surface import __all__  # noqa: E402,F401
from graphflow.viz import render as render  # noqa: E402

__version__ = "0.1.0"


def __getattr__(name: str):  # noqa: ANN202
    # `tf.keras` is imported on first use: most programs never touch it, and it builds on the
    # whole public surface above.
    if name == "keras":
        import importlib

        return importlib.import_module("graphflow.keras")
    # TF1 also exports the summary protos at the top level (`tf.Summary(value=[tf.Summary.Value(
    # tag=..., simple_value=...)])` is how tutorials log a Python number); they come from the
    # optional tensorboard package, so they load on first use like tf.summary's
    if name in ("Summary", "SummaryMetadata", "Event", "SessionLog"):
        from graphflow import summary

        return getattr(summary, name)
    raise AttributeError(f"module 'graphflow' has no attribute {name!r}")
