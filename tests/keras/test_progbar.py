"""Keras 2's Progbar lines (recorded from tf_keras on a fake clock) and the fit output."""

import io
import json
import sys
from pathlib import Path
from unittest import mock

from graphflow import keras
from graphflow.keras.utils import progbar as progbar_module

RECORDED = json.loads((Path(__file__).parent / "data" / "progbar.json").read_text())
SCRIPT = [(0.5, 32, [("loss", 1.0), ("acc", 0.5)]), (1.2, 64, [("loss", 0.5), ("acc", 0.6)]),
          (2.0, 100, [("loss", 0.25), ("acc", 0.7)])]


def _run(verbose: int, tty: bool) -> str:
    clock = iter([0.0] + [t for t, _, _ in SCRIPT])
    buffer = io.StringIO()
    buffer.isatty = lambda: tty
    with mock.patch.object(progbar_module.time, "time", lambda: next(clock)), \
            mock.patch.object(sys, "stdout", buffer):
        bar = keras.utils.Progbar(100, verbose=verbose, stateful_metrics=["acc"], unit_name="sample")
        for _, current, values in SCRIPT:
            bar.update(current, values)
    return buffer.getvalue()


def test_final_lines_match_keras_2():
    for verbose in (1, 2):
        for tty in (True, False):
            text = _run(verbose, tty)
            assert text.split("\r")[-1].replace("\b", "") == RECORDED[str(verbose)], (verbose, tty)


def test_verbose_1_redraws_on_a_terminal_and_prints_one_line_otherwise():
    assert _run(1, tty=False) == RECORDED["1"]
    on_terminal = _run(1, tty=True)
    assert on_terminal.count("\r") == 3
    assert " 32/100 [========>.....................] - ETA: 1s - loss: 1.0000 - acc: 0.5000" in on_terminal
    assert _run(2, tty=True) == RECORDED["2"]


def test_fit_prints_keras_2_epoch_lines(capsys):
    import numpy as np
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    model.compile("sgd", "mse", metrics=["mae"])
    model.fit(np.ones((10, 2)), np.ones((10, 1)), epochs=2, batch_size=4, verbose=2, validation_split=0.2)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Train on 8 samples, validate on 2 samples"
    assert out[1] == "Epoch 1/2" and out[3] == "Epoch 2/2"
    import re
    pattern = (r"^8/8 - \d+s - loss: \d+\.\d{4}(e[-+]\d+)? - mean_absolute_error: \d+\.\d{4}(e[-+]\d+)? "
               r"- val_loss: \S+ - val_mean_absolute_error: \S+ - \d+(ms|us|s)/epoch - \d+(ms|us|s)/sample$")
    assert re.match(pattern, out[2]), out[2]
