"""tf.logging: levels as TF1 (Python's numbers), threshold, log_every_n / log_first_n, stderr format."""

import logging

import pytest

import graphflow as tf


@pytest.fixture
def records(caplog):
    before = tf.logging.get_verbosity()
    tf.logging.set_verbosity(tf.logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="graphflow")
    yield caplog
    tf.logging.set_verbosity(before)


def test_levels_match_tf1():
    # TF1: DEBUG=10, INFO=20, WARN=WARNING=30, ERROR=40, FATAL=50.
    assert (tf.logging.DEBUG, tf.logging.INFO, tf.logging.WARN, tf.logging.WARNING, tf.logging.ERROR,
            tf.logging.FATAL) == (10, 20, 30, 30, 40, 50)


def test_each_function_logs_at_its_level(records):
    tf.logging.debug("d %d", 1)
    tf.logging.info("i %s", "x")
    tf.logging.warn("w")
    tf.logging.warning("w2")
    tf.logging.error("e")
    tf.logging.fatal("f")
    tf.logging.log(tf.logging.INFO, "l %d", 2)
    tf.logging.vlog(tf.logging.ERROR, "v")
    got = [(r.levelno, r.getMessage()) for r in records.records if r.name == "graphflow"]
    assert got == [(10, "d 1"), (20, "i x"), (30, "w"), (30, "w2"), (40, "e"), (50, "f"), (20, "l 2"),
                   (40, "v")]


def test_threshold_drops_lower_levels(records):
    tf.logging.set_verbosity(tf.logging.ERROR)
    assert tf.logging.get_verbosity() == tf.logging.ERROR
    tf.logging.info("hidden")
    tf.logging.warning("hidden too")
    tf.logging.error("shown")
    assert [r.getMessage() for r in records.records if r.name == "graphflow"] == ["shown"]


def test_log_every_n_and_first_n_count_per_call_site(records):
    for i in range(7):
        tf.logging.log_every_n(tf.logging.INFO, "every %d", 3, i)
        tf.logging.log_first_n(tf.logging.INFO, "first %d", 2, i)
    messages = [r.getMessage() for r in records.records if r.name == "graphflow"]
    assert [m for m in messages if m.startswith("every")] == ["every 0", "every 3", "every 6"]
    assert [m for m in messages if m.startswith("first")] == ["first 0", "first 1"]


def test_stderr_format_in_a_plain_program(tmp_path):
    import os
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = ("import graphflow as tf\ntf.logging.info('quiet')\ntf.logging.set_verbosity(tf.logging.INFO)\n"
            "tf.logging.info('step %d', 5)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, PYTHONPATH=root), cwd=str(tmp_path))
    # As TF1 ("INFO:tensorflow:..."), with graphflow's logger name; default threshold WARN hides 'quiet'.
    assert out.returncode == 0, out.stderr
    assert out.stderr.strip().splitlines()[-1] == "INFO:graphflow:step 5"
    assert "quiet" not in out.stderr
