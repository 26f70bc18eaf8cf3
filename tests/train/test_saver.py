"""tf.train.Saver: round trips, retention, partial and renamed restores, and every error path
leaving the session's variables and the previous checkpoint intact."""

from __future__ import annotations

import os

import numpy as np
import pytest

import graphflow as tf

DTYPES = [np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64, np.uint8,
          np.uint16, np.bool_]


def _values_for(dtype, shape, rng):
    if dtype is np.bool_:
        return rng.random(shape) > 0.5
    if np.dtype(dtype).kind in "iu":
        return rng.integers(0, 100, size=shape).astype(dtype)
    return rng.normal(size=shape).astype(dtype)


def test_round_trip_every_dtype_scalar_empty_and_non_contiguous(graph, tmp_path):
    rng = np.random.default_rng(0)
    values = {}
    for i, dtype in enumerate(DTYPES):
        for shape in [(), (0, 3), (3, 4)]:
            values[f"v{i}_{len(shape)}_{sum(shape)}"] = _values_for(dtype, shape, rng)
    values["transposed"] = np.arange(12.0).reshape(3, 4).T  # a non-contiguous view
    variables = {k: tf.Variable(v, name=k) for k, v in values.items()}
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = saver.save(sess, str(tmp_path / "all"))
    with tf.Session() as sess:
        saver.restore(sess, path)
        for name, var in variables.items():
            got = sess.run(var)
            assert got.dtype == values[name].dtype and got.shape == values[name].shape, name
            np.testing.assert_array_equal(got, values[name], err_msg=name)
    assert tf.train.load_variable(path, "transposed").tolist() == values["transposed"].tolist()


def _model(tmp_path, max_to_keep=5, **kwargs):
    w = tf.Variable(np.zeros((2, 3), np.float32), name="w")
    step = tf.train.get_or_create_global_step()
    bump = tf.group(tf.assign_add(w, tf.ones_like(w)), tf.assign_add(step, 1))
    saver = tf.train.Saver(max_to_keep=max_to_keep, **kwargs)
    return w, step, bump, saver, str(tmp_path / "model.ckpt")


def test_save_names_retention_and_state_file(graph, tmp_path):
    w, step, bump, saver, prefix = _model(tmp_path, max_to_keep=2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        paths = []
        for _ in range(4):
            sess.run(bump)
            paths.append(saver.save(sess, prefix, global_step=step))
        last = saver.save(sess, prefix, global_step=99, write_meta_graph=False)
    assert paths == [f"{prefix}-{i}" for i in (1, 2, 3, 4)] and last == f"{prefix}-99"
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "model.ckpt-4.meta",
                                            "model.ckpt-4.safetensors", "model.ckpt-99.safetensors"]
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == last
    assert state.all_model_checkpoint_paths == [paths[-1], last]
    assert tf.train.latest_checkpoint(str(tmp_path)) == last
    text = (tmp_path / "checkpoint").read_text()
    assert 'model_checkpoint_path: "model.ckpt-99"' in text and str(tmp_path) not in text
    assert tf.train.list_variables(str(tmp_path)) == [("global_step", []), ("w", [2, 3])]
    np.testing.assert_array_equal(tf.train.load_variable(str(tmp_path), "w:0"),
                                  np.full((2, 3), 4.0, np.float32))


