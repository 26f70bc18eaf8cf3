"""Histogram, image and text summaries written to an event file and read back with
EventAccumulator, against values recorded from TensorFlow 2.21's tf.compat.v1 kernels."""

import io

import numpy as np
import pytest
from PIL import Image

import graphflow as tf

from ._read import accumulate

# tf.compat.v1.summary.histogram of DATA (float32), TF 2.21: TF1's default buckets with runs
# of empty buckets collapsed
DATA = [-3.5, -0.25, 0.0, 0.0, 1e-3, 0.5, 0.5, 2.0, 7.0, 100.0]
TF_LIMITS = [-3.8315657995195243, -3.48324163592684, -0.2656936063469233, -0.24153964213356663,
             0.0, 1e-12, 0.0009598705768327891, 0.001055857634516068, 0.47069243095356195,
             0.5177616740489182, 1.9661990955585713, 2.1628190051144287, 6.7878525393626115,
             7.466637793298873, 97.88757810018231, 107.67633591020055, 1.7976931348623157e+308]
TF_COUNTS = [0.0, 1.0, 0.0, 1.0, 0.0, 2.0, 0.0, 1.0, 0.0, 2.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]
TF_MIN, TF_MAX, TF_NUM, TF_SUM, TF_SUM_SQUARES = -3.5, 100.0, 10.0, 106.2510000000475, 10065.812501


def _write(tmp_path, summary, step=0):
    with tf.Session() as sess, tf.summary.FileWriter(str(tmp_path)) as writer:
        writer.add_summary(sess.run(summary), global_step=step)
    return accumulate(tmp_path)


def test_histogram_matches_tensorflow_buckets(graph, tmp_path):
    acc = _write(tmp_path, tf.summary.histogram("weights", tf.constant(DATA, tf.float32)), step=7)
    (event,) = acc.Histograms("weights")
    h = event.histogram_value
    assert event.step == 7
    np.testing.assert_allclose(h.bucket_limit, TF_LIMITS, rtol=1e-12)
    assert list(h.bucket) == TF_COUNTS
    np.testing.assert_allclose([h.min, h.max, h.num, h.sum, h.sum_squares],
                               [TF_MIN, TF_MAX, TF_NUM, TF_SUM, TF_SUM_SQUARES], rtol=1e-9)


def test_histogram_of_nan_is_tf1_error(graph):
    h = tf.summary.histogram("w", tf.constant([1.0, np.nan]))
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="Nan in summary histogram for: w"):
        sess.run(h)


def _pixels(image_event):
    return np.asarray(Image.open(io.BytesIO(image_event.encoded_image_string)))


@pytest.mark.parametrize("data, expected", [
    # recorded from tf.compat.v1.summary.image (TF 2.21): with negatives, 127/max|x| around 128;
    # else 255/max; truncated to uint8
    ([[-1.0, 0.5], [0.25, 2.0]], [[64, 159], [143, 255]]),
    ([[0.0, 0.3], [0.7, 3.0]], [[0, 25], [59, 255]]),
])
def test_float_image_scaled_as_tensorflow(graph, tmp_path, data, expected):
    images = np.asarray(data, np.float32)[None, :, :, None]
    acc = _write(tmp_path, tf.summary.image("im", tf.constant(images), max_outputs=1))
    assert acc.Tags()["images"] == ["im/image"]
    (event,) = acc.Images("im/image")
    assert (event.height, event.width) == (2, 2)
    np.testing.assert_array_equal(_pixels(event), expected)


def test_uint8_rgb_images_max_outputs(graph, tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (4, 5, 7, 3)).astype(np.uint8)
    acc = _write(tmp_path, tf.summary.image("batch", tf.constant(images), max_outputs=2))
    assert sorted(acc.Tags()["images"]) == ["batch/image/0", "batch/image/1"]
    for k in range(2):
        (event,) = acc.Images(f"batch/image/{k}")
        assert (event.height, event.width) == (5, 7)
        np.testing.assert_array_equal(_pixels(event), images[k])


def test_image_rank_checked_at_build(graph):
    with pytest.raises(ValueError, match="4-D with last dim 1, 3, or 4"):
        tf.summary.image("bad", tf.zeros([2, 3, 3]))


def test_text_summary_read_back(graph, tmp_path):
    acc = _write(tmp_path, tf.summary.text("note", tf.constant(["hello", "wörld"])))
    (event,) = acc.Tensors("note")
    assert list(event.tensor_proto.string_val) == [b"hello", "wörld".encode()]
    assert [d.size for d in event.tensor_proto.tensor_shape.dim] == [2]
    assert acc.SummaryMetadata("note").plugin_data.plugin_name == "text"


def test_merge_duplicate_tag_is_error(graph):
    a = tf.summary.scalar("a", 1.0)
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match="Duplicate tag a"):
        sess.run(tf.summary.merge([a, a]))


def test_image_tags_numbered_when_several_requested(graph, tmp_path):
    acc = _write(tmp_path, tf.summary.image("one", tf.zeros([1, 2, 2, 1]), max_outputs=3))
    assert acc.Tags()["images"] == ["one/image/0"]  # as TF1: by max_outputs, not batch size


# tf.compat.v1.summary.audio("au", [[0, .5, -.5, 1, -1, .25]], 8000.0, max_outputs=1), TF 2.21
TF_WAV = bytes.fromhex("524946463000000057415645666d74201000000001000100401f0000803e0000020010006461"
                       "74610c0000000000004000c0ff7f00800020")


def test_audio_matches_tensorflow_wav(graph, tmp_path):
    import wave

    clip = tf.constant([[0.0, 0.5, -0.5, 1.0, -1.0, 0.25]], tf.float32)
    acc = _write(tmp_path, tf.summary.audio("au", clip, 8000.0, max_outputs=1))
    (event,) = acc.Audio("au/audio")
    assert (event.sample_rate, event.length_frames, event.content_type) == (8000.0, 6, "audio/wav")
    assert event.encoded_audio_string == TF_WAV
    with wave.open(io.BytesIO(event.encoded_audio_string)) as w:
        assert (w.getnchannels(), w.getframerate(), w.getnframes()) == (1, 8000, 6)
        frames = np.frombuffer(w.readframes(6), "<i2")
    np.testing.assert_array_equal(frames, [0, 16384, -16384, 32767, -32768, 8192])


def test_tensor_summary_round_trips_values(graph, tmp_path):
    from tensorboard.util import tensor_util

    values = np.arange(6, dtype=np.float32).reshape(2, 3) / 4
    acc = _write(tmp_path, tf.summary.tensor_summary("t", tf.constant(values),
                                                     summary_description="six numbers"))
    (event,) = acc.Tensors("t")
    np.testing.assert_array_equal(tensor_util.make_ndarray(event.tensor_proto), values)
    assert acc.SummaryMetadata("t").summary_description == "six numbers"


def test_text_of_numbers_is_tf1_error(graph):
    with pytest.raises(ValueError, match="to have dtype string, got float32"):
        tf.summary.text("n", tf.constant([1.0]))
