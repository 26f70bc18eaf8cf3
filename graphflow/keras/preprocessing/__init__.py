"""`keras.preprocessing`: `sequence.pad_sequences`."""

# ruff: noqa: F401
from graphflow.keras.preprocessing import sequence
