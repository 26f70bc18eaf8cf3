"""The tf_keras reference files of tests/keras/data are what tf_keras produces now: they are
recorded again in a subprocess by an interpreter with TensorFlow + tf_keras and compared with
the committed ones (tests/keras compares graphflow with the committed files). Skipped unless
TensorFlow is importable here or TF_PYTHON names an interpreter that has it."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "tests" / "keras" / "data"


def _tf_python() -> str | None:
    if importlib.util.find_spec("tensorflow") is not None:
        return sys.executable
    candidate = os.environ.get("TF_PYTHON")
    return candidate if candidate and Path(candidate).exists() else None


TF_PYTHON = _tf_python()
pytestmark = pytest.mark.skipif(TF_PYTHON is None, reason="no interpreter with TensorFlow (set TF_PYTHON)")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    out = tmp_path_factory.mktemp("keras_reference")
    completed = subprocess.run([TF_PYTHON, "-m", "tests.keras.record", "--out", str(out)], cwd=ROOT,
                               capture_output=True, text=True, timeout=900)
    assert completed.returncode == 0, completed.stderr[-4000:]
    return out


def _close(a, b, path=""):
    if isinstance(a, dict):
        assert sorted(a) == sorted(b), path
        for key in a:
            _close(a[key], b[key], f"{path}/{key}")
    elif isinstance(a, str) or a is None:
        assert a == b, path
    elif isinstance(a, list) and any(isinstance(item, (str, dict, list)) or item is None for item in a):
        assert isinstance(b, list) and len(a) == len(b), path
        for index, (x, y) in enumerate(zip(a, b)):
            _close(x, y, f"{path}[{index}]")
    else:
        np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=1e-5, atol=1e-6,
                                   err_msg=path)


def test_layer_references_are_current(fresh):
    committed, now = np.load(COMMITTED / "layers.npz"), np.load(fresh / "layers.npz")
    assert sorted(committed.files) == sorted(now.files)
    for key in committed.files:
        np.testing.assert_allclose(committed[key], now[key], rtol=1e-5, atol=1e-6, err_msg=key)


@pytest.mark.parametrize("name", ["losses.json", "optimizers.json", "errors.json", "progbar.json",
                                  "model_configs.json"])
def test_json_references_are_current(fresh, name):
    _close(json.loads((COMMITTED / name).read_text()), json.loads((fresh / name).read_text()))