def test_max_to_keep_holds_across_restarts_and_dirs_can_move(graph, tmp_path):
    source = tmp_path / "a"
    source.mkdir()
    w, step, bump, saver, prefix = _model(source, max_to_keep=3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(bump)
            saver.save(sess, prefix, global_step=step)
    moved = tmp_path / "b"
    os.rename(source, moved)  # relative paths: the directory still works where it lands
    assert tf.train.latest_checkpoint(str(moved)) == str(moved / "model.ckpt-3")
    fresh = tf.train.Saver(max_to_keep=3)  # as in a new process
    with tf.Session() as sess:
        fresh.restore(sess, tf.train.latest_checkpoint(str(moved)))
        assert sess.run(step) == 3
        for _ in range(2):
            sess.run(bump)
            fresh.save(sess, str(moved / "model.ckpt"), global_step=step)
    kept = sorted(f for f in os.listdir(moved) if f.endswith(".safetensors"))
    assert kept == ["model.ckpt-3.safetensors", "model.ckpt-4.safetensors",
                    "model.ckpt-5.safetensors"]
    assert fresh.last_checkpoints == [str(moved / f"model.ckpt-{i}") for i in (3, 4, 5)]


def test_keep_all_files_with_max_to_keep_none(graph, tmp_path):
    w, step, bump, saver, prefix = _model(tmp_path, max_to_keep=None)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(3):
            saver.save(sess, prefix, global_step=i, write_meta_graph=False)
    assert len([f for f in os.listdir(tmp_path) if f.endswith(".safetensors")]) == 3
    assert tf.train.get_checkpoint_state(str(tmp_path)).all_model_checkpoint_paths == \
        [f"{prefix}-2"]


def test_partial_restore_and_restore_under_other_names(graph, tmp_path):
    a = tf.Variable([1.0, 2.0], name="a")
    b = tf.Variable([3.0, 4.0, 5.0], name="b")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = tf.train.Saver().save(sess, str(tmp_path / "m"))
    renamed = tf.Variable(np.zeros(3, np.float32), name="renamed")
    with tf.Session() as sess:
        sess.run(renamed.initializer)
        tf.train.Saver({"b": renamed}).restore(sess, path)
        tf.train.Saver([a]).restore(sess, path)
        np.testing.assert_array_equal(sess.run(renamed), [3.0, 4.0, 5.0])
        np.testing.assert_array_equal(sess.run(a), [1.0, 2.0])
        with pytest.raises(tf.errors.FailedPreconditionError):
            sess.run(b)  # not in the partial var_list: untouched, still uninitialized


def _saved(tmp_path):
    """A checkpoint of w = [[1, 2, 3]] and c = 7 (int32), and a session where they differ."""
    w = tf.Variable(np.array([[1.0, 2.0, 3.0]], np.float32), name="w")
    c = tf.Variable(np.int32(7), name="c")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = tf.train.Saver().save(sess, str(tmp_path / "m"))
    return w, c, path


def _assert_untouched(sess, w):
    np.testing.assert_array_equal(sess.run(w), [[-1.0, -1.0, -1.0]])


def test_missing_variables_are_all_named_and_nothing_changes(graph, tmp_path):
    w, _, path = _saved(tmp_path)
    extra1 = tf.Variable(0.0, name="extra1")
    tf.Variable(0.0, name="extra2")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(w.assign([[-1.0, -1.0, -1.0]]))
        with pytest.raises(tf.errors.NotFoundError, match="extra1, extra2"):
            tf.train.Saver().restore(sess, path)
        _assert_untouched(sess, w)
        assert sess.run(extra1) == 0.0


def test_shape_and_dtype_mismatches_name_variable_and_both_shapes(graph, tmp_path):
    _saved(tmp_path)
    path = str(tmp_path / "m")
    with tf.Graph().as_default():
        w = tf.Variable(np.full((1, 3), -1.0, np.float32), name="w")
        wide = tf.Variable(np.zeros((2, 3), np.float32), name="wide")
        c64 = tf.Variable(np.int64(0), name="c64")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match=r"'wide' has shape \[2,3\] in the graph but \[1,3\]"):
                tf.train.Saver({"w": wide}).restore(sess, path)
            with pytest.raises(tf.errors.InvalidArgumentError, match="int64 .* int32"):
                tf.train.Saver({"w": w, "c": c64}).restore(sess, path)
            _assert_untouched(sess, w)


