"""The TensorBoard callback's event files, read back with TensorBoard's EventAccumulator: TF1-era
Keras tags (`epoch_<key>`, `batch_<key>`, weight histograms named after the weights), steps,
images and the graph."""

import numpy as np
import pytest

import graphflow as tf
from graphflow.keras.callbacks import TensorBoard, tensorboard
from tests.keras.scripted import FakeModel, run_epochs

pytest.importorskip("tensorboard")
from tests.summary._read import accumulate  # noqa: E402


class VariableLayer:
    def __init__(self, name, weights):
        self.name = name
        self.weights = weights


@pytest.fixture
def model_and_session(monkeypatch):
    graph = tf.Graph()
    with graph.as_default():
        with tf.variable_scope("dense"):
            kernel = tf.get_variable("kernel", initializer=np.arange(6, dtype=np.float32).reshape(3, 2))
            bias = tf.get_variable("bias", initializer=np.array([0.5, -0.5], np.float32))
        with tf.variable_scope("conv2d"):
            conv = tf.get_variable("kernel", initializer=np.ones((3, 3, 1, 4), np.float32))
        session = tf.Session(graph=graph)
        session.run(tf.global_variables_initializer())
    monkeypatch.setattr(tensorboard, "_keras_session", lambda: session)
    model = FakeModel()
    model.layers = [VariableLayer("dense", [kernel, bias]), VariableLayer("flatten", []),
                    VariableLayer("conv2d", [conv])]
    yield model, session
    session.close()


LOGS = [{"loss": 1.0, "acc": 0.5, "val_loss": 1.25}, {"loss": 0.5, "acc": 0.75, "val_loss": 1.0},
        {"loss": 0.25, "acc": 1.0, "val_loss": 0.75}]


def scalars(acc, tag):
    return [(e.step, e.value) for e in acc.Scalars(tag)]


def test_epoch_scalars_histograms_images_and_graph(tmp_path, model_and_session):
    model, _ = model_and_session
    callback = TensorBoard(log_dir=str(tmp_path), histogram_freq=2, write_images=True)
    run_epochs([callback], LOGS, model=model, batches=2)
    acc = accumulate(tmp_path)
    tags = acc.Tags()
    assert sorted(tags["scalars"]) == ["epoch_acc", "epoch_loss", "epoch_val_loss"]
    assert scalars(acc, "epoch_loss") == [(0, 1.0), (1, 0.5), (2, 0.25)]
    assert scalars(acc, "epoch_val_loss") == [(0, 1.25), (1, 1.0), (2, 0.75)]
    assert sorted(tags["histograms"]) == ["conv2d/kernel_0", "dense/bias_0", "dense/kernel_0"]
    kernel = acc.Histograms("dense/kernel_0")
    assert [e.step for e in kernel] == [0, 2]  # every histogram_freq epochs
    assert kernel[0].histogram_value.num == 6 and kernel[0].histogram_value.max == 5.0
    assert kernel[0].histogram_value.sum == 15.0
    # the image op comes second under the weight's name, so its name scope (and so its tag) gets
    # TF1's `_1` suffix, as in TF1 Keras' TensorBoard
    assert sorted(tags["images"]) == ["conv2d/kernel_0_1/image/0", "conv2d/kernel_0_1/image/1",
                                      "conv2d/kernel_0_1/image/2", "dense/bias_0_1/image/0",
                                      "dense/kernel_0_1/image/0"]
    # a [3, 2] dense kernel is shown transposed (wide), a bias as one column, a conv kernel as one
    # 3x3 image per output channel (max_outputs 3)
    image = acc.Images("dense/kernel_0_1/image/0")[0]
    assert (image.height, image.width) == (2, 3)
    bias = acc.Images("dense/bias_0_1/image/0")[0]
    assert (bias.height, bias.width) == (2, 1)
    conv = acc.Images("conv2d/kernel_0_1/image/0")[0]
    assert (conv.height, conv.width) == (3, 3)
    assert tags["graph"] is True


def test_batch_update_freq(tmp_path, model_and_session):
    model, _ = model_and_session
    run_epochs([TensorBoard(log_dir=str(tmp_path), update_freq="batch", write_graph=False)], LOGS[:2],
               model=model, batches=3, batch_size=4)
    acc = accumulate(tmp_path)
    assert "batch_batch" not in acc.Tags()["scalars"] and "batch_size" not in acc.Tags()["scalars"]
    assert [step for step, _ in scalars(acc, "batch_loss")] == [0, 1, 2, 3, 4, 5]
    # not 'epoch': epoch scalars are at the number of samples seen
    assert [step for step, _ in scalars(acc, "epoch_loss")] == [12, 24]
    assert acc.Tags()["graph"] is False


def test_integer_update_freq_counts_samples(tmp_path, model_and_session):
    model, _ = model_and_session
    run_epochs([TensorBoard(log_dir=str(tmp_path), update_freq=10)], LOGS[:2], model=model, batches=3,
               batch_size=4)
    # 4 samples a batch: written when 12 samples have been seen since the last write
    assert [step for step, _ in scalars(accumulate(tmp_path), "batch_loss")] == [2, 5]


def test_bad_update_freq():
    with pytest.raises(ValueError, match="update_freq"):
        TensorBoard(update_freq="sometimes")
