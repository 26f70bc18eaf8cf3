"""tf.cond, tf.case and tf.while_loop programs (tests/compat/control_flow_programs.py) on
TensorFlow (tf.compat.v1) and on graphflow: the same values, gradients, structures and error
classes. Skipped where TensorFlow is not installed (it is never a dependency of graphflow)."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as gf
from tests.compat.control_flow_programs import PROGRAMS, _plain

tf1 = pytest.importorskip("tensorflow").compat.v1
tf1.disable_v2_behavior()


def _same(expected, got, path="result"):
    if isinstance(expected, dict):
        assert isinstance(got, dict) and expected.keys() == got.keys(), path
        for key in expected:
            _same(expected[key], got[key], f"{path}[{key!r}]")
    elif isinstance(expected, list) and any(isinstance(v, (list, dict)) for v in expected):
        assert isinstance(got, list) and len(got) == len(expected), path
        for i, (e, g) in enumerate(zip(expected, got)):
            _same(e, g, f"{path}[{i}]")
    elif expected is None or isinstance(expected, str):
        assert got == expected, path
    else:
        np.testing.assert_allclose(np.asarray(got, float), np.asarray(expected, float),
                                   rtol=1e-5, atol=1e-6, err_msg=path)


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_control_flow_program_matches_tensorflow(program):
    results = []
    for module in (tf1, gf):
        with module.Graph().as_default():
            results.append(_plain(program(module)))
    _same(*results)
