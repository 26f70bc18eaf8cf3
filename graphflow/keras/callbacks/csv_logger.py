"""`CSVLogger`: one CSV row per epoch with the epoch number and every `logs` value."""

from __future__ import annotations

import collections
import csv
import os
from typing import Any

import numpy as np

from graphflow.keras.callbacks.base import Callback


def _cell(value: Any) -> Any:
    # Keras 2 writes a sequence metric as a quoted "[a, b]" and everything else as is
    if isinstance(value, str):
        return value
    if isinstance(value, collections.abc.Iterable) and not (isinstance(value, np.ndarray) and value.ndim == 0):
        return '"[' + ", ".join(map(str, value)) + ']"'
    return value


class CSVLogger(Callback):
    """Streams epoch results to a CSV file (Keras 2 layout: `epoch` then the `logs` keys in
    sorted order, taken from the first epoch; a key missing in a later epoch is written `NA`).

    Args:
        filename: the CSV file.
        separator: the field delimiter.
        append: append to an existing file (the header is written only when the file is empty
            or new) instead of overwriting it.
    """

    def __init__(self, filename: str, separator: str = ",", append: bool = False) -> None:
        self.sep = separator
        self.filename = os.fspath(filename)
        self.append = append
        self.writer: csv.DictWriter | None = None
        self.keys: list[str] | None = None
        self.append_header = True
        self.csv_file: Any = None
        super().__init__()

    def on_train_begin(self, logs: dict | None = None) -> None:
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename, encoding="utf-8") as f:
                    self.append_header = not bool(len(f.readline()))
            mode = "a"
        else:
            mode = "w"
        self.csv_file = open(self.filename, mode, newline="", encoding="utf-8")  # noqa: SIM115 - closed at train end

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs.keys())
        if self.writer is None:
            sep = self.sep

            class _Dialect(csv.excel):
                delimiter = sep

            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys, dialect=_Dialect)
            if self.append_header:
                self.writer.writeheader()
        row: dict[str, Any] = {"epoch": epoch}
        row.update((key, _cell(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.csv_file is not None:
            self.csv_file.close()
        self.writer = None
