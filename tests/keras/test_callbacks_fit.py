"""Callbacks inside a real `model.fit`: the learning rate variable really changes and `lr` is
logged, ModelCheckpoint files reload, EarlyStopping restores real weights, TensorBoard writes
the real model's weight histograms."""

import numpy as np
import pytest

from graphflow import keras

RNG = np.random.RandomState(0)
X = RNG.rand(64, 4).astype(np.float32)
Y = (X @ np.array([[1.0], [-2.0], [0.5], [0.0]], np.float32) + 0.3).astype(np.float32)


@pytest.fixture(autouse=True)
def fresh_session():
    keras.backend.clear_session()
    yield
    keras.backend.clear_session()


def model(lr=0.1):
    m = keras.Sequential([keras.layers.Dense(1, input_shape=(4,), name="dense")])
    m.compile(optimizer=keras.optimizers.SGD(lr=lr), loss="mse")
    return m


def test_reduce_lr_changes_the_optimizer_rate_and_logs_it():
    m = model()
    # a monitored quantity that never improves: a reduction every `patience` epochs
    never = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: logs.update(flat=1.0))
    plateau = keras.callbacks.ReduceLROnPlateau(monitor="flat", factor=0.5, patience=1, min_delta=0)
    history = m.fit(X, Y, epochs=4, batch_size=16, verbose=0, callbacks=[never, plateau])
    np.testing.assert_allclose(history.history["lr"], [0.1, 0.1, 0.05, 0.025], rtol=1e-6)
    assert keras.backend.get_value(m.optimizer.lr) == pytest.approx(0.0125)


def test_scheduler_sets_the_rate_used_by_training():
    m = model()
    w0 = m.get_weights()
    m.fit(X, Y, epochs=1, batch_size=64, verbose=0,
          callbacks=[keras.callbacks.LearningRateScheduler(lambda epoch: 0.0)])
    for got, want in zip(m.get_weights(), w0):  # a zero rate: nothing moves
        np.testing.assert_array_equal(got, want)


def test_checkpoint_best_only_file_holds_the_best_epoch(tmp_path):
    m = model()
    path = str(tmp_path / "best.h5")
    checkpoint = keras.callbacks.ModelCheckpoint(path, monitor="val_loss", save_best_only=True)
    history = m.fit(X, Y, epochs=5, batch_size=16, validation_split=0.25, verbose=0, callbacks=[checkpoint])
    assert checkpoint.best == pytest.approx(min(history.history["val_loss"]))
    best = keras.models.load_model(path)
    val_loss = best.evaluate(X[48:], Y[48:], verbose=0)
    assert val_loss == pytest.approx(checkpoint.best, rel=1e-5)


def test_checkpoint_missing_val_key_is_a_key_error(tmp_path):
    path = str(tmp_path / "{epoch:02d}-{val_loss:.2f}.h5")
    with pytest.raises(KeyError, match="Failed to format this callback filepath"):
        model().fit(X, Y, epochs=1, verbose=0, callbacks=[keras.callbacks.ModelCheckpoint(path)])


def test_early_stopping_restores_the_best_weights():
    m = model(lr=0.1)
    snapshots = []
    record = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(m.get_weights()))
    # a scripted monitored value: best at epoch 1, then worse
    scores = [3, 1, 2, 2, 2]
    script = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: logs.update(score=scores[epoch]))
    stopper = keras.callbacks.EarlyStopping(monitor="score", patience=2, restore_best_weights=True)
    history = m.fit(X, Y, epochs=5, batch_size=16, verbose=0, callbacks=[record, script, stopper])
    assert len(history.history["loss"]) == 4 and stopper.stopped_epoch == 3
    for got, want in zip(m.get_weights(), snapshots[1]):
        np.testing.assert_array_equal(got, want)


def test_tensorboard_on_a_real_model(tmp_path):
    pytest.importorskip("tensorboard")
    from tests.summary._read import accumulate

    m = model()
    m.fit(X, Y, epochs=2, batch_size=16, verbose=0, validation_split=0.25,
          callbacks=[keras.callbacks.TensorBoard(log_dir=str(tmp_path), histogram_freq=1, batch_size=8)])
    acc = accumulate(tmp_path)
    assert {"epoch_loss", "epoch_val_loss"} <= set(acc.Tags()["scalars"])
    assert {"dense/kernel_0", "dense/bias_0"} <= set(acc.Tags()["histograms"])
    assert acc.Histograms("dense/kernel_0")[-1].histogram_value.sum == pytest.approx(
        float(m.get_weights()[0].sum()), rel=1e-5)
    # the layer's output on the validation samples (16, one batch of batch_size 8 twice), at
    # the running count of validation batches, as Keras 2
    outputs = acc.Histograms("dense_out")
    assert [e.step for e in outputs] == [0, 1, 2, 3]
    assert [e.histogram_value.num for e in outputs] == [8, 8, 8, 8]
    assert outputs[-1].histogram_value.sum == pytest.approx(float(m.predict(X[56:]).sum()), rel=1e-5)
    assert acc.Tags()["graph"] is True


def test_checkpoint_load_weights_on_restart(tmp_path):
    import os
    import time

    pattern = str(tmp_path / "w-{epoch:02d}.h5")
    first = model()
    first.fit(X, Y, epochs=2, batch_size=16, verbose=0,
              callbacks=[keras.callbacks.ModelCheckpoint(pattern, monitor="loss", save_weights_only=True)])
    # make epoch 1's file the newest: restarting loads it, whatever its name
    later = time.time() + 5
    os.utime(tmp_path / "w-01.h5", (later, later))
    expected = keras.Sequential([keras.layers.Dense(1, input_shape=(4,), name="dense")])
    expected.load_weights(str(tmp_path / "w-01.h5"))
    second = model(lr=0.0)  # a zero rate: the weights stay what was loaded
    second.fit(X, Y, epochs=1, batch_size=64, verbose=0,
               callbacks=[keras.callbacks.ModelCheckpoint(pattern, monitor="loss", save_weights_only=True,
                                                          load_weights_on_restart=True)])
    for got, want in zip(second.get_weights(), expected.get_weights()):
        np.testing.assert_array_equal(got, want)


def test_checkpoint_load_weights_on_restart_with_nothing_saved(tmp_path):
    m = model(lr=0.0)
    before = m.get_weights()
    m.fit(X, Y, epochs=1, verbose=0, callbacks=[keras.callbacks.ModelCheckpoint(
        str(tmp_path / "none-{epoch}.h5"), monitor="loss", save_best_only=True, load_weights_on_restart=True)])
    for got, want in zip(m.get_weights(), before):
        np.testing.assert_array_equal(got, want)


def test_terminate_on_nan_stops_fit_at_the_batch(capsys):
    m = model(lr=1e20)  # diverges to inf/NaN within a few steps
    history = m.fit(X, Y * 1e10, epochs=5, batch_size=8, verbose=0,
                    callbacks=[keras.callbacks.TerminateOnNaN()])
    out = capsys.readouterr().out
    assert "Invalid loss, terminating training" in out
    assert len(history.history["loss"]) == 1 and m.stop_training