def test_corrupted_and_truncated_files_are_data_loss(graph, tmp_path):
    w, _, path = _saved(tmp_path)
    data = tmp_path / "m.safetensors"
    good = data.read_bytes()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(w.assign([[-1.0, -1.0, -1.0]]))
        flipped = bytearray(good)
        flipped[-1] ^= 0x40  # one bit of the last tensor's last byte
        data.write_bytes(bytes(flipped))
        with pytest.raises(tf.errors.DataLossError, match="checksum does not match"):
            tf.train.Saver().restore(sess, path)
        data.write_bytes(good[:-5])
        with pytest.raises(tf.errors.DataLossError, match="truncated or corrupted"):
            tf.train.Saver().restore(sess, path)
        _assert_untouched(sess, w)
        data.write_bytes(good)
        tf.train.Saver().restore(sess, path)
        np.testing.assert_array_equal(sess.run(w), [[1.0, 2.0, 3.0]])


def test_bad_paths_and_arguments(graph, tmp_path):
    w = tf.Variable(1.0, name="w")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="None"):
            saver.restore(sess, None)
        with pytest.raises(ValueError, match="not a valid checkpoint"):
            saver.restore(sess, str(tmp_path / "nothing"))
        with pytest.raises(ValueError, match="doesn't exist"):
            saver.save(sess, str(tmp_path / "no" / "dir" / "m"))
        with pytest.raises(tf.errors.FailedPreconditionError, match="w"):
            saver.save(sess, str(tmp_path / "m"))  # uninitialized: nothing is written
    assert os.listdir(tmp_path) == []
    with pytest.raises(tf.errors.NotFoundError):
        tf.train.list_variables(str(tmp_path / "nothing"))
    with pytest.raises(ValueError, match="checkpoints"):
        tf.train.list_variables(str(tmp_path))
    assert tf.train.latest_checkpoint(str(tmp_path)) is None
    with pytest.raises(TypeError):
        tf.train.Saver([w.value()])
    with pytest.raises(ValueError, match="same name"):
        tf.train.Saver([w, w])
    with tf.Graph().as_default(), pytest.raises(ValueError, match="No variables"):
        tf.train.Saver()


def test_unreadable_state_file_is_ignored(graph, tmp_path):
    (tmp_path / "checkpoint").write_text("garbage\n")
    assert tf.train.get_checkpoint_state(str(tmp_path)) is None
    assert tf.train.latest_checkpoint(str(tmp_path)) is None


def test_files_are_plain_safetensors(graph, tmp_path):
    from safetensors.numpy import load_file, save_file

    w, c, path = _saved(tmp_path)
    loaded = load_file(path + ".safetensors")
    np.testing.assert_array_equal(loaded["w"], [[1.0, 2.0, 3.0]])
    assert loaded["c"].dtype == np.int32
    save_file({"w": np.full((1, 3), 5.0, np.float32), "c": np.array(3, np.int32)},
              str(tmp_path / "foreign.safetensors"))
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, str(tmp_path / "foreign"))
        assert sess.run(c) == 3


def test_keep_checkpoint_every_n_hours(graph, tmp_path, monkeypatch):
    clock = iter([0.0, 1000.0, 2000.0, 4000.0, 5000.0, 8000.0])
    import graphflow.train.saver as saver_module

    monkeypatch.setattr(saver_module, "time", type("Clock", (), {
        "time": staticmethod(lambda: next(clock))}))
    w, step, bump, saver, prefix = _model(tmp_path, max_to_keep=1,
                                          keep_checkpoint_every_n_hours=1.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(1, 6):  # saved at t = 1000, 2000, 4000, 5000, 8000 s
            saver.save(sess, prefix, global_step=i, write_meta_graph=False)
    # Each checkpoint leaving the window is kept if it is past the next hourly mark (3600 s,
    # then 7200 s): only the one of t = 4000 s is.
    kept = sorted(f for f in os.listdir(tmp_path) if f.endswith(".safetensors"))
    assert kept == ["model.ckpt-3.safetensors", "model.ckpt-5.safetensors"]
    assert saver.last_checkpoints == [f"{prefix}-5"]
