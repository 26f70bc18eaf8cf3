"""HDF5 weights in Keras 2's layout: the file structure, round trips, files written by
tf_keras (recorded fixtures), mismatches that load nothing, damaged files and atomic writes."""

import json
import logging
import os
from pathlib import Path

import h5py
import numpy as np
import pytest

from graphflow.keras.saving.hdf5_attrs import load_name_list, save_name_list
from graphflow.keras.saving.hdf5_format import load_weights_from_hdf5, save_weights_to_hdf5
from tests.keras.fake_layers import FakeLayer, FakeModel, dense, tf_keras_conv, tf_keras_mlp

DATA = Path(__file__).parent / "data"
REFERENCE = json.loads((DATA / "tf_keras_reference.json").read_text())


def assert_weights(model, expected):
    values = model.get_weights()
    assert len(values) == len(expected)
    for got, want in zip(values, expected):
        np.testing.assert_array_equal(got, np.asarray(want, np.float32))


def test_file_layout_is_keras2(tmp_path):
    model = tf_keras_mlp()
    path = str(tmp_path / "w.h5")
    save_weights_to_hdf5(model, path)
    with h5py.File(path, "r") as f:
        assert load_name_list(f, "layer_names") == ["dense", "dense_1"]
        assert f.attrs["backend"] == b"tensorflow" or f.attrs["backend"] == "tensorflow"
        assert "keras_version" in f.attrs
        assert load_name_list(f["dense"], "weight_names") == ["dense/kernel:0", "dense/bias:0"]
        np.testing.assert_array_equal(f["dense/dense/kernel:0"][()], model.layers[0].get_weights()[0])
        np.testing.assert_array_equal(f["dense_1/dense_1/bias:0"][()], model.layers[1].get_weights()[1])


def test_round_trip(tmp_path):
    source, target = tf_keras_mlp(seed=1), tf_keras_mlp(seed=7)
    save_weights_to_hdf5(source, str(tmp_path / "w.h5"))
    load_weights_from_hdf5(target, str(tmp_path / "w.h5"))
    assert_weights(target, source.get_weights())


@pytest.mark.parametrize("name", ["tf_keras_mlp_weights.h5", "tf_keras_mlp.h5"])
def test_loads_files_written_by_tf_keras(name):
    model = tf_keras_mlp()
    load_weights_from_hdf5(model, str(DATA / name))
    assert_weights(model, REFERENCE["mlp_weights"])


def test_loads_tf_keras_conv_with_batchnorm_and_a_weightless_layer():
    model = tf_keras_conv()
    load_weights_from_hdf5(model, str(DATA / "tf_keras_conv_weights.h5"))
    assert_weights(model, REFERENCE["conv_weights"])


def test_layers_without_weights_are_skipped_when_matching_by_order(tmp_path):
    source = FakeModel([dense("a", 2, 2, 1), FakeLayer("dropout", []), dense("b", 2, 1, 2)])
    target = FakeModel([FakeLayer("flatten", []), dense("x", 2, 2, 5), dense("y", 2, 1, 6)])
    save_weights_to_hdf5(source, str(tmp_path / "w.h5"))
    load_weights_from_hdf5(target, str(tmp_path / "w.h5"))
    assert_weights(target, source.get_weights())


def test_shape_mismatch_names_the_layer_and_shapes_and_loads_nothing(tmp_path):
    source = FakeModel([dense("dense", 4, 3, 1), dense("dense_1", 3, 2, 2)])
    target = FakeModel([dense("dense", 4, 3, 3), dense("dense_1", 3, 5, 4)])
    before = target.get_weights()
    save_weights_to_hdf5(source, str(tmp_path / "w.h5"))
    with pytest.raises(ValueError) as info:
        load_weights_from_hdf5(target, str(tmp_path / "w.h5"))
    message = str(info.value)
    assert "layer #1 (named dense_1" in message and "dense_1/kernel:0" in message
    assert "(3, 5)" in message and "(3, 2)" in message
    # the first layer, which matched, was not loaded either
    assert all(layer.set_calls == 0 for layer in target.layers)
    assert_weights(target, before)


def test_layer_count_and_weight_count_mismatch(tmp_path):
    save_weights_to_hdf5(tf_keras_mlp(), str(tmp_path / "w.h5"))
    with pytest.raises(ValueError, match="Model expected 3 layers, found 2 saved layers"):
        load_weights_from_hdf5(FakeModel([dense("a", 4, 3), dense("b", 3, 2), dense("c", 2, 2)]),
                               str(tmp_path / "w.h5"))
    odd = FakeModel([FakeLayer("dense", [(4, 3)]), dense("dense_1", 3, 2)])
    with pytest.raises(ValueError, match=r"Weight count mismatch for layer #0 .*expects 1 weight\(s\). "
                                         r"Received 2 saved weight\(s\)"):
        load_weights_from_hdf5(odd, str(tmp_path / "w.h5"))


