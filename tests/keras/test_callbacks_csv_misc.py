"""CSVLogger's file content, TerminateOnNaN and LambdaCallback."""

import numpy as np

from graphflow.keras.callbacks import CSVLogger, LambdaCallback, TerminateOnNaN
from tests.keras.scripted import run_epochs

LOGS = [{"loss": 0.5, "acc": 0.75, "val_loss": 0.625}, {"loss": 0.25, "acc": 1.0, "val_loss": 0.5}]


def test_csv_rows_sorted_keys(tmp_path):
    path = tmp_path / "log.csv"
    run_epochs([CSVLogger(str(path))], LOGS)
    assert path.read_text().splitlines() == ["epoch,acc,loss,val_loss", "0,0.75,0.5,0.625", "1,1.0,0.25,0.5"]


def test_csv_separator_and_append(tmp_path):
    path = tmp_path / "log.tsv"
    run_epochs([CSVLogger(str(path), separator="\t")], LOGS[:1])
    run_epochs([CSVLogger(str(path), separator="\t", append=True)], LOGS[1:])
    assert path.read_text().splitlines() == ["epoch\tacc\tloss\tval_loss", "0\t0.75\t0.5\t0.625",
                                             "0\t1.0\t0.25\t0.5"]


def test_csv_overwrites_without_append_and_marks_missing_values(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("old\n")
    run_epochs([CSVLogger(str(path))], [LOGS[0], {"loss": 0.1, "acc": 0.9}])
    assert path.read_text().splitlines() == ["epoch,acc,loss,val_loss", "0,0.75,0.5,0.625", "1,0.9,0.1,NA"]


def test_csv_sequence_and_numpy_values(tmp_path):
    path = tmp_path / "log.csv"
    run_epochs([CSVLogger(str(path))], [{"loss": np.float32(0.5), "per_class": [1, 2]}])
    assert path.read_text().splitlines() == ["epoch,loss,per_class", '0,0.5,"""[1, 2]"""']


def test_terminate_on_nan_stops_at_the_batch(capsys):
    logs = [{"loss": 1.0}, {"loss": float("nan")}, {"loss": 2.0}]
    model, ran = run_epochs([TerminateOnNaN()], logs, batches=2)
    assert model.stop_training and ran == 2
    assert "Batch 0: Invalid loss, terminating training" in capsys.readouterr().out


def test_terminate_on_inf():
    model, ran = run_epochs([TerminateOnNaN()], [{"loss": float("inf")}], batches=1)
    assert model.stop_training


def test_lambda_callback_calls_the_functions():
    seen = []
    callback = LambdaCallback(on_epoch_begin=lambda epoch, logs: seen.append(("eb", epoch)),
                              on_epoch_end=lambda epoch, logs: seen.append(("ee", epoch, logs["loss"])),
                              on_batch_end=lambda batch, logs: seen.append(("be", batch)),
                              on_train_begin=lambda logs: seen.append("tb"),
                              on_train_end=lambda logs: seen.append("te"),
                              custom_attribute=3)
    run_epochs([callback], [{"loss": 1.0}, {"loss": 0.5}], batches=2)
    assert seen == ["tb", ("eb", 0), ("be", 0), ("be", 1), ("ee", 0, 1.0),
                    ("eb", 1), ("be", 0), ("be", 1), ("ee", 1, 0.5), "te"]
    assert callback.custom_attribute == 3


def test_lambda_callback_functions_get_logs_positionally():
    # Keras 2's CallbackList passes logs positionally; lstm_text_generation.py defines
    # `def on_epoch_end(epoch, _)` (a keyword `logs=` raised TypeError)
    seen = []

    def on_epoch_end(epoch, _):
        seen.append((epoch, _["loss"]))

    callback = LambdaCallback(on_epoch_end=on_epoch_end, on_train_begin=lambda _: seen.append("tb"),
                              on_batch_end=lambda batch, _: seen.append(("be", batch)))
    run_epochs([callback], [{"loss": 1.0}, {"loss": 0.5}], batches=1)
    assert seen == ["tb", ("be", 0), (0, 1.0), ("be", 0), (1, 0.5)]
