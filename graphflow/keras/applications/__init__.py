"""`keras.applications`: model architectures (`VGG16`) built from Keras layers; pretrained
weights are not available (`weights=None` only)."""

# ruff: noqa: F401
from graphflow.keras.applications.vgg16 import VGG16
