"""Kill a process while it saves checkpoints (SIGKILL at random moments, many times): the
latest checkpoint must always restore, hold one consistent step, and never go backwards;
temporary files of interrupted saves are gone after the next save."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import graphflow as tf

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

KILLS = 20

#: Resumes from the latest checkpoint, then forever: fill w with the step number, save.
CHILD = textwrap.dedent("""
    import sys
    import graphflow as tf

    directory, once = sys.argv[1], len(sys.argv) > 2
    w = tf.Variable(tf.zeros([512, 1024]), name="w")  # 2 MiB: a save takes a while
    step = tf.train.get_or_create_global_step()
    advance = tf.group(tf.assign_add(step, 1), name="advance")
    with tf.control_dependencies([advance]):
        fill = tf.assign(w, tf.fill([512, 1024], tf.cast(step.read_value(), tf.float32)))
    saver = tf.train.Saver(max_to_keep=3)
    with tf.Session() as sess:
        latest = tf.train.latest_checkpoint(directory)
        if latest:
            saver.restore(sess, latest)
        else:
            sess.run(tf.global_variables_initializer())
        while True:
            n = sess.run(step) + 1
            sess.run(fill)
            print("saving", n, flush=True)
            saver.save(sess, directory + "/model.ckpt", global_step=step)
            print("saved", n, flush=True)
            if once:
                break
""")


def _run_child(directory: str, *flags: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, directory, *flags],
                            stdout=subprocess.PIPE, text=True, cwd=os.path.dirname(directory))


def _check_latest(directory: str) -> int:
    """Restores the latest checkpoint in a fresh graph; returns its (consistent) step."""
    latest = tf.train.latest_checkpoint(directory)
    if latest is None:
        return 0
    with tf.Graph().as_default():
        w = tf.Variable(tf.zeros([512, 1024]), name="w")
        step = tf.train.get_or_create_global_step()
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, latest)
            n, value = sess.run([step, w])
    assert latest.endswith(f"-{n}")
    assert np.all(value == n), f"{latest}: w is not all {n}"
    for path in tf.train.get_checkpoint_state(directory).all_model_checkpoint_paths:
        tf.train.list_variables(path)  # every listed checkpoint is complete
    return int(n)


def test_killed_saves_never_lose_the_latest_checkpoint(tmp_path):
    directory = str(tmp_path / "ckpt")
    os.mkdir(directory)
    rng = np.random.default_rng(0)
    confirmed, orphans_seen = 0, 0
    for _ in range(KILLS):
        child = _run_child(directory)
        for _ in range(int(rng.integers(1, 6))):  # let it get into its saving loop
            line = child.stdout.readline().split()
            if line and line[0] == "saved":
                confirmed = max(confirmed, int(line[1]))
        time.sleep(float(rng.uniform(0.0, 0.03)))  # then kill it anywhere in a save
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        orphans_seen += any(".tmp-" in f for f in os.listdir(directory))
        step = _check_latest(directory)
        assert step >= confirmed, "a confirmed checkpoint was lost"
        confirmed = step
    assert confirmed > KILLS  # the runs made progress, resuming from each other
    child = _run_child(directory, "--once")  # one more save cleans up what the kills left
    output, _ = child.communicate(timeout=120)
    assert child.returncode == 0 and "saved" in output
    assert not [f for f in os.listdir(directory) if ".tmp-" in f]
    # max_to_keep holds for what the state file lists. A kill between a checkpoint's rename and
    # the state file's update (or between that update and the deletion of the checkpoint it
    # dropped) leaves a complete checkpoint no state file names: like TF1, a Saver never deletes
    # what its state file does not list, so such files stay, and each must be whole.
    assert len(tf.train.get_checkpoint_state(directory).all_model_checkpoint_paths) <= 3
    for name in os.listdir(directory):
        if name.endswith(".safetensors"):
            tf.train.list_variables(os.path.join(directory, name[: -len(".safetensors")]))
    print(f"{KILLS} kills, {orphans_seen} of them mid-write; reached step {confirmed}")
