"""graphflow.train.progress: a redrawn bar on a terminal, one plain line per update elsewhere;
steps/s and the loss are shown (times from a fake clock)."""

from __future__ import annotations

import io

import numpy as np
import pytest

import graphflow as tf
from graphflow.train.progress import Progress, progress


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_not_a_terminal():
    out, clock = io.StringIO(), FakeClock()
    bar = progress(range(100), desc="train", file=out, log_secs=10, smoothing=1.0, clock=clock)
    assert not bar.terminal
    for step in bar:
        clock.now += 0.5  # 2 steps/s
        bar.set_loss(1.0 / (step + 1))
    lines = out.getvalue().splitlines()
    # an update every 10 s (20 steps) and the closing line
    assert lines[0] == "train: 20/100 (20%), 2.0 steps/s, loss=0.05, elapsed 10s, eta 40s"
    assert len(lines) == 6 and lines[3].startswith("train: 80/100 (80%)")
    assert lines[-1] == "train: 100/100 (100%), 2.0 steps/s, loss=0.01, elapsed 50s, eta 0s"
    assert "\r" not in out.getvalue()


def test_terminal_redraws_one_line_with_bar_rate_and_loss():
    out, clock = Terminal(), FakeClock()
    with progress(total=8, desc="fit", file=out, min_interval=0.0, smoothing=1.0, width=8, clock=clock) as bar:
        assert bar.terminal
        for step in range(8):
            clock.now += 0.25
            bar.update(loss=np.float32(2.0 - step * 0.25), acc=0.5)
    text = out.getvalue()
    assert text.endswith("\n") and text.count("\n") == 1
    frames = text.rstrip("\n").split("\r")[1:]
    assert len(frames) == 9  # 8 updates and the closing redraw
    full = "\u2588"
    assert frames[3] == f"fit  50%|{full * 4}    | 4/8 [00:01<00:01, 4.0 steps/s, loss=1.25, acc=0.5]"
    assert frames[-1] == f"fit 100%|{full * 8}| 8/8 [00:02<00:00, 4.0 steps/s, loss=0.25, acc=0.5]"


def test_terminal_throttles_and_pads_shorter_lines():
    out, clock = Terminal(), FakeClock()
    bar = Progress(total=None, file=out, min_interval=1.0, smoothing=0.5, clock=clock)
    for _ in range(10):
        clock.now += 0.3  # redraw every fourth update (1.2 s)
        bar.update()
    frames = out.getvalue().split("\r")[1:]
    assert len(frames) == 2
    assert frames[0].startswith("4 [00:01, 3.3 steps/s")  # no total: a count, no bar or eta
    bar.update(loss=123456.0)
    clock.now += 5
    bar.update()
    bar.close()
    last = out.getvalue().split("\r")[-1]
    assert "loss=1.235e+05" in last and last.endswith("\n")
    bar.close()  # idempotent
    assert out.getvalue().count("\n") == 1


def test_with_a_training_loop(graph):
    w = tf.Variable(3.0)
    loss = tf.square(w)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    out, clock = io.StringIO(), FakeClock()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        bar = progress(range(5), desc="sgd", file=out, log_secs=0.0, clock=clock)
        for _ in bar:
            clock.now += 1
            _, value = sess.run([train, loss])
            bar.set_loss(value)
    lines = out.getvalue().splitlines()
    assert len(lines) == 6
    assert lines[0].startswith("sgd: 1/5 (20%), 1.0 steps/s, loss=9, ")
    expected = 9.0 * 0.8 ** 8  # w shrinks by 0.8 a step: the fifth run's loss is (3 * 0.8^4)^2
    assert lines[-1].startswith(f"sgd: 5/5 (100%), 1.0 steps/s, loss={expected:.4g}")


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="total"):
        Progress(total=-1)
    with pytest.raises(ValueError, match="smoothing"):
        Progress(total=1, smoothing=0)
    with pytest.raises(TypeError, match="nothing to iterate"):
        iter(Progress(total=3, file=io.StringIO())).__next__()
