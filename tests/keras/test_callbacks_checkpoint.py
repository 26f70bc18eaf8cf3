"""ModelCheckpoint: Keras 2's file-name formatting, best-only saving, period and save_freq."""

import json
import logging
import os
from pathlib import Path

import numpy as np
import pytest

from graphflow.keras.callbacks import ModelCheckpoint
from tests.keras.scripted import FakeModel, listdir, run_epochs

VAL = [0.9, 0.7, 0.8, 0.42, 0.5]


def test_filepath_is_formatted_with_1_based_epoch_and_logs(tmp_path):
    path = str(tmp_path / "weights.{epoch:02d}-{val_loss:.2f}.hdf5")
    model, _ = run_epochs([ModelCheckpoint(path)], [{"val_loss": v} for v in VAL])
    assert listdir(tmp_path) == ["weights.01-0.90.hdf5", "weights.02-0.70.hdf5", "weights.03-0.80.hdf5",
                                 "weights.04-0.42.hdf5", "weights.05-0.50.hdf5"]
    assert [kind for kind, _ in model.saved] == ["model"] * 5


def test_save_best_only_writes_improvements_only(tmp_path):
    path = str(tmp_path / "best-{epoch:02d}.h5")
    model, _ = run_epochs([ModelCheckpoint(path, save_best_only=True)], [{"val_loss": v} for v in VAL])
    assert listdir(tmp_path) == ["best-01.h5", "best-02.h5", "best-04.h5"]


def test_save_best_only_without_placeholders_keeps_the_best(tmp_path):
    path = str(tmp_path / "best.h5")
    checkpoint = ModelCheckpoint(path, monitor="val_acc", save_best_only=True, save_weights_only=True)
    model, _ = run_epochs([checkpoint], [{"val_acc": v} for v in [0.5, 0.7, 0.6, 0.8, 0.8]])
    # 'acc' in the name: maximized; an equal value is not an improvement
    assert [kind for kind, _ in model.saved] == ["weights"] * 3
    assert checkpoint.best == 0.8 and listdir(tmp_path) == ["best.h5"]


@pytest.mark.parametrize("monitor, direction", [("val_acc", "max"), ("fmeasure", "max"),
                                                ("fmeasure_val", "max"), ("val_fmeasure", "min"),
                                                ("val_loss", "min")])
def test_auto_mode_keras2_heuristic(monitor, direction):
    expected = np.greater if direction == "max" else np.less
    assert ModelCheckpoint("m.h5", monitor=monitor).monitor_op is expected


def test_mode_min_on_accuracy(tmp_path):
    checkpoint = ModelCheckpoint(str(tmp_path / "m{epoch}.h5"), monitor="acc", mode="min", save_best_only=True)
    run_epochs([checkpoint], [{"acc": v} for v in [0.5, 0.7, 0.4]])
    assert listdir(tmp_path) == ["m1.h5", "m3.h5"]


def test_missing_key_in_filepath_is_keras2_key_error(tmp_path):
    path = str(tmp_path / "{epoch:02d}-{val_loss:.2f}")
    with pytest.raises(KeyError) as info:
        run_epochs([ModelCheckpoint(path)], [{"loss": 1.0}])
    assert str(info.value) == repr(f'Failed to format this callback filepath: "{path}". Reason: \'val_loss\'')


def test_best_only_with_missing_monitor_warns_and_skips(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        model, _ = run_epochs([ModelCheckpoint(str(tmp_path / "m.h5"), save_best_only=True)],
                              [{"loss": 1.0}, {"loss": 0.5}])
    assert model.saved == [] and listdir(tmp_path) == []
    assert "Can save best model only with val_loss available, skipping." in caplog.text


def test_period_saves_every_n_epochs(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        checkpoint = ModelCheckpoint(str(tmp_path / "m{epoch}.h5"), period=2)
    assert "`period` argument is deprecated" in caplog.text
    run_epochs([checkpoint], [{"val_loss": v} for v in VAL])
    assert listdir(tmp_path) == ["m2.h5", "m4.h5"]


def test_integer_save_freq_counts_samples(tmp_path):
    checkpoint = ModelCheckpoint(str(tmp_path / "m{epoch}-{batch}.h5"), save_freq=8)
    run_epochs([checkpoint], [{"loss": 1.0}, {"loss": 0.5}], batches=3, batch_size=4)
    # 4 samples a batch: a save every second batch, counting across epochs
    assert listdir(tmp_path) == ["m1-1.h5", "m2-0.h5", "m2-2.h5"]


def test_bad_save_freq():
    with pytest.raises(ValueError, match="Unrecognized save_freq: weekly"):
        ModelCheckpoint("m.h5", save_freq="weekly")


def test_directories_are_created_and_directory_path_rejected(tmp_path):
    run_epochs([ModelCheckpoint(str(tmp_path / "a" / "b" / "m.h5"))], [{"val_loss": 1.0}])
    assert os.path.isfile(tmp_path / "a" / "b" / "m.h5")
    with pytest.raises(OSError, match="Please specify a non-directory filepath for ModelCheckpoint"):
        run_epochs([ModelCheckpoint(str(tmp_path / "a"))], [{"val_loss": 1.0}])


def test_verbose_lines(tmp_path, capsys):
    path = str(tmp_path / "m.h5")
    run_epochs([ModelCheckpoint(path, save_best_only=True, verbose=1)], [{"val_loss": v} for v in [0.5, 0.6]],
               model=FakeModel())
    out = capsys.readouterr().out
    assert f"Epoch 00001: val_loss improved from inf to 0.50000, saving model to {path}" in out
    assert "Epoch 00002: val_loss did not improve from 0.50000" in out


RECORDED = json.loads((Path(__file__).parent / "data" / "model_checkpoint_tf_keras.json").read_text())


@pytest.mark.parametrize("case", sorted(RECORDED))
def test_saved_files_match_tf_keras(tmp_path, case):
    recorded = RECORDED[case]
    kwargs = dict(recorded["kw"], filepath=str(tmp_path / recorded["kw"]["filepath"]))
    checkpoint = ModelCheckpoint(**kwargs)
    model, _ = run_epochs([checkpoint], [{recorded["key"]: v} for v in recorded["seq"]])
    assert [os.path.basename(path) for _, path in model.saved] == recorded["saved"]
    assert checkpoint.best == recorded["best"]
