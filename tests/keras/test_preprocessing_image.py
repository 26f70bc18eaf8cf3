"""keras.preprocessing.image.ImageDataGenerator: batches against statistics recorded from tf_keras
2.21 with the same seeds (/work/scratch/s23/rec/idg_tf.py; tests/compat compares whole batches
live), transform geometry against numpy, fit statistics, flow's arguments and errors, and
training through fit_generator / fit."""

# ruff: noqa: NPY002 - Keras 2's augmentations draw from numpy's global generator, so do the checks

import numpy as np
import pytest

from graphflow import keras
from graphflow.keras.preprocessing.image import (
    ImageDataGenerator,
    apply_affine_transform,
    apply_brightness_shift,
    apply_channel_shift,
    random_channel_shift,
    random_rotation,
    random_shear,
    random_shift,
    random_zoom,
)

X = np.random.default_rng(0).uniform(0, 255, size=(7, 9, 8, 3)).astype("float32")
Y = np.arange(7)
CONFIGS = {
    "cifar": dict(width_shift_range=0.1, height_shift_range=0.1, horizontal_flip=True, fill_mode="nearest"),
    "rot_zoom": dict(rotation_range=30, zoom_range=0.2, fill_mode="constant", cval=7.0, rescale=1 / 255.),
    "featurewise": dict(featurewise_center=True, featurewise_std_normalization=True, shear_range=10,
                        fill_mode="reflect", vertical_flip=True),
    "samplewise_pixels": dict(samplewise_center=True, samplewise_std_normalization=True,
                              width_shift_range=[1, 2], height_shift_range=2, channel_shift_range=20.0,
                              fill_mode="wrap"),
    "zca": dict(zca_whitening=True, rotation_range=10),
    "channels_first": dict(data_format="channels_first", rotation_range=20, width_shift_range=0.2,
                           horizontal_flip=True),
}
# tf_keras: per batch (sum, sum of squares) of the first four `next()` batches, and their labels
RECORDED = {
    "cifar": [[82892.3961, 11879432.945], [85281.813, 12861989.403], [27210.1069, 3842911.784],
              [84358.8922, 13066404.819]],
    "rot_zoom": [[241.1051, 135.112], [248.6729, 148.193], [74.8372, 41.551], [275.2892, 163.842]],
    "featurewise": [[-13.5373, 498.771], [19.5068, 500.919], [-12.6901, 136.697], [3.7488, 622.22]],
    "samplewise_pixels": [[0.0, 648.0], [0.0, 648.0], [0.0, 216.0], [0.0, 648.0]],
    "zca": [[-3.4729, 21.48], [0.2726, 12.076], [-1.4376, 1.871], [-1.1092, 25.493]],
    "channels_first": [[83816.8413, 12681596.098], [84515.8514, 12825222.426], [27586.829, 4078078.742],
                       [84504.2397, 13382891.707]],
}
RECORDED_LABELS = [[6, 2, 4], [1, 0, 5], [3], [2, 0, 6]]


@pytest.mark.filterwarnings("ignore:This ImageDataGenerator specifies")
@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_seeded_batches_match_tf_keras(name):
    config = CONFIGS[name]
    generator = ImageDataGenerator(**config)
    images = X.transpose(0, 3, 1, 2).copy() if config.get("data_format") == "channels_first" else X
    if name in ("featurewise", "zca"):
        generator.fit(images, augment=name == "zca", seed=3)
    iterator = generator.flow(images, Y, batch_size=3, seed=5, shuffle=True)
    batches = [iterator.next() for _ in range(4)]
    assert len(iterator) == 3
    for (x, y), (total, squares), labels in zip(batches, RECORDED[name], RECORDED_LABELS):
        assert x.dtype == np.float32 and x.shape[1:] == images.shape[1:]
        assert y.tolist() == labels
        np.testing.assert_allclose(np.sum(x, dtype=np.float64), total, rtol=1e-5, atol=2e-3)
        np.testing.assert_allclose(np.sum(np.square(x, dtype=np.float64)), squares, rtol=1e-5, atol=2e-3)


