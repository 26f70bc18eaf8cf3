"""ReduceLROnPlateau and LearningRateScheduler: learning-rate sequences against values recorded
from tf_keras (tests/keras/data/reduce_lr_tf_keras.json), cooldown, min_lr and errors.

The learning rate lives in a float32 box read and written through a stand-in for the Keras
backend's get_value/set_value, so these tests check the callbacks' logic alone."""

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from graphflow.keras.callbacks import Callback, LearningRateScheduler, ReduceLROnPlateau, _lr
from tests.keras.scripted import FakeModel, run_epochs

RECORDED = json.loads((Path(__file__).parent / "data" / "reduce_lr_tf_keras.json").read_text())


class Box:
    def __init__(self, value):
        self.value = np.float32(value)


class BoxBackend:
    @staticmethod
    def get_value(box):
        return box.value

    @staticmethod
    def set_value(box, value):
        box.value = np.float32(value)


class Optimizer:
    def __init__(self, lr=1.0):
        self.lr = Box(lr)


@pytest.fixture(autouse=True)
def box_backend(monkeypatch):
    monkeypatch.setattr(_lr, "_backend", lambda: BoxBackend)


def run_lr(callback, metric_name, values, lr=1.0):
    model = FakeModel(optimizer=Optimizer(lr))
    after, logged = [], []

    class Recorder(Callback):  # reads the rate after the callback under test ran
        def on_epoch_end(self, epoch, logs=None):
            after.append(float(model.optimizer.lr.value))
            logged.append(float(logs["lr"]))

    run_epochs([callback, Recorder()], [{metric_name: v} for v in values], model=model)
    return after, logged


@pytest.mark.parametrize("case", sorted(RECORDED))
def test_lr_sequences_match_tf_keras(case):
    recorded = RECORDED[case]
    after, logged = run_lr(ReduceLROnPlateau(**recorded["kw"]), recorded["kw"]["monitor"], recorded["metric"])
    np.testing.assert_allclose(after, recorded["lr_after"], rtol=1e-6)
    np.testing.assert_allclose(logged, recorded["logged_lr"], rtol=1e-6)


def test_factor_at_least_one_is_rejected():
    with pytest.raises(ValueError, match=r"ReduceLROnPlateau does not support a factor >= 1.0. Got 1.5"):
        ReduceLROnPlateau(factor=1.5)


def test_min_lr_is_a_floor():
    after, _ = run_lr(ReduceLROnPlateau(monitor="loss", factor=0.1, patience=0, min_lr=0.05), "loss",
                      [1, 1, 1, 1])
    np.testing.assert_allclose(after, [1.0, 0.1, 0.05, 0.05], rtol=1e-6)


def test_missing_metric_warns_and_keeps_the_rate(caplog):
    with caplog.at_level(logging.WARNING):
        after, logged = run_lr(ReduceLROnPlateau(patience=0), "loss", [1, 1, 1])
    assert after == [1.0, 1.0, 1.0] and logged == [1.0, 1.0, 1.0]
    assert ("Reduce LR on plateau conditioned on metric `val_loss` which is not available. "
            "Available metrics are: loss,lr") in caplog.text


def test_epsilon_is_the_old_name_of_min_delta(caplog):
    with caplog.at_level(logging.WARNING):
        callback = ReduceLROnPlateau(epsilon=0.5)
    assert callback.min_delta == 0.5 and "`epsilon` argument is deprecated" in caplog.text


def test_verbose_line(capsys):
    run_lr(ReduceLROnPlateau(monitor="loss", patience=0, verbose=1, factor=0.5), "loss", [1, 1])
    assert "Epoch 00002: ReduceLROnPlateau reducing learning rate to 0.5." in capsys.readouterr().out


def test_scheduler_two_argument_schedule():
    after, logged = run_lr(LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch > 0 else lr), "loss",
                           [1, 1, 1, 1])
    assert after == [1.0, 0.5, 0.25, 0.125] and logged == after


def test_scheduler_one_argument_schedule():
    after, _ = run_lr(LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1)), "loss", [1, 1, 1])
    np.testing.assert_allclose(after, [0.1, 0.05, 0.1 / 3], rtol=1e-6)


def test_scheduler_rejects_non_float():
    with pytest.raises(ValueError, match='The output of the "schedule" function should be float.'):
        run_lr(LearningRateScheduler(lambda epoch: "fast"), "loss", [1])


def test_scheduler_needs_an_lr():
    model = FakeModel(optimizer=object())
    with pytest.raises(ValueError, match='Optimizer must have a "lr" attribute.'):
        run_epochs([LearningRateScheduler(lambda epoch: 0.1)], [{"loss": 1}], model=model)
