"""MonitoredTrainingSession / MonitoredSession: checkpoint steps on disk and values as recorded
from TensorFlow 2.21's compat.v1 for the same programs (files, steps, restored values), restore on
restart, stop requests, exits on errors, hook fetch/feed merging and preemption recovery."""

from __future__ import annotations

import os
import re

import numpy as np
import pytest

import graphflow as tf

X = [1.0, 2.0]


def _build():
    """w * x regressed on 2 with plain SGD (lr 0.1); the train op increments the global step."""
    gs = tf.train.get_or_create_global_step()
    x = tf.placeholder(tf.float32, [None], name="x")
    w = tf.Variable(1.0, name="w")
    loss = tf.reduce_mean(tf.square(w * x - 2.0))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=gs)
    return gs, x, w, loss, train


def _w_after(steps):
    """float64 reference of the SGD trajectory."""
    w = 1.0
    x = np.array(X)
    for _ in range(steps):
        w -= 0.1 * np.mean(2.0 * (w * x - 2.0) * x)
    return w


def _steps_on_disk(directory):
    return sorted(int(m.group(1)) for f in os.listdir(directory)
                  if (m := re.fullmatch(r"model\.ckpt-(\d+)\.meta", f)))


def _train(directory, stop_hook, **kwargs):
    with tf.Graph().as_default():
        gs, x, w, _, train = _build()
        runs = 0
        with tf.train.MonitoredTrainingSession(checkpoint_dir=directory, hooks=[stop_hook],
                                               **kwargs) as sess:
            start = int(sess.run(gs))
            while not sess.should_stop():
                sess.run(train, feed_dict={x: X})
                runs += 1
            assert tf.get_default_graph().finalized
        assert not tf.get_default_graph().finalized  # TF1 undoes its own finalize on close
        return start, runs


def test_checkpoint_steps_on_disk_and_restart_continues_the_global_step(tmp_path):
    d = str(tmp_path)
    start, runs = _train(d, tf.train.StopAtStepHook(last_step=7), save_checkpoint_steps=3)
    assert (start, runs) == (0, 7)
    # TF: one save when the session is created, every 3 steps, and one at the end
    assert _steps_on_disk(d) == [0, 3, 6, 7]
    np.testing.assert_allclose(tf.train.load_variable(d, "w"), _w_after(7), rtol=1e-6)

    start, runs = _train(d, tf.train.StopAtStepHook(num_steps=4), save_checkpoint_steps=3)
    assert (start, runs) == (7, 4)
    assert _steps_on_disk(d) == [3, 6, 7, 10, 11]  # max_to_keep=5 of the default Saver
    assert tf.train.latest_checkpoint(d).endswith("model.ckpt-11")
    assert tf.train.load_variable(d, "global_step") == 11
    np.testing.assert_allclose(tf.train.load_variable(d, "w"), _w_after(11), rtol=1e-6)


def test_default_is_a_checkpoint_every_600_seconds_so_only_first_and_last(tmp_path):
    d = str(tmp_path)
    _train(d, tf.train.StopAtStepHook(last_step=5))
    assert _steps_on_disk(d) == [0, 5]


def test_no_checkpoint_dir_initializes_and_writes_nothing(tmp_path, graph):
    gs, x, w, _, train = _build()
    with tf.train.MonitoredTrainingSession(hooks=[tf.train.StopAtStepHook(last_step=2)]) as sess:
        assert sess.run(w) == 1.0
        while not sess.should_stop():
            sess.run(train, feed_dict={x: X})
        with pytest.raises(RuntimeError, match="should_stop"):
            sess.run(train, feed_dict={x: X})
    assert os.listdir(tmp_path) == []


class _RaiseAt(tf.train.SessionRunHook):
    def __init__(self, step, error):
        self._step, self._error, self.ended = step, error, False

    def begin(self):
        self._gs = tf.train.get_global_step()

    def after_run(self, run_context, run_values):
        # Reads the step after the run: a step fetched with the train op may be read before or
        # after the increment in TF, which made TF's files differ from run to run.
        if int(run_context.session.run(self._gs)) == self._step:
            raise self._error

    def end(self, session):
        self.ended = True


