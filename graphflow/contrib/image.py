"""`tf.contrib.image`: projective transforms of images (see `graphflow.image.transform`)."""

# ruff: noqa: F401
from graphflow.image.transform import (
    angles_to_projective_transforms,
    rotate,
    transform,
    translate,
    translations_to_projective_transforms,
)
