"""Saver safety: a planted `checkpoint` state file never makes `max_to_keep` delete files
outside the Saver's own checkpoints, concurrent saves from several threads never fail or leak
files, and a Saver cannot be added to a finalized graph (TF1's RuntimeError)."""

from __future__ import annotations

import os
import threading
import time

import numpy as np
import pytest

import graphflow as tf
from graphflow.train import atomic_files


def _victim(tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    for name in ("x.safetensors", "x.meta", "model.ckpt-1.safetensors", "model.ckpt-1.meta"):
        (victim / name).write_bytes(b"precious")
    return victim


def test_planted_state_file_never_deletes_outside_the_saver_checkpoints(graph, tmp_path):
    victim = _victim(tmp_path)
    ckpt = tmp_path / "ckpt"
    (ckpt / "sub").mkdir(parents=True)
    for name in ("other-3.safetensors", "other-3.meta", "model.ckpt-7x.safetensors",
                 "sub/model.ckpt-2.safetensors"):
        (ckpt / name).write_bytes(b"precious")
    (ckpt / "model.ckpt-5.safetensors").write_bytes(b"own")  # what this Saver may adopt
    planted = [str(victim / "x"), "../victim/x", "../victim/model.ckpt-1", "other-3",
               "model.ckpt-7x", "sub/model.ckpt-2", "model.ckpt-5"]
    (ckpt / "checkpoint").write_text("".join(
        f'all_model_checkpoint_paths: "{p}"\n' for p in planted)
        + 'model_checkpoint_path: "../victim/x"\n')
    tf.Variable(np.float32(1.0), name="v")
    saver = tf.train.Saver(max_to_keep=1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in (10, 11, 12):
            saver.save(sess, str(ckpt / "model.ckpt"), global_step=step)
    assert sorted(os.listdir(victim)) == ["model.ckpt-1.meta", "model.ckpt-1.safetensors",
                                          "x.meta", "x.safetensors"]
    assert all((victim / f).read_bytes() == b"precious" for f in os.listdir(victim))
    for name in ("other-3.safetensors", "other-3.meta", "model.ckpt-7x.safetensors",
                 "sub/model.ckpt-2.safetensors"):
        assert (ckpt / name).read_bytes() == b"precious", name
    # its own earlier checkpoint was adopted and retired by max_to_keep, as before
    assert not (ckpt / "model.ckpt-5.safetensors").exists()
    assert saver.last_checkpoints == [str(ckpt / "model.ckpt-12")]
    state = tf.train.get_checkpoint_state(str(ckpt))
    assert state.all_model_checkpoint_paths == [str(ckpt / "model.ckpt-12")]


def test_four_threads_saving_into_one_directory(graph, tmp_path):
    threads_n, saves_n, keep = 4, 25, 3
    tf.Variable(np.arange(4, dtype=np.float32), name="v")
    tf.Variable(np.int64(0), name="step")
    saver = tf.train.Saver(max_to_keep=keep)
    prefix = str(tmp_path / "model.ckpt")
    failures: list[BaseException] = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())

        def work(t: int) -> None:
            try:
                for k in range(saves_n):
                    saver.save(sess, prefix, global_step=t * 1000 + k)
            except BaseException as e:  # noqa: BLE001 - collected and reported below
                failures.append(e)

        workers = [threading.Thread(target=work, args=(t,)) for t in range(threads_n)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    assert not failures, failures
    listed = tf.train.get_checkpoint_state(str(tmp_path)).all_model_checkpoint_paths
    assert len(listed) == keep and listed == saver.last_checkpoints
    for path in listed:
        reader = tf.train.NewCheckpointReader(path)
        np.testing.assert_array_equal(reader.get_tensor("v"), np.arange(4, dtype=np.float32))
        assert reader.get_tensor("step") == 0
        assert os.path.exists(path + ".meta")
    files = sorted(os.listdir(tmp_path))
    expected = sorted(["checkpoint"] + [os.path.basename(p) + s for p in listed
                                        for s in (".safetensors", ".meta")])
    assert files == expected  # no orphans, no temporaries
    assert tf.train.latest_checkpoint(str(tmp_path)) == listed[-1]


def test_in_flight_temporaries_survive_orphan_cleanup(tmp_path):
    live = atomic_files.temp_name(str(tmp_path / "model.ckpt-1.safetensors"))
    open(live, "wb").close()
    dead = str(tmp_path / ("model.ckpt-2.safetensors.tmp-999999999-1-" + "0" * 32))
    open(dead, "wb").close()
    old = atomic_files.temp_name(str(tmp_path / "model.ckpt-3.meta"))
    open(old, "wb").close()
    stamp = time.time() - atomic_files.ORPHAN_AGE_S - 60
    os.utime(old, (stamp, stamp))
    foreign = str(tmp_path / ("notes.txt.tmp-999999999-1-" + "0" * 32))
    open(foreign, "wb").close()
    removed = atomic_files.remove_orphans(str(tmp_path), ["model.ckpt"])
    assert sorted(removed) == sorted([dead, old])
    assert os.path.exists(live) and os.path.exists(foreign)


def test_saver_on_a_finalized_graph_is_a_runtime_error(graph):
    tf.Variable(1.0, name="v")
    graph.finalize()
    with pytest.raises(RuntimeError, match="Graph is finalized and cannot be modified."):
        tf.train.Saver()