def test_by_name_loads_matching_layers_only(tmp_path):
    source = FakeModel([dense("encoder", 4, 3, 1), dense("head", 3, 2, 2)])
    save_weights_to_hdf5(source, str(tmp_path / "w.h5"))
    target = FakeModel([dense("new_head", 3, 7, 5), dense("encoder", 4, 3, 6)])
    new_head = target.layers[0].get_weights()
    load_weights_from_hdf5(target, str(tmp_path / "w.h5"), by_name=True)
    assert_weights(FakeModel([target.layers[1]]), source.layers[0].get_weights())
    assert_weights(FakeModel([target.layers[0]]), new_head)


def test_by_name_shape_mismatch_raises_or_skips(tmp_path, caplog):
    source = FakeModel([dense("encoder", 4, 3, 1), dense("head", 3, 2, 2)])
    save_weights_to_hdf5(source, str(tmp_path / "w.h5"))
    target = FakeModel([dense("encoder", 4, 3, 5), dense("head", 3, 10, 6)])
    before = target.get_weights()
    expected = (r"Shape mismatch in layer #1 \(named head\) for weight head/kernel:0. "
                r"Weight expects shape \(3, 10\). Received saved weight with shape \(3, 2\)")
    with pytest.raises(ValueError, match=expected):
        load_weights_from_hdf5(target, str(tmp_path / "w.h5"), by_name=True)
    assert_weights(target, before)
    with caplog.at_level(logging.WARNING):
        load_weights_from_hdf5(target, str(tmp_path / "w.h5"), by_name=True, skip_mismatch=True)
    assert "Skipping loading weights for layer #1 (named head) due to mismatch in shape" in caplog.text
    after = target.get_weights()
    np.testing.assert_array_equal(after[0], source.get_weights()[0])  # encoder loaded
    np.testing.assert_array_equal(after[2], before[2])  # head's kernel kept


def test_skip_mismatch_needs_by_name(tmp_path):
    save_weights_to_hdf5(tf_keras_mlp(), str(tmp_path / "w.h5"))
    with pytest.raises(ValueError, match="skip_mismatch can only be set to True when by_name is True"):
        load_weights_from_hdf5(tf_keras_mlp(), str(tmp_path / "w.h5"), skip_mismatch=True)


def test_missing_and_corrupted_files_leave_the_model_unchanged(tmp_path):
    model = tf_keras_mlp()
    before = model.get_weights()
    with pytest.raises(OSError, match="No file or directory found at"):
        load_weights_from_hdf5(model, str(tmp_path / "nope.h5"))
    garbage = tmp_path / "garbage.h5"
    garbage.write_bytes(b"this is not an HDF5 file" * 20)
    with pytest.raises(OSError, match="garbage.h5"):
        load_weights_from_hdf5(model, str(garbage))
    truncated = tmp_path / "truncated.h5"
    truncated.write_bytes((DATA / "tf_keras_mlp_weights.h5").read_bytes()[:3000])
    with pytest.raises((OSError, ValueError), match="truncated.h5"):
        load_weights_from_hdf5(model, str(truncated))
    damaged = tmp_path / "damaged.h5"
    save_weights_to_hdf5(model, str(damaged))
    with h5py.File(damaged, "a") as f:
        del f["dense_1/dense_1/bias:0"]
    with pytest.raises(ValueError, match="damaged.h5"):
        load_weights_from_hdf5(model, str(damaged))
    assert all(layer.set_calls == 0 for layer in model.layers)
    assert_weights(model, before)


class Exploding(FakeLayer):
    def get_weights(self):
        raise RuntimeError("read failed")


def test_failed_save_keeps_the_previous_file(tmp_path):
    path = tmp_path / "w.h5"
    save_weights_to_hdf5(tf_keras_mlp(seed=1), str(path))
    previous = path.read_bytes()
    broken = FakeModel([dense("dense", 4, 3), Exploding("dense_1", [(3, 2)])])
    with pytest.raises(RuntimeError, match="read failed"):
        save_weights_to_hdf5(broken, str(path))
    assert path.read_bytes() == previous
    assert os.listdir(tmp_path) == ["w.h5"]


def test_long_name_lists_are_chunked(tmp_path):
    names = [f"layer_{i:05d}_" + "x" * 200 for i in range(400)]  # ~85 KB of names
    with h5py.File(tmp_path / "a.h5", "w") as f:
        save_name_list(f, "layer_names", names)
        assert "layer_names" not in f.attrs and "layer_names0" in f.attrs and "layer_names1" in f.attrs
        assert load_name_list(f, "layer_names") == names


def test_a_killed_save_leaves_the_file_and_its_temporary_is_cleaned_later(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "w.h5"
    save_weights_to_hdf5(tf_keras_mlp(seed=1), str(path))
    previous = path.read_bytes()
    # a process killed while writing leaves only its temporary (named with its dead pid)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    orphan = tmp_path / f"w.h5.tmp-{int(dead.stdout)}-1-{'0' * 32}"
    orphan.write_bytes(b"half an HDF5 file")
    assert path.read_bytes() == previous
    save_weights_to_hdf5(tf_keras_mlp(seed=2), str(path))
    assert os.listdir(tmp_path) == ["w.h5"]
