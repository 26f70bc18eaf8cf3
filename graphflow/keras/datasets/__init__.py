"""`keras.datasets`: the classic datasets' `load_data()`, reading the files Keras 2 would have
downloaded from a local place (graphflow never downloads): `~/.keras/datasets/<file>` or the
folder in `GRAPHFLOW_KERAS_DATASETS`; a missing file raises an error naming it. `digits` loads
scikit-learn's bundled 8x8 digits (no file needed)."""

# ruff: noqa: F401
from graphflow.keras.datasets import boston_housing, cifar10, digits, fashion_mnist, imdb, mnist
