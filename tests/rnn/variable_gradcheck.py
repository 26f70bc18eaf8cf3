"""The finite-difference check of an RNN loss's gradients with respect to its Variables, shared
by the cell and dynamic_rnn tests: one central difference along a fixed random direction per
Variable (a full elementwise check would need thousands of session runs)."""

from __future__ import annotations

import numpy as np

import graphflow as tf
from tests.rnn.cases import fixed


def assert_variable_gradients(sess, loss, variables, symbolic, feeds, eps: float = 1e-6) -> None:
    """Asserts, for each Variable v_k, that sum(symbolic[k] * d_k) equals the central difference
    of `loss` along d_k (fixed, float64); every Variable is restored afterwards."""
    for k, v in enumerate(variables):
        base = sess.run(v)
        direction = fixed(base.shape, f"d{k}", 1.0, np.float64)
        values = []
        for sign in (1, -1):
            sess.run(tf.assign(v, base + sign * eps * direction))
            values.append(sess.run(loss, feeds))
        sess.run(tf.assign(v, base))
        np.testing.assert_allclose(np.sum(symbolic[k] * direction), (values[0] - values[1]) / (2 * eps),
                                   rtol=1e-5, err_msg=v.name)
