"""`keras.datasets.imdb.load_data()` from a local `imdb.npz` (index sequences)."""

from __future__ import annotations

import numpy as np

from graphflow.keras.datasets._files import dataset_path


def load_data(path: str = "imdb.npz", num_words: int | None = None, skip_top: int = 0,
              maxlen: int | None = None, seed: int = 113, start_char: int = 1, oov_char: int = 2,
              index_from: int = 3) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """`(x_train, y_train), (x_test, y_test)` with Keras 2's index shifting, `num_words` and
    `skip_top` filtering (out-of-range words become `oov_char`).

    Raises:
        FileNotFoundError: when the file is not there (naming it).
    """
    with np.load(dataset_path(path), allow_pickle=True) as data:
        x_train, y_train, x_test, y_test = data["x_train"], data["y_train"], data["x_test"], data["y_test"]
    rng = np.random.RandomState(seed)
    order = rng.permutation(len(x_train))
    x_train, y_train = x_train[order], y_train[order]
    order = rng.permutation(len(x_test))
    x_test, y_test = x_test[order], y_test[order]

    def convert(seqs: np.ndarray) -> list[list[int]]:
        out = []
        for seq in seqs:
            words = [start_char] + [w + index_from for w in seq] if start_char is not None else \
                [w + index_from for w in seq]
            if maxlen is not None:
                words = words[:maxlen]
            limit = num_words or max(words) + 1
            out.append([w if skip_top <= w < limit else oov_char for w in words])
        return out
    train = (np.array(convert(x_train), dtype=object), y_train)
    return train, (np.array(convert(x_test), dtype=object), y_test)
