"""`tf.contrib`: the parts of TF1's contrib that training scripts commonly use."""

from . import image, layers  # noqa: F401
