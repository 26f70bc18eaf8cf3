"""`tf.image`: augmentation and preprocessing on single images [H, W, C] and batches
[N, H, W, C]; random ops take seeds as every TF1 random op."""

# ruff: noqa: F401
from .color import (
    adjust_brightness,
    adjust_contrast,
    per_image_standardization,
    random_brightness,
    random_contrast,
)
from .conversion import convert_image_dtype, grayscale_to_rgb, rgb_to_grayscale
from .geometry import (
    crop_to_bounding_box,
    flip_left_right,
    flip_up_down,
    pad_to_bounding_box,
    random_crop,
    random_flip_left_right,
    random_flip_up_down,
    resize_image_with_crop_or_pad,
    resize_with_crop_or_pad,
)
from .resize import (
    ResizeMethod,
    resize,
    resize_bilinear,
    resize_images,
    resize_nearest_neighbor,
)
from .transform import (
    angles_to_projective_transforms,
    rotate,
    transform,
    translate,
    translations_to_projective_transforms,
)
