"""EarlyStopping against Keras 2's semantics with scripted metric sequences."""

import logging

import numpy as np
import pytest

from graphflow.keras.callbacks import EarlyStopping
from tests.keras.scripted import run_epochs

LOSSES = [10, 9, 8, 9, 8.9, 8.8, 8.7, 8.6, 8.5, 8.4]


@pytest.mark.parametrize("patience", [0, 1, 2, 3])
def test_stops_at_max_patience_1_plus_2(patience):
    # Keras' own golden test: the loss bottoms out at epoch 2, later values never beat it
    stopper = EarlyStopping(monitor="loss", patience=patience)
    model, ran = run_epochs([stopper], [{"loss": v} for v in LOSSES])
    assert stopper.stopped_epoch == max(patience, 1) + 2
    assert ran == stopper.stopped_epoch + 1
    assert model.stop_training


def test_min_delta_counts_small_gains_as_no_improvement():
    stopper = EarlyStopping(monitor="val_loss", min_delta=0.5, patience=2)
    run_epochs([stopper], [{"val_loss": v} for v in [5.0, 4.8, 4.6, 4.4, 3.0]])
    # 4.8 and 4.6 are within 0.5 of 5.0: two epochs without improvement
    assert stopper.stopped_epoch == 2 and stopper.best == 5.0


def test_negative_min_delta_means_the_same():
    assert EarlyStopping(min_delta=-0.5).min_delta == EarlyStopping(min_delta=0.5).min_delta == -0.5


@pytest.mark.parametrize("monitor, direction", [("acc", "max"), ("val_acc", "max"), ("val_accuracy", "max"),
                                                ("fmeasure", "min"), ("loss", "min"), ("val_mae", "min")])
def test_auto_mode_uses_keras2_name_heuristic(monitor, direction):
    assert EarlyStopping(monitor=monitor).monitor_op is (np.greater if direction == "max" else np.less)


def test_accuracy_is_maximized():
    stopper = EarlyStopping(monitor="val_acc", patience=1)
    _, ran = run_epochs([stopper], [{"val_acc": v} for v in [0.5, 0.6, 0.7, 0.65, 0.9]])
    assert stopper.stopped_epoch == 3 and ran == 4 and stopper.best == 0.7


def test_explicit_mode_overrides_name():
    stopper = EarlyStopping(monitor="val_acc", mode="min", patience=0)
    run_epochs([stopper], [{"val_acc": v} for v in [0.5, 0.6]])
    assert stopper.stopped_epoch == 1


def test_unknown_mode_warns_and_falls_back_to_auto(caplog):
    with caplog.at_level(logging.WARNING):
        stopper = EarlyStopping(monitor="acc", mode="bigger")
    assert "EarlyStopping mode bigger is unknown, fallback to auto mode." in caplog.text
    assert stopper.monitor_op is np.greater


def test_baseline_must_be_beaten():
    # nothing beats the baseline 0.5: stops after `patience` epochs
    stopper = EarlyStopping(monitor="loss", baseline=0.5, patience=2)
    _, ran = run_epochs([stopper], [{"loss": v} for v in [1.0, 0.9, 0.8, 0.7, 0.6]])
    assert stopper.stopped_epoch == 1 and ran == 2
    # beating it once resets the count
    stopper = EarlyStopping(monitor="loss", baseline=0.5, patience=2)
    _, ran = run_epochs([stopper], [{"loss": v} for v in [0.9, 0.4, 0.45, 0.44, 0.43]])
    assert stopper.stopped_epoch == 3 and stopper.best == 0.4


def test_restore_best_weights_when_stopping():
    stopper = EarlyStopping(monitor="loss", patience=2, restore_best_weights=True)
    model, _ = run_epochs([stopper], [{"loss": v} for v in [3, 2, 1, 1.5, 1.6, 0.1]])
    assert stopper.stopped_epoch == 4
    # the fake model's weights are all `epoch` during epoch `epoch`: best epoch was 2
    assert all(np.all(w == 2) for w in model.get_weights())


def test_keras2_does_not_restore_when_training_runs_to_the_end():
    stopper = EarlyStopping(monitor="loss", patience=5, restore_best_weights=True)
    model, ran = run_epochs([stopper], [{"loss": v} for v in [3, 2, 1, 1.5]])
    assert ran == 4 and stopper.stopped_epoch == 0
    assert all(np.all(w == 3) for w in model.get_weights())


def test_missing_metric_warns_and_never_stops(caplog):
    stopper = EarlyStopping(monitor="val_loss", patience=0)
    with caplog.at_level(logging.WARNING):
        _, ran = run_epochs([stopper], [{"loss": v, "acc": 0.5} for v in [3, 4, 5]])
    assert ran == 3 and stopper.stopped_epoch == 0
    assert ("Early stopping conditioned on metric `val_loss` which is not available. "
            "Available metrics are: loss,acc") in caplog.text


def test_reusable_across_fits():
    stopper = EarlyStopping(monitor="loss", patience=0)
    run_epochs([stopper], [{"loss": v} for v in [1, 2]])
    assert stopper.stopped_epoch == 1
    _, ran = run_epochs([stopper], [{"loss": v} for v in [5, 4, 3]])
    assert ran == 3 and stopper.stopped_epoch == 0 and stopper.best == 3


def test_verbose_prints_the_stop_epoch(capsys):
    run_epochs([EarlyStopping(monitor="loss", patience=0, verbose=1)], [{"loss": v} for v in [1, 2]])
    assert "Epoch 00002: early stopping" in capsys.readouterr().out
