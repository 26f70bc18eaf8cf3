"""A process killed (SIGKILL) at random moments while it saves weights again and again never
leaves a damaged file: the file on disk always loads, whole, with the saved values."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from graphflow.keras.saving.hdf5_format import load_weights_from_hdf5
from tests.keras.fake_layers import FakeModel, dense

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")

SAVER = textwrap.dedent("""
    import sys
    from graphflow.keras.saving.hdf5_format import save_weights_to_hdf5
    from tests.keras.fake_layers import FakeModel, dense
    model = FakeModel([dense("big", 512, 256, seed=5), dense("head", 256, 10, seed=6)])
    n = 0
    while True:
        save_weights_to_hdf5(model, sys.argv[1])
        n += 1
        if n == 1:
            print("saved", flush=True)
""")


def test_killed_saves_never_damage_the_file(tmp_path):
    path = str(tmp_path / "w.h5")
    expected = FakeModel([dense("big", 512, 256, seed=5), dense("head", 256, 10, seed=6)]).get_weights()
    rng = np.random.RandomState(0)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for _ in range(5):
        child = subprocess.Popen([sys.executable, "-c", SAVER, path], stdout=subprocess.PIPE, text=True,
                                 cwd=root)
        assert child.stdout.readline().strip() == "saved"
        time.sleep(rng.uniform(0.0, 0.2))
        child.send_signal(signal.SIGKILL)
        child.wait()
        target = FakeModel([dense("big", 512, 256, seed=1), dense("head", 256, 10, seed=2)])
        load_weights_from_hdf5(target, path)
        for got, want in zip(target.get_weights(), expected):
            np.testing.assert_array_equal(got, want)
    # the killed writes' temporaries are gone after the next save
    from graphflow.keras.saving.hdf5_format import save_weights_to_hdf5

    save_weights_to_hdf5(FakeModel([dense("x", 2, 2)]), path)
    assert os.listdir(tmp_path) == ["w.h5"]
