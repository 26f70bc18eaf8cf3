"""tf.train.Coordinator and LooperThread: stop requests, the first error re-raised by join,
clean-stop exceptions, registered threads and the looper's period."""

from __future__ import annotations

import threading
import time

import pytest

import graphflow as tf


def test_request_stop_wakes_waiters_and_join_returns():
    coord = tf.train.Coordinator()
    assert not coord.should_stop()
    assert not coord.wait_for_stop(0.01)
    stopped = []

    def worker():
        coord.wait_for_stop()
        stopped.append(True)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    coord.request_stop()
    coord.join(threads)
    assert coord.should_stop() and coord.joined and stopped == [True] * 3


def test_join_reraises_the_first_error_only():
    coord = tf.train.Coordinator()

    def failing(msg):
        with coord.stop_on_exception():
            raise ValueError(msg)

    t = threading.Thread(target=failing, args=("first",))
    t.start()
    t.join()
    coord.request_stop(RuntimeError("second"))
    with pytest.raises(ValueError, match="first"):
        coord.raise_requested_exception()
    with pytest.raises(ValueError, match="first"):
        coord.join([t])


def test_out_of_range_is_a_clean_stop():
    coord = tf.train.Coordinator()
    with coord.stop_on_exception():
        raise tf.errors.OutOfRangeError(None, None, "end of data")
    assert coord.should_stop()
    coord.join([])  # nothing to re-raise
    coord.clear_stop()
    assert not coord.should_stop()


def test_threads_still_alive_after_the_grace_period_are_an_error():
    coord = tf.train.Coordinator()
    release = threading.Event()
    t = threading.Thread(target=release.wait, name="stuck", daemon=True)
    t.start()
    coord.register_thread(t)
    coord.request_stop()
    with pytest.raises(RuntimeError, match="stuck"):
        coord.join(stop_grace_period_secs=0.05)
    release.set()
    t.join()


def test_looper_thread_calls_its_target_until_stopped_and_reports_errors():
    coord = tf.train.Coordinator()
    calls = []
    looper = tf.train.LooperThread.loop(coord, 0.01, target=calls.append, args=(1,))
    time.sleep(0.2)
    coord.request_stop()
    coord.join([looper])
    assert len(calls) >= 3 and not looper.is_alive()

    coord = tf.train.Coordinator()

    def boom():
        raise KeyError("looper failed")

    tf.train.LooperThread.loop(coord, None, target=boom)
    with pytest.raises(KeyError, match="looper failed"):
        coord.join()
    with pytest.raises(ValueError, match="Coordinator"):
        tf.train.LooperThread(object(), 1.0)
