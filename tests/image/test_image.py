"""tf.image on single images and batches against numpy: flips, crops, padding, resizing,
brightness/contrast/standardization, and projective transforms (shift, rotation)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import graphflow as tf

RNG = np.random.default_rng(21)
IMAGE = RNG.normal(size=(5, 6, 3))
BATCH = RNG.normal(size=(4, 5, 6, 3))


def _run(fetches):
    with tf.Session() as sess:
        return sess.run(fetches)


def test_flips_on_images_and_batches(graph):
    lr, ud, blr = _run([tf.image.flip_left_right(IMAGE), tf.image.flip_up_down(IMAGE),
                        tf.image.flip_left_right(BATCH)])
    np.testing.assert_array_equal(lr, IMAGE[:, ::-1])
    np.testing.assert_array_equal(ud, IMAGE[::-1])
    np.testing.assert_array_equal(blr, BATCH[:, :, ::-1])


def test_random_flips_flip_each_image_or_not_reproducibly(graph):
    tf.set_random_seed(5)
    batch = RNG.normal(size=(200, 2, 3, 1))
    flipped = tf.image.random_flip_left_right(batch)
    single = tf.image.random_flip_up_down(IMAGE, seed=2)
    got, again = _run(flipped), _run(flipped)
    same = np.all(got == batch, axis=(1, 2, 3))
    mirrored = np.all(got == batch[:, :, ::-1], axis=(1, 2, 3))
    assert np.all(same | mirrored) and 70 < mirrored.sum() < 130
    np.testing.assert_array_equal(got, again)  # the graph seed fixes the draws per session
    one = _run(single)
    assert np.array_equal(one, IMAGE) or np.array_equal(one, IMAGE[::-1])


def test_random_crop_is_a_window_of_the_input(graph):
    crop = tf.image.random_crop(IMAGE, [3, 4, 3], seed=1)
    assert crop.shape.as_list() == [3, 4, 3]
    for _ in range(5):
        got = _run(crop)
        windows = [IMAGE[i:i + 3, j:j + 4] for i in range(3) for j in range(3)]
        assert any(np.array_equal(got, w) for w in windows)


def test_bounding_boxes_and_crop_or_pad(graph):
    crop = tf.image.crop_to_bounding_box(BATCH, 1, 2, 3, 3)
    padded = tf.image.pad_to_bounding_box(IMAGE, 2, 1, 9, 8)
    tall = tf.image.resize_image_with_crop_or_pad(IMAGE, 9, 4)
    assert crop.shape.as_list() == [4, 3, 3, 3] and padded.shape.as_list() == [9, 8, 3]
    got_crop, got_pad, got_tall = _run([crop, padded, tall])
    np.testing.assert_array_equal(got_crop, BATCH[:, 1:4, 2:5])
    expected = np.zeros((9, 8, 3))
    expected[2:7, 1:7] = IMAGE
    np.testing.assert_array_equal(got_pad, expected)
    expected = np.zeros((9, 4, 3))
    expected[2:7] = IMAGE[:, 1:5]
    np.testing.assert_array_equal(got_tall, expected)


def test_resize_modes_against_hand_computed_values(graph):
    row = np.array([0.0, 10.0, 20.0]).reshape(1, 1, 3, 1)
    legacy, corners, half, nearest = _run([
        tf.image.resize_images(row, [1, 6]),
        tf.image.resize_images(row, [1, 5], align_corners=True),
        tf.image.resize_bilinear(row, [1, 6], half_pixel_centers=True),
        tf.image.resize_images(row, [1, 6], tf.image.ResizeMethod.NEAREST_NEIGHBOR)])
    np.testing.assert_allclose(legacy.ravel(), [0, 5, 10, 15, 20, 20])  # src = dst * 3/6
    np.testing.assert_allclose(corners.ravel(), [0, 5, 10, 15, 20])
    np.testing.assert_allclose(half.ravel(), [0, 2.5, 7.5, 12.5, 17.5, 20])  # half-pixel
    np.testing.assert_allclose(nearest.ravel(), [0, 0, 10, 10, 20, 20])
    assert tf.image.resize_images(IMAGE, [7, 9]).shape.as_list() == [7, 9, 3]
    assert tf.image.resize is tf.image.resize_images  # TF 1.15: one function


def test_resize_gradient_is_the_adjoint(graph):
    x = tf.constant(BATCH)
    for method in ("bilinear", "nearest"):
        y = tf.image.resize_images(x, [7, 4], method)
        w = RNG.normal(size=(4, 7, 4, 3))
        (g,) = tf.gradients(tf.reduce_sum(y * w), [x])
        out, grad = _run([y, g])
        # <resize(x), w> is linear in x: its gradient dotted with x gives it back
        assert np.sum(out * w) == pytest.approx(np.sum(grad * BATCH), rel=1e-10)


def test_brightness_contrast_and_standardization(graph):
    bright, contrast, standard, single = _run([
        tf.image.adjust_brightness(BATCH, 0.5), tf.image.adjust_contrast(BATCH, 2.0),
        tf.image.per_image_standardization(BATCH), tf.image.per_image_standardization(IMAGE)])
    np.testing.assert_allclose(bright, BATCH + 0.5)
    mean = BATCH.mean(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(contrast, (BATCH - mean) * 2 + mean, rtol=1e-12)
    flat = BATCH.reshape(4, -1)
    expected = (flat - flat.mean(1, keepdims=True)) / flat.std(1, keepdims=True)
    np.testing.assert_allclose(standard.reshape(4, -1), expected, rtol=1e-10)
    np.testing.assert_allclose(single, (IMAGE - IMAGE.mean()) / IMAGE.std(), rtol=1e-10)
    rb = _run(tf.image.random_brightness(BATCH, 0.3, seed=4)) - BATCH
    assert np.allclose(rb, rb.flat[0]) and abs(rb.flat[0]) <= 0.3
    with pytest.raises(ValueError):
        tf.image.random_contrast(BATCH, 1.0, 0.5)


def test_translate_and_rotate(graph):
    square = RNG.normal(size=(2, 5, 5, 1))
    shifted, rotated, identity, bilinear = _run([
        tf.contrib.image.translate(square, [[2, -1], [0, 1]]),
        tf.contrib.image.rotate(square, math.pi / 2),
        tf.image.transform(square, [1, 0, 0, 0, 1, 0, 0, 0]),
        tf.image.translate(square, [0.5, 0.0], interpolation="BILINEAR")])
    expected = np.zeros_like(square)  # output (x, y) reads input (x - dx, y - dy)
    expected[0, :4, 2:] = square[0, 1:, :3]
    expected[1, 1:] = square[1, :-1]
    np.testing.assert_allclose(shifted, expected)
    np.testing.assert_allclose(rotated[..., 0], np.rot90(square[..., 0], 1, axes=(1, 2)),
                               atol=1e-6)
    np.testing.assert_array_equal(identity, square)
    half = 0.5 * square[:, :, 1:] + 0.5 * square[:, :, :-1]
    np.testing.assert_allclose(bilinear[:, :, 1:], half, rtol=1e-6, atol=1e-6)
