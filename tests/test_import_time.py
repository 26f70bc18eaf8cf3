"""`import graphflow` stays light: the heavy libraries load on first use, not at import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_does_not_load_heavy_libraries():
    code = ("import sys, graphflow; "
            "print(','.join(m for m in ('scipy', 'numba', 'networkx', 'tensorboard') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout.strip()
    assert out == "", f"imported at `import graphflow`: {out}"


def test_lazily_imported_rows_still_compute():
    import numpy as np

    import graphflow as tf

    with tf.Graph().as_default():
        x = tf.constant([-1.0, 0.0, 2.0], tf.float64)
        with tf.Session() as sess:
            sig, erf = sess.run([tf.sigmoid(x), tf.math.erf(x)])
    np.testing.assert_allclose(sig, 1 / (1 + np.exp(-np.array([-1.0, 0.0, 2.0]))), rtol=1e-12)
    np.testing.assert_allclose(erf, [-0.8427007929497149, 0.0, 0.9953222650189527], rtol=1e-12)
