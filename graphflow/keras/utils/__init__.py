"""`keras.utils`: array helpers, the progress bar, `Sequence`, (de)serialization helpers."""

# ruff: noqa: F401
from graphflow.keras.utils.progbar import Progbar
