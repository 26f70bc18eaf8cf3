"""`keras.utils.Sequence`: an indexable batch source for `fit`/`fit_generator`."""

from __future__ import annotations

from typing import Any


class Sequence:
    """Base class of batch sequences: implement `__getitem__(index)` (a batch `(x, y)` or
    `(x, y, sample_weight)`) and `__len__` (batches per epoch); `on_epoch_end` runs after each
    epoch."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def on_epoch_end(self) -> None:
        """Called at the end of every epoch (shuffle your data here if you like)."""

    def __iter__(self) -> Any:
        for index in range(len(self)):
            yield self[index]