def test_a_hook_that_raises_propagates_and_leaves_a_loadable_checkpoint(tmp_path, graph):
    gs, x, w, _, train = _build()
    hook = _RaiseAt(5, ValueError("hook failed"))
    with pytest.raises(ValueError, match="hook failed"), tf.train.MonitoredTrainingSession(
            checkpoint_dir=str(tmp_path), save_checkpoint_steps=2, hooks=[hook]) as sess:
        while not sess.should_stop():
            sess.run(train, feed_dict={x: X})
    assert not hook.ended  # end() (and its final save) is skipped after an error, as in TF1
    assert _steps_on_disk(str(tmp_path)) == [0, 2, 4]
    np.testing.assert_allclose(tf.train.load_variable(str(tmp_path), "w"), _w_after(4), rtol=1e-6)


def test_out_of_range_ends_the_loop_normally_and_saves_at_the_end(tmp_path, graph):
    gs, x, w, _, train = _build()
    hook = _RaiseAt(3, tf.errors.OutOfRangeError(None, None, "End of sequence"))
    with tf.train.MonitoredTrainingSession(checkpoint_dir=str(tmp_path), hooks=[hook]) as sess:
        while not sess.should_stop():
            sess.run(train, feed_dict={x: X})
    assert hook.ended
    assert _steps_on_disk(str(tmp_path)) == [0, 3]


def test_hooks_fetches_and_feeds_are_merged_and_conflicts_are_errors(graph):
    gs, x, w, loss, train = _build()
    seen = []

    class Watch(tf.train.SessionRunHook):
        def before_run(self, run_context):
            assert run_context.original_args.fetches is loss
            return tf.train.SessionRunArgs({"w": w, "gs": gs})

        def after_run(self, run_context, run_values):
            seen.append(run_values.results)

    feed = tf.train.FeedFnHook(lambda: {x: X})
    with tf.train.SingularMonitoredSession(hooks=[Watch(), feed]) as sess:
        value = sess.run(loss)
        assert value == pytest.approx(np.mean((np.array(X) - 2.0) ** 2))
        with pytest.raises(RuntimeError, match="fed by a SessionRunHook and user"):
            sess.run(loss, feed_dict={x: X})
        assert isinstance(sess.raw_session(), tf.Session)
    assert seen == [{"w": 1.0, "gs": 0}]


def test_preemption_recreates_the_session_from_the_latest_checkpoint(tmp_path, graph):
    gs, x, w, _, train = _build()
    created = []

    class AbortOnce(tf.train.SessionRunHook):
        fired = False

        def after_create_session(self, session, coord):
            created.append(int(session.run(gs)))

        def before_run(self, run_context):
            if not self.fired and int(run_context.session.run(gs)) == 3:
                self.fired = True
                raise tf.errors.AbortedError(None, None, "worker preempted")

    with tf.train.MonitoredTrainingSession(checkpoint_dir=str(tmp_path), save_checkpoint_steps=2,
                                           hooks=[AbortOnce()]) as sess:
        for _ in range(5):
            sess.run(train, feed_dict={x: X})
        final = int(sess.run(gs))
    # Runs 1-3 reached step 3; run 4 was preempted, the checkpoint of step 2 was restored (step 3
    # is lost, as in TF1) and run 4 retried, so 5 runs end at step 4.
    assert created == [0, 2]
    assert final == 4
    np.testing.assert_allclose(tf.train.load_variable(str(tmp_path), "w"), _w_after(4), rtol=1e-6)


def test_nan_loss_raises_or_stops(graph):
    x = tf.placeholder(tf.float32, [])
    tf.train.get_or_create_global_step()
    loss = tf.sqrt(x)
    with pytest.raises(tf.train.NanLossDuringTrainingError, match="NaN loss during training"), \
            tf.train.MonitoredSession(hooks=[tf.train.NanTensorHook(loss)]) as sess:
        sess.run(loss, feed_dict={x: 4.0})
        sess.run(loss, feed_dict={x: -1.0})
    with tf.train.MonitoredSession(hooks=[tf.train.NanTensorHook(loss, fail_on_nan_loss=False)]) as sess:
        assert sess.run(loss, feed_dict={x: 4.0}) == 2.0
        assert not sess.should_stop()
        sess.run(loss, feed_dict={x: -1.0})
        assert sess.should_stop()


