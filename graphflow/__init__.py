"""graphflow: a TensorFlow-1-style static-graph engine. Use it as `import graphflow as tf`.

Build a graph of placeholders, Variables and ops; run it in a `tf.Session`. Every public name
here mirrors TF1's.
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