def test_transform_geometry():
    image = np.arange(36, dtype=np.float32).reshape(6, 6, 1)
    kwargs = dict(row_axis=0, col_axis=1, channel_axis=2)
    rotated = apply_affine_transform(image, theta=90, **kwargs)
    np.testing.assert_allclose(rotated, np.rot90(image, 1, axes=(0, 1)), atol=1e-4)
    # tf_keras' convention: tx moves along the columns, ty along the rows (output = input at +shift)
    shifted = apply_affine_transform(image, tx=2, fill_mode="constant", cval=-1, **kwargs)
    want = np.full_like(image, -1)
    want[:, :4] = image[:, 2:]
    np.testing.assert_allclose(shifted, want, atol=1e-4)
    shifted = apply_affine_transform(image, ty=-1, fill_mode="nearest", **kwargs)
    np.testing.assert_allclose(shifted, np.concatenate([image[:1], image[:-1]]), atol=1e-4)
    zoomed = apply_affine_transform(image, zx=0.5, zy=0.5, order=0, **kwargs)  # 2x magnification
    assert zoomed[2, 2, 0] == image[2, 2, 0] and zoomed.shape == image.shape
    assert apply_affine_transform(image, **kwargs) is image
    np.testing.assert_allclose(apply_channel_shift(image, 30.0), np.clip(image + 30, 0, 35))
    generator = ImageDataGenerator(horizontal_flip=True, vertical_flip=True)
    flipped = generator.apply_transform(image, {"flip_horizontal": True, "flip_vertical": True})
    np.testing.assert_array_equal(flipped, image[::-1, ::-1])
    with pytest.raises(ValueError, match="2D images"):
        apply_affine_transform(image[..., 0], theta=3)


def test_fit_statistics_and_standardize():
    generator = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True, rescale=0.5)
    generator.fit(X)
    np.testing.assert_allclose(generator.mean.ravel(), (0.5 * X).mean(axis=(0, 1, 2)), rtol=1e-5)
    np.testing.assert_allclose(generator.std.ravel(), (0.5 * X).std(axis=(0, 1, 2)), rtol=1e-4)
    standardized = generator.standardize(X[0].copy())
    np.testing.assert_allclose(standardized, (0.5 * X[0] - generator.mean) / (generator.std + 1e-6), rtol=1e-4,
                               atol=1e-5)
    with pytest.raises(ValueError, match="rank 4"):
        generator.fit(X[0])
    with pytest.warns(UserWarning, match="hasn't been fit"):
        ImageDataGenerator(featurewise_center=True).standardize(X[0].copy())


def test_flow_arguments_and_errors():
    generator = ImageDataGenerator(validation_split=3 / 7)
    weights = np.linspace(0, 1, 7)
    x, y, w = generator.flow(X, Y, batch_size=7, shuffle=False, sample_weight=weights).next()
    np.testing.assert_array_equal(x, X)
    np.testing.assert_array_equal(w, weights)
    extra = np.arange(14).reshape(7, 2)
    inputs, y = generator.flow((X, extra), Y, batch_size=2, shuffle=False)[1]
    np.testing.assert_array_equal(inputs[1], extra[2:4])
    only_x = generator.flow(X, batch_size=4, shuffle=False)[1]
    assert only_x.shape == (3, 9, 8, 3)
    training = generator.flow(X, np.zeros(7), subset="training", shuffle=False)
    validation = generator.flow(X, np.zeros(7), subset="validation", shuffle=False)
    assert (training.n, validation.n) == (4, 3)
    with pytest.raises(ValueError, match="different number of classes"):
        generator.flow(X, Y, subset="training")
    with pytest.raises(ValueError, match="same length"):
        generator.flow(X, Y[:5])
    with pytest.raises(ValueError, match="rank 4"):
        generator.flow(X[:, :, :, 0], Y)
    with pytest.raises(ValueError, match="has length 2"):
        generator.flow(X, Y, batch_size=4)[2]
    with pytest.raises(ValueError, match="zoom_range"):
        ImageDataGenerator(zoom_range=(1, 2, 3))
    with pytest.raises(ValueError, match="validation_split"):
        ImageDataGenerator(validation_split=1.5)


