"""tf.image.convert_image_dtype, rgb_to_grayscale and grayscale_to_rgb against numpy
references of TF1's rules (scale by dtype max, + 0.5 before a float-to-int cast, power-of-two
factors between integer types, luma weights 0.2989 / 0.5870 / 0.1140)."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf

RNG = np.random.RandomState(0)
PIXELS = RNG.randint(0, 256, size=(2, 3, 4, 3)).astype(np.uint8)


def run(tensor):
    with tf.Session() as sess:
        return sess.run(tensor)


def test_integer_to_float_scales_by_the_maximum(graph):
    out = run(tf.image.convert_image_dtype(tf.constant(PIXELS), tf.float32))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, PIXELS.astype(np.float32) * np.float32(1 / 255))
    assert run(tf.image.convert_image_dtype(tf.constant(PIXELS), "float64")).max() <= 1.0


def test_float_to_integer_rounds_with_half_and_saturates_on_request(graph):
    values = np.array([0.0, 0.2, 0.5, 0.999, 1.0, 1.1, -0.1], np.float32)
    plain = run(tf.image.convert_image_dtype(tf.constant(values[:5]), tf.uint8))
    np.testing.assert_array_equal(plain, (values[:5] * np.float32(255.5)).astype(np.uint8))
    assert plain[-1] == 255  # 1.0 maps to the maximum
    saturated = run(tf.image.convert_image_dtype(tf.constant(values), tf.uint8, saturate=True))
    np.testing.assert_array_equal(saturated[-2:], [255, 0])


def test_between_integer_types_by_power_of_two_factors(graph):
    wide = np.array([0, 5, 2 ** 31 - 1, 2 ** 20], np.int32)
    np.testing.assert_array_equal(run(tf.image.convert_image_dtype(tf.constant(wide), tf.uint8)),
                                  (wide // 2 ** 23).astype(np.uint8))  # 2^31 / 2^8
    narrow = PIXELS[0, 0]
    np.testing.assert_array_equal(run(tf.image.convert_image_dtype(tf.constant(narrow), tf.int32)),
                                  narrow.astype(np.int32) * 2 ** 23)


def test_same_dtype_is_the_input_and_names_follow_tf1(graph):
    image = tf.constant(PIXELS)
    assert tf.image.convert_image_dtype(image, tf.uint8) is image
    assert tf.image.convert_image_dtype(image, tf.float32).name == "convert_image:0"
    assert tf.image.rgb_to_grayscale(image).name == "rgb_to_grayscale:0"


def test_rgb_to_grayscale_and_back(graph):
    weights = np.array([0.2989, 0.5870, 0.1140], np.float32)
    floats = PIXELS.astype(np.float32) / 255
    gray = run(tf.image.rgb_to_grayscale(tf.constant(floats)))
    assert gray.shape == (2, 3, 4, 1)
    np.testing.assert_allclose(gray[..., 0], (floats.astype(np.float64) * weights).sum(-1), rtol=1e-6)
    gray_u8 = run(tf.image.rgb_to_grayscale(tf.constant(PIXELS)))
    assert gray_u8.dtype == np.uint8
    reference = ((PIXELS / 255.0) @ weights.astype(np.float64)) * 255.5
    assert np.abs(gray_u8[..., 0].astype(int) - np.floor(reference)).max() <= 1  # float32 vs float64
    rgb = run(tf.image.grayscale_to_rgb(tf.constant(gray_u8)))
    np.testing.assert_array_equal(rgb, np.repeat(gray_u8, 3, axis=-1))


def test_bad_channels_and_dtypes_raise(graph):
    with pytest.raises(ValueError, match="must be 3"):
        tf.image.rgb_to_grayscale(tf.zeros([2, 2, 4]))
    with pytest.raises(ValueError, match="must be 1"):
        tf.image.grayscale_to_rgb(tf.zeros([2, 2, 3]))
    with pytest.raises(TypeError, match="bool"):
        tf.image.convert_image_dtype(tf.constant([True]), tf.float32)