def test_scaffold_defaults_collections_and_init_fn(tmp_path, graph):
    _, _, w, _, _ = _build()
    calls = []
    scaffold = tf.train.Scaffold(init_fn=lambda scaffold, sess: calls.append(sess.run(w)))
    with tf.train.MonitoredSession(tf.train.ChiefSessionCreator(scaffold=scaffold,
                                                                checkpoint_dir=str(tmp_path))) as sess:
        assert scaffold.init_op is graph.get_collection(tf.GraphKeys.INIT_OP)[0]
        assert scaffold.saver is graph.get_collection(tf.GraphKeys.SAVERS)[0]
        assert sess.run(scaffold.ready_op).size == 0
        copy = tf.train.Scaffold(copy_from_scaffold=scaffold)
        assert (copy.init_op, copy.saver, copy.local_init_op) == (scaffold.init_op, scaffold.saver,
                                                                 scaffold.local_init_op)
    assert calls == [1.0]
    with pytest.raises(TypeError, match="Scaffold"):
        tf.train.Scaffold(copy_from_scaffold=object())


def test_a_ready_op_that_stays_unready_is_a_runtime_error(graph):
    _build()
    scaffold = tf.train.Scaffold(init_op=tf.no_op())
    with pytest.raises(RuntimeError, match="did not make model ready"):
        tf.train.MonitoredSession(tf.train.ChiefSessionCreator(scaffold=scaffold))


def test_run_step_fn_runs_through_hooks_stops_and_recovers(graph):
    gs, x, w, _, train = _build()
    created = []

    class Count(tf.train.SessionRunHook):
        runs = 0

        def after_create_session(self, session, coord):
            created.append(True)

        def after_run(self, run_context, run_values):
            Count.runs += 1

    preempted = []

    def step_fn(step_context):
        if not preempted:
            preempted.append(True)
            raise tf.errors.UnavailableError(None, None, "parameter server gone")
        step_context.run_with_hooks(train, feed_dict={x: X})
        if step_context.session.run(gs) >= 2:
            step_context.request_stop()
        return "ran"

    results = []
    with tf.train.MonitoredSession(hooks=[Count()]) as sess:
        while True:  # request_stop raises StopIteration, which ends the with block normally
            results.append(sess.run_step_fn(step_fn))
    assert results == ["ran"]
    assert (len(created), Count.runs) == (2, 2)
    with pytest.raises(ValueError, match="step_context"), tf.train.MonitoredSession() as sess:
        sess.run_step_fn(lambda ctx: None)


def test_a_non_chief_waits_for_the_model_then_gives_up(graph):
    _build()
    # No chief ever initializes this process's variables: the worker's wait ends in TF1's error.
    with pytest.raises(tf.errors.DeadlineExceededError, match="not ready after waiting 0 secs"):
        tf.train.MonitoredTrainingSession(is_chief=False, max_wait_secs=0)


def test_a_non_chief_with_nothing_to_initialize_starts_at_once(graph):
    c = tf.constant(3.0) * 2.0
    with tf.train.MonitoredTrainingSession(is_chief=False, max_wait_secs=0) as sess:
        assert sess.run(c) == 6.0


def test_a_graph_finalized_by_the_user_stays_finalized(graph):
    gs, x, w, _, train = _build()
    scaffold = tf.train.Scaffold()
    scaffold.finalize()
    assert graph.finalized
    with tf.train.MonitoredSession(tf.train.ChiefSessionCreator(scaffold=scaffold)) as sess:
        assert sess.run(w) == 1.0
    assert graph.finalized
    # a second Scaffold finds the first one's ops in their collections
    with tf.train.MonitoredSession(tf.train.ChiefSessionCreator(scaffold=tf.train.Scaffold())) as sess:
        assert sess.run(w) == 1.0


def test_a_finalized_graph_without_the_default_ops_cannot_get_them(graph):
    _build()
    graph.finalize()
    with pytest.raises(RuntimeError, match="finalized"):
        tf.train.MonitoredSession()
