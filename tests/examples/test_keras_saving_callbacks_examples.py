"""examples/keras_callbacks.py and examples/keras_save_three_ways.py run (short) and report
what independent checks confirm: the CSV log, the best checkpoint, reloaded predictions."""

from __future__ import annotations

import csv

import numpy as np
import pytest

pytest.importorskip("sklearn")
pytest.importorskip("h5py")

from tests.examples.test_examples import load  # noqa: E402


def test_keras_callbacks_example(tmp_path, capsys):
    result = load("keras_callbacks").main(str(tmp_path), epochs=12, verbose=0)
    out = capsys.readouterr().out
    history = result["history"]
    assert result["epochs_run"] == len(history["loss"]) <= 12
    assert ("EarlyStopping stopped training" in out) == (result["stopped_epoch"] > 0)
    assert f"saved to {result['best_path']}" in out
    # the checkpoint kept the best val_loss of the run, and the reloaded file scores it
    assert result["checkpoint_best"] == pytest.approx(min(history["val_loss"]), rel=1e-6)
    assert result["reloaded_val_loss"] == pytest.approx(result["checkpoint_best"], rel=1e-4)
    assert history["val_acc"][-1] > 0.8  # digits learn quickly
    with open(result["csv_path"]) as f:
        rows = list(csv.DictReader(f))
    assert [int(r["epoch"]) for r in rows] == list(range(result["epochs_run"]))
    assert [float(r["val_loss"]) for r in rows] == pytest.approx(history["val_loss"], rel=1e-6)
    assert {"acc", "loss", "lr", "val_acc", "val_loss"} <= set(rows[0])


def test_keras_save_three_ways_example(tmp_path, capsys):
    result = load("keras_save_three_ways").main(str(tmp_path), epochs=5)
    out = capsys.readouterr().out
    assert "predictions match: True" in out
    np.testing.assert_allclose(result["from_weights"], result["expected"], rtol=1e-6)
    np.testing.assert_allclose(result["from_file"], result["expected"], rtol=1e-6)
    assert np.abs(result["fresh"] - result["expected"]).max() > 1e-3  # structure only: untrained
    assert result["continued_difference"] < 1e-5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.h5", "model.json", "weights.h5"]