def test_fit_generator_and_fit_train_on_augmented_batches():
    np.random.seed(0)  # the batch order of fit / fit_generator (shuffled Sequence) is numpy's
    rng = np.random.default_rng(1)
    images = rng.uniform(0, 1, size=(64, 8, 8, 1)).astype("float32")
    labels = (images[:, :, :, 0].mean(axis=(1, 2)) > 0.5).astype("float32")
    images[labels == 1] += 0.5  # a brightness the flips and shifts keep
    model = keras.models.Sequential([keras.layers.Flatten(input_shape=(8, 8, 1)),
                                     keras.layers.Dense(1, activation="sigmoid", kernel_initializer="zeros")])
    model.compile(keras.optimizers.Adam(0.05), "binary_crossentropy", metrics=["accuracy"])
    generator = ImageDataGenerator(horizontal_flip=True, width_shift_range=1, rescale=1.0)
    history = model.fit_generator(generator.flow(images, labels, batch_size=16, seed=0), epochs=4, verbose=0)
    assert len(history.history["loss"]) == 4 and history.history["loss"][-1] < history.history["loss"][0]
    # Python floats in History, as with array inputs (TF's recorded values are float64)
    assert all(type(v) is float for values in history.history.values() for v in values)
    history = model.fit(generator.flow(images, labels, batch_size=16, seed=1), epochs=6, verbose=0)
    assert len(history.history["loss"]) == 6
    assert model.evaluate(images, labels, verbose=0)[1] > 0.8


def test_random_helpers_draw_from_numpy_global_state():
    image = np.random.default_rng(5).uniform(0, 1, size=(3, 6, 5)).astype(np.float32)  # channels first
    cases = [(random_rotation, (20,), lambda: {"theta": np.random.uniform(-20, 20)}),
             (random_shear, (15,), lambda: {"shear": np.random.uniform(-15, 15)}),
             (random_shift, (0.2, 0.3), lambda: {"tx": np.random.uniform(-0.3, 0.3) * 6,
                                                 "ty": np.random.uniform(-0.2, 0.2) * 5}),
             (random_zoom, ((0.7, 1.2),), lambda: dict(zip(("zx", "zy"), np.random.uniform(0.7, 1.2, 2))))]
    for helper, arguments, draw in cases:
        np.random.seed(9)
        got = helper(image, *arguments)
        np.random.seed(9)
        np.testing.assert_allclose(got, apply_affine_transform(image, **draw()), err_msg=helper.__name__)
    np.random.seed(2)
    shifted = random_channel_shift(image, 0.5)
    np.random.seed(2)
    np.testing.assert_allclose(shifted, np.clip(image + np.random.uniform(-0.5, 0.5), image.min(), image.max()))


def test_brightness_shift_as_an_8_bit_image():
    image = np.array([[[0.0], [100.0]], [[200.0], [255.0]]], np.float32)
    halved = apply_brightness_shift(image, 0.5, scale=False)
    np.testing.assert_array_equal(halved, [[[0], [50]], [[100], [127]]])  # 127.5 truncated, as PIL
    wide = image * 2 - 100  # outside [0, 255]: rescaled there and back
    np.testing.assert_allclose(apply_brightness_shift(wide, 1.0, scale=False), wide, atol=2.0)


def test_brightness_shift_equals_pil():
    Image = pytest.importorskip("PIL.Image")
    ImageEnhance = pytest.importorskip("PIL.ImageEnhance")
    pixels = np.random.default_rng(3).uniform(0, 255, size=(5, 7, 3)).astype(np.float32)
    for factor in (0.37, 0.5, 1.0, 1.61):
        enhanced = ImageEnhance.Brightness(Image.fromarray(pixels.astype("uint8"))).enhance(factor)
        np.testing.assert_array_equal(apply_brightness_shift(pixels, factor, scale=False),
                                      np.asarray(enhanced, np.float32))
