"""`keras.preprocessing`: `image` (ImageDataGenerator), `sequence` (pad_sequences), `text`
(Tokenizer)."""

# ruff: noqa: F401
from graphflow.keras.preprocessing import image, sequence, text
