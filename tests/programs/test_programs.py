"""Every corpus program runs under graphflow and returns what TensorFlow returned.

The recorded values (expected/<name>.json, written by record.py under TensorFlow) are the
reference; each program states its float tolerance (RTOL, ATOL). Where TensorFlow is importable
in this interpreter, each program is also run live under TensorFlow in a subprocess and compared.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from tests.programs import _tf
from tests.programs._results import assert_matches
from tests.programs.record import EXPECTED, HERE, program_names, run_program

PROGRAMS = program_names()
ROOT = HERE.parents[1]


def test_corpus_has_at_least_forty_programs_each_recorded():
    assert len(PROGRAMS) >= 40
    missing = [name for name in PROGRAMS if not (EXPECTED / f"{name}.json").exists()]
    assert missing == []
    stale = sorted({path.stem for path in EXPECTED.glob("*.json")} - set(PROGRAMS))
    assert stale == []


@pytest.mark.parametrize("name", PROGRAMS)
def test_program_matches_tensorflow_recording(name):
    assert _tf.IMPL == "graphflow", "run the corpus tests without GF_PROGRAMS_IMPL=tensorflow"
    recorded = json.loads((EXPECTED / f"{name}.json").read_text())
    module, result = run_program(name)
    assert_matches(recorded["result"], result, module.RTOL, module.ATOL)


@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="TensorFlow is not installed")
@pytest.mark.parametrize("name", PROGRAMS)
def test_program_matches_live_tensorflow(name):
    env = dict(os.environ, GF_PROGRAMS_IMPL="tensorflow")
    completed = subprocess.run([sys.executable, "-m", "tests.programs.record", "--print", name],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert completed.returncode == 0, completed.stderr[-4000:]
    module, result = run_program(name)
    assert_matches(json.loads(completed.stdout), result, module.RTOL, module.ATOL)
