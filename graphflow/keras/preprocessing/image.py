"""`keras.preprocessing.image`: `ImageDataGenerator` (real-time augmentation and normalization
of image batches for `fit` / `fit_generator`) and its `NumpyArrayIterator`.

Keras 2's behaviour, tf_keras 2.x's conventions: random transforms draw from numpy's global
generator in Keras 2's order (so `flow(..., seed=s)` reseeds it with `s + batches seen` before
each batch, and the batches match tf_keras' with the same seed); each image is transformed
(`image_transforms.py`) and then standardized (`preprocessing_function`, `rescale`, sample-wise
then feature-wise centring and scaling, ZCA whitening with the statistics of `fit`).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from graphflow.keras import backend as K
from graphflow.keras.preprocessing.image_transforms import (  # noqa: F401 - Keras 2's public names
    apply_affine_transform,
    apply_brightness_shift,
    apply_channel_shift,
    flip_axis,
    random_brightness,
    random_channel_shift,
    random_rotation,
    random_shear,
    random_shift,
    random_zoom,
    transform_matrix_offset_center,
)
from graphflow.keras.utils.data_utils import Sequence

# ruff: noqa: NPY002 - Keras 2 draws its augmentations from numpy's global generator


class Iterator(Sequence):
    """Batches of `n` samples, as a `Sequence` (`len`, indexing, `on_epoch_end`) and as an endless
    Python iterator; indices reshuffled every epoch when `shuffle`.

    Args:
        n: the number of samples.
        batch_size: samples per batch (the last batch of an epoch may be smaller).
        shuffle: visit the samples in a new random order each epoch.
        seed: reseed numpy's generator with `seed + batches seen` before each batch.
    """

    def __init__(self, n: int, batch_size: int, shuffle: bool, seed: int | None) -> None:
        self.n, self.batch_size, self.shuffle, self.seed = n, batch_size, shuffle, seed
        self.batch_index = 0
        self.total_batches_seen = 0
        self.lock = threading.Lock()
        self.index_array: np.ndarray | None = None
        self.index_generator = self._flow_index()

    def _set_index_array(self) -> None:
        self.index_array = np.random.permutation(self.n) if self.shuffle else np.arange(self.n)

    def __getitem__(self, idx: int) -> Any:
        if idx >= len(self):
            raise ValueError(f"Asked to retrieve element {idx}, but the Sequence has length {len(self)}")
        if self.seed is not None:
            np.random.seed(self.seed + self.total_batches_seen)
        self.total_batches_seen += 1
        if self.index_array is None:
            self._set_index_array()
        assert self.index_array is not None
        return self._get_batches_of_transformed_samples(
            self.index_array[self.batch_size * idx:self.batch_size * (idx + 1)])

    def __len__(self) -> int:
        return (self.n + self.batch_size - 1) // self.batch_size

    def on_epoch_end(self) -> None:
        self._set_index_array()

    def reset(self) -> None:
        """Starts the next `next()` at the beginning of an epoch."""
        self.batch_index = 0

    def _flow_index(self) -> Any:
        self.reset()
        while True:
            if self.seed is not None:
                np.random.seed(self.seed + self.total_batches_seen)
            if self.batch_index == 0:
                self._set_index_array()
            current = 0 if self.n == 0 else (self.batch_index * self.batch_size) % self.n
            self.batch_index = self.batch_index + 1 if self.n > current + self.batch_size else 0
            self.total_batches_seen += 1
            assert self.index_array is not None
            yield self.index_array[current:current + self.batch_size]

    def __iter__(self) -> Iterator:
        return self

    def __next__(self) -> Any:
        return self.next()

    def next(self) -> Any:
        """The next batch (epochs follow one another without end)."""
        with self.lock:
            index_array = next(self.index_generator)
        return self._get_batches_of_transformed_samples(index_array)

    def _get_batches_of_transformed_samples(self, index_array: np.ndarray) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement _get_batches_of_transformed_samples")


class NumpyArrayIterator(Iterator):
    """Augmented batches of in-memory images `x` (rank 4), with labels `y` and sample weights.

    `x` may also be a pair `(images, extra)` where `extra` (an array or a list of arrays) is
    passed through unchanged: the batch's inputs are then `[images, *extra]`.

    Raises:
        ValueError: `x` not of rank 4, lengths that differ, an unknown `subset`, or training and
            validation subsets with different classes (unless `ignore_class_split`).
    """

    def __init__(self, x: Any, y: Any, image_data_generator: ImageDataGenerator, batch_size: int = 32,
                 shuffle: bool = False, sample_weight: Any = None, seed: int | None = None,
                 data_format: str | None = None, save_to_dir: str | None = None, save_prefix: str = "",
                 save_format: str = "png", subset: str | None = None, ignore_class_split: bool = False,
                 dtype: str | None = None) -> None:
        self.dtype = dtype or K.floatx()
        data_format = data_format or K.image_data_format()
        extra: list[np.ndarray] = []
        if isinstance(x, (tuple, list)):
            extra = [np.asarray(a) for a in (x[1] if isinstance(x[1], list) else [x[1]])]
            x = x[0]
            for array in extra:
                if len(array) != len(x):
                    raise ValueError(f"All of the arrays in `x` should have the same length. Found a pair "
                                     f"with: len(x[0]) = {len(x)}, len(x[?]) = {len(array)}")
        if y is not None and len(x) != len(y):
            raise ValueError(f"`x` (images tensor) and `y` (labels) should have the same length. Found: "
                             f"x.shape = {np.shape(x)}, y.shape = {np.shape(y)}")
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError(f"`x` (images tensor) and `sample_weight` should have the same length. Found: "
                             f"x.shape = {np.shape(x)}, sample_weight.shape = {np.shape(sample_weight)}")
        if subset is not None:
            if subset not in ("training", "validation"):
                raise ValueError(f"Invalid subset name: {subset}; expected 'training' or 'validation'.")
            split = int(len(x) * image_data_generator._validation_split)
            if y is not None and not ignore_class_split and \
                    not np.array_equal(np.unique(y[:split]), np.unique(y[split:])):
                raise ValueError("Training and validation subsets have different number of classes after the "
                                 "split. If your numpy arrays are sorted by the label, you might want to "
                                 "shuffle them.")
            part = slice(None, split) if subset == "validation" else slice(split, None)
            x, extra = x[part], [a[part] for a in extra]
            y = None if y is None else y[part]
            sample_weight = None if sample_weight is None else sample_weight[part]
        self.x = np.asarray(x, dtype=self.dtype)
        if self.x.ndim != 4:
            raise ValueError(f"Input data in `NumpyArrayIterator` should have rank 4. You passed an array with "
                             f"shape {self.x.shape}")
        channels_axis = 3 if data_format == "channels_last" else 1
        if self.x.shape[channels_axis] not in (1, 3, 4):
            warnings.warn(f"NumpyArrayIterator is set to use the data format convention {data_format!r} "
                          f"(channels on axis {channels_axis}), i.e. expected either 1, 3, or 4 channels; "
                          f"it was passed an array with shape {self.x.shape}.", stacklevel=2)
        if save_to_dir:
            raise ValueError("NumpyArrayIterator: save_to_dir needs image file encoding, which graphflow does "
                             "not provide; save the batches yourself")
        self.x_misc = extra
        self.y = None if y is None else np.asarray(y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        self.image_data_generator, self.data_format = image_data_generator, data_format
        super().__init__(self.x.shape[0], batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array: np.ndarray) -> Any:
        generator = self.image_data_generator
        batch_x = np.zeros((len(index_array),) + self.x.shape[1:], dtype=self.dtype)
        for i, j in enumerate(index_array):
            image = self.x[j]
            params = generator.get_random_transform(image.shape)
            batch_x[i] = generator.standardize(generator.apply_transform(image.astype(self.dtype), params))
        inputs = [batch_x] + [a[index_array] for a in self.x_misc] if self.x_misc else batch_x
        if self.y is None:
            return inputs
        output = (inputs, self.y[index_array])
        if self.sample_weight is not None:
            output += (self.sample_weight[index_array],)
        return output


class ImageDataGenerator:
    """Generates batches of images with real-time augmentation (see the module docstring).

    Args:
        featurewise_center / featurewise_std_normalization: subtract the per-channel mean / divide
            by the per-channel std of the data given to `fit`.
        samplewise_center / samplewise_std_normalization: the same with each image's own statistics.
        zca_whitening, zca_epsilon: ZCA whitening fitted by `fit`.
        rotation_range: degrees, drawn uniformly from [-r, r].
        width_shift_range, height_shift_range: a fraction of the size (< 1), pixels (>= 1), or a list
            of allowed pixel shifts (taken with a random sign).
        brightness_range: a pair of factors.
        shear_range: degrees.
        zoom_range: a float z ([1 - z, 1 + z]) or a pair.
        channel_shift_range: intensity added to the channels, drawn from [-r, r].
        fill_mode, cval: how points outside the image are filled.
        horizontal_flip, vertical_flip: flip with probability 1/2.
        rescale: multiply every image by this first (after `preprocessing_function`).
        preprocessing_function: a function of one image, run before the rest of `standardize`.
        data_format: "channels_last" (default) or "channels_first".
        validation_split: the fraction reserved for `subset="validation"`.
        interpolation_order: spline order of the affine transforms.
        dtype: the batches' dtype (default floatx).

    Raises:
        ValueError: a bad `data_format`, `validation_split`, `zoom_range` or `brightness_range`.
    """

    def __init__(self, featurewise_center: bool = False, samplewise_center: bool = False,
                 featurewise_std_normalization: bool = False, samplewise_std_normalization: bool = False,
                 zca_whitening: bool = False, zca_epsilon: float = 1e-6, rotation_range: float = 0,
                 width_shift_range: Any = 0.0, height_shift_range: Any = 0.0, brightness_range: Any = None,
                 shear_range: float = 0.0, zoom_range: Any = 0.0, channel_shift_range: float = 0.0,
                 fill_mode: str = "nearest", cval: float = 0.0, horizontal_flip: bool = False,
                 vertical_flip: bool = False, rescale: float | None = None,
                 preprocessing_function: Callable[[np.ndarray], np.ndarray] | None = None,
                 data_format: str | None = None, validation_split: float = 0.0, interpolation_order: int = 1,
                 dtype: str | None = None) -> None:
        data_format = data_format or K.image_data_format()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError('`data_format` should be `"channels_last"` (channel after row and column) or '
                             f'`"channels_first"` (channel before row and column). Received: {data_format}')
        if validation_split and not 0 < validation_split < 1:
            raise ValueError(f"`validation_split` must be strictly between 0 and 1. Received: "
                             f"{validation_split}")
        if isinstance(zoom_range, (float, int)):
            self.zoom_range = [1 - zoom_range, 1 + zoom_range]
        elif len(zoom_range) == 2 and all(isinstance(v, (float, int)) for v in zoom_range):
            self.zoom_range = [zoom_range[0], zoom_range[1]]
        else:
            raise ValueError(f"`zoom_range` should be a float or a tuple or list of two floats. Received: "
                             f"{zoom_range}")
        if brightness_range is not None and (not isinstance(brightness_range, (tuple, list))
                                             or len(brightness_range) != 2):
            raise ValueError(f"`brightness_range should be tuple or list of two floats. Received: "
                             f"{brightness_range}")
        if zca_whitening and featurewise_std_normalization:
            warnings.warn("This ImageDataGenerator specifies `zca_whitening`, which overrides setting of "
                          "`featurewise_std_normalization`.", stacklevel=2)
            featurewise_std_normalization = False
        if (zca_whitening or featurewise_std_normalization) and not featurewise_center:
            warnings.warn("This ImageDataGenerator specifies `zca_whitening` or "
                          "`featurewise_std_normalization`, which overrides setting of `featurewise_center`.",
                          stacklevel=2)
            featurewise_center = True
        if samplewise_std_normalization and not samplewise_center:
            warnings.warn("This ImageDataGenerator specifies `samplewise_std_normalization`, which overrides "
                          "setting of `samplewise_center`.", stacklevel=2)
            samplewise_center = True
        self.featurewise_center, self.samplewise_center = featurewise_center, samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening, self.zca_epsilon = zca_whitening, zca_epsilon
        self.rotation_range, self.brightness_range = rotation_range, brightness_range
        self.width_shift_range, self.height_shift_range = width_shift_range, height_shift_range
        self.shear_range, self.channel_shift_range = shear_range, channel_shift_range
        self.fill_mode, self.cval = fill_mode, cval
        self.horizontal_flip, self.vertical_flip = horizontal_flip, vertical_flip
        self.rescale, self.preprocessing_function = rescale, preprocessing_function
        self.data_format, self.dtype = data_format, dtype or K.floatx()
        self.interpolation_order = interpolation_order
        self._validation_split = validation_split
        self.channel_axis, self.row_axis, self.col_axis = \
            (1, 2, 3) if data_format == "channels_first" else (3, 1, 2)
        self.mean: np.ndarray | None = None
        self.std: np.ndarray | None = None
        self.zca_whitening_matrix: np.ndarray | None = None

    def flow(self, x: Any, y: Any = None, batch_size: int = 32, shuffle: bool = True, sample_weight: Any = None,
             seed: int | None = None, save_to_dir: str | None = None, save_prefix: str = "",
             save_format: str = "png", ignore_class_split: bool = False,
             subset: str | None = None) -> NumpyArrayIterator:
        """Augmented batches of `x` (and `y`, `sample_weight`): `(x, y)` tuples, or `x` alone.

        Raises:
            ValueError: as `NumpyArrayIterator`.
        """
        return NumpyArrayIterator(x, y, self, batch_size=batch_size, shuffle=shuffle,
                                  sample_weight=sample_weight, seed=seed, data_format=self.data_format,
                                  save_to_dir=save_to_dir,
                                  save_prefix=save_prefix, save_format=save_format, subset=subset,
                                  ignore_class_split=ignore_class_split, dtype=self.dtype)

    def standardize(self, x: np.ndarray) -> np.ndarray:
        """Normalizes one image (or a batch) in place where possible: see the module docstring."""
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, keepdims=True) + 1e-6
        for wanted, statistic, what in ((self.featurewise_center, self.mean, "featurewise_center"),
                                        (self.featurewise_std_normalization, self.std,
                                         "featurewise_std_normalization"),
                                        (self.zca_whitening, self.zca_whitening_matrix, "zca_whitening")):
            if not wanted:
                continue
            if statistic is None:
                warnings.warn(f"This ImageDataGenerator specifies `{what}`, but it hasn't been fit on any "
                              "training data. Fit it first by calling `.fit(numpy_data)`.", stacklevel=2)
            elif what == "featurewise_center":
                x -= statistic
            elif what == "featurewise_std_normalization":
                x /= statistic + 1e-6
            else:
                x = np.reshape(x.reshape(-1, int(np.prod(x.shape[-3:]))) @ statistic, x.shape)
        return x

    def get_random_transform(self, img_shape: tuple[int, ...], seed: int | None = None) -> dict[str, Any]:
        """Draws one image's transform parameters (numpy's global generator, Keras 2's order)."""
        row_axis, col_axis = self.row_axis - 1, self.col_axis - 1
        if seed is not None:
            np.random.seed(seed)
        theta = np.random.uniform(-self.rotation_range, self.rotation_range) if self.rotation_range else 0
        tx = _shift(self.height_shift_range, img_shape[row_axis])
        ty = _shift(self.width_shift_range, img_shape[col_axis])
        shear = np.random.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        if self.zoom_range[0] == 1 and self.zoom_range[1] == 1:
            zx, zy = 1, 1
        else:
            zx, zy = np.random.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        flip_horizontal = (np.random.random() < 0.5) * self.horizontal_flip
        flip_vertical = (np.random.random() < 0.5) * self.vertical_flip
        channel_shift = np.random.uniform(-self.channel_shift_range, self.channel_shift_range) \
            if self.channel_shift_range != 0 else None
        brightness = np.random.uniform(self.brightness_range[0], self.brightness_range[1]) \
            if self.brightness_range is not None else None
        return {"theta": theta, "tx": tx, "ty": ty, "shear": shear, "zx": zx, "zy": zy,
                "flip_horizontal": flip_horizontal, "flip_vertical": flip_vertical,
                "channel_shift_intensity": channel_shift, "brightness": brightness}

    def apply_transform(self, x: np.ndarray, transform_parameters: dict[str, Any]) -> np.ndarray:
        """Applies `get_random_transform`'s parameters to one 3-D image."""
        row_axis, col_axis, channel_axis = self.row_axis - 1, self.col_axis - 1, self.channel_axis - 1
        p = transform_parameters
        x = apply_affine_transform(x, p.get("theta", 0), p.get("tx", 0), p.get("ty", 0), p.get("shear", 0),
                                   p.get("zx", 1), p.get("zy", 1), row_axis=row_axis, col_axis=col_axis,
                                   channel_axis=channel_axis, fill_mode=self.fill_mode, cval=self.cval,
                                   order=self.interpolation_order)
        if p.get("channel_shift_intensity") is not None:
            x = apply_channel_shift(x, p["channel_shift_intensity"], channel_axis)
        if p.get("flip_horizontal", False):
            x = flip_axis(x, col_axis)
        if p.get("flip_vertical", False):
            x = flip_axis(x, row_axis)
        if p.get("brightness") is not None:
            x = apply_brightness_shift(x, p["brightness"], False)
        return x

    def random_transform(self, x: np.ndarray, seed: int | None = None) -> np.ndarray:
        """One image randomly transformed (`get_random_transform` then `apply_transform`)."""
        return self.apply_transform(x, self.get_random_transform(x.shape, seed))

    def fit(self, x: Any, augment: bool = False, rounds: int = 1, seed: int | None = None) -> None:
        """Computes the feature-wise mean, std and ZCA matrix from images `x` (rank 4), after
        `rescale` and, with `augment`, over `rounds` randomly transformed copies.

        Raises:
            ValueError: `x` is not of rank 4.
        """
        x = np.array(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ValueError(f"Input to `.fit()` should have rank 4. Got array with shape: {x.shape}")
        if seed is not None:
            np.random.seed(seed)
        if self.rescale:
            x *= self.rescale
        if augment:
            x = np.stack([self.random_transform(x[i]) for _ in range(rounds) for i in range(len(x))]).astype(
                self.dtype)
        shape = [1, 1, 1]
        shape[self.channel_axis - 1] = x.shape[self.channel_axis]
        axes = (0, self.row_axis, self.col_axis)
        if self.featurewise_center:
            self.mean = np.reshape(np.mean(x, axis=axes), shape)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.reshape(np.std(x, axis=axes), shape)
            x /= self.std + 1e-6
        if self.zca_whitening:
            flat = np.reshape(x, (len(x), -1))
            u, s, _ = np.linalg.svd(flat.T, full_matrices=False)
            self.zca_whitening_matrix = (u * (np.sqrt(len(x)) / (s + self.zca_epsilon))) @ u.T


def _shift(shift_range: Any, size: int) -> float:
    """A shift in pixels: a signed choice below an int or from a list of pixel shifts, else a
    uniform draw in [-range, range]; a fraction of `size` when the range is below 1."""
    if isinstance(shift_range, np.ndarray):
        shift_range = shift_range.tolist()
    if not shift_range:  # Keras 2 tests truthiness: a list such as [0] still draws
        return 0
    try:  # numpy refuses a float here: the float case below (Keras 2's own test)
        shift = np.random.choice(shift_range)
        shift *= np.random.choice([-1, 1])
    except ValueError:
        shift = np.random.uniform(-shift_range, shift_range)
    return shift * size if np.max(shift_range) < 1 else shift
