"""`keras.preprocessing.sequence.pad_sequences`: lists of sequences to one padded array."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def pad_sequences(sequences: Sequence[Sequence[Any]], maxlen: int | None = None, dtype: str = "int32",
                  padding: str = "pre", truncating: str = "pre", value: float = 0.0) -> np.ndarray:
    """Pads (or truncates) every sequence to `maxlen` (default: the longest).

    Args:
        sequences: a list of sequences (each a list of numbers or of equal-shaped arrays).
        maxlen: the length of the result's second axis.
        dtype: the result dtype.
        padding: 'pre' or 'post': where the padding goes.
        truncating: 'pre' or 'post': which end of a long sequence is cut.
        value: the padding value.

    Returns:
        An array of shape (len(sequences), maxlen) + the items' shape.

    Raises:
        ValueError: for a bad `padding`/`truncating` or items of different shapes.
    """
    if padding not in ("pre", "post"):
        raise ValueError(f'Padding type "{padding}" not understood')
    if truncating not in ("pre", "post"):
        raise ValueError(f'Truncating type "{truncating}" not understood')
    lengths = [len(s) for s in sequences]
    maxlen = max(lengths, default=0) if maxlen is None else maxlen
    item_shape: tuple[int, ...] = ()
    for s in sequences:
        if len(s):
            item_shape = np.asarray(s).shape[1:]
            break
    out = np.full((len(sequences), maxlen) + item_shape, value, dtype=dtype)
    for index, s in enumerate(sequences):
        if not len(s) or maxlen == 0:
            continue
        trunc = np.asarray(s[-maxlen:] if truncating == "pre" else s[:maxlen], dtype=dtype)
        if trunc.shape[1:] != item_shape:
            raise ValueError(f"Shape of sample {trunc.shape[1:]} of sequence at position {index} is different "
                             f"from expected shape {item_shape}")
        if padding == "post":
            out[index, :len(trunc)] = trunc
        else:
            out[index, maxlen - len(trunc):] = trunc
    return out
