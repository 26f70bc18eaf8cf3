"""`ModelCheckpoint`: save the model (or its weights) during `fit`.

Keras 2 semantics (tf.keras of TF 1.15): the path is `filepath.format(epoch=epoch + 1, **logs)`,
so `weights.{epoch:02d}-{val_loss:.2f}.hdf5` becomes `weights.03-0.42.hdf5`; a placeholder whose
key is missing from `logs` raises KeyError naming the path and the key (the usual cause: no
validation data for `val_*`). With `save_best_only` a file is written only when the monitored
value is strictly better than the best so far (no `min_delta`); a missing monitored value warns
`Can save best model only with <monitor> available, skipping.` and saves nothing.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

from graphflow.keras.callbacks._io import print_msg
from graphflow.keras.callbacks._monitor import comparison, resolve_mode, worst_value
from graphflow.keras.callbacks.base import Callback

_log = logging.getLogger("graphflow.keras")


class ModelCheckpoint(Callback):
    """Saves the model after every epoch (or every `period` epochs, or every `save_freq`
    samples).

    Args:
        filepath: the file to write; may hold `str.format` fields named `epoch` (1-based) or any
            `logs` key, e.g. `'ckpt/{epoch:02d}-{val_loss:.2f}.h5'`.
        monitor: the quantity `save_best_only` compares.
        verbose: 1 prints a line for each save (or skipped save).
        save_best_only: write only when `monitor` improved; without placeholders in `filepath`
            the file then always holds the best model.
        save_weights_only: `model.save_weights(filepath)` instead of `model.save(filepath)`.
        mode: `'auto'` (maximize names containing `acc` or starting with `fmeasure`), `'min'`,
            `'max'`.
        save_freq: `'epoch'`, or an int: save at the end of the batch at which that many samples
            have been seen since the last save (TF 1.15's meaning; Keras 2.2+ counts batches).
        load_weights_on_restart: at the start of training, load the weights of the most recently
            written file matching `filepath` (placeholders matching anything), if there is one.
        **kwargs: `period`, the deprecated number of epochs between saves (Keras 2 warns).

    Raises:
        ValueError: for a `save_freq` that is neither `'epoch'` nor an int.
        KeyError (when saving): for a `filepath` placeholder missing from `logs`.
        OSError (when saving): when `filepath` names an existing directory.
    """

    def __init__(self, filepath: str, monitor: str = "val_loss", verbose: int = 0,
                 save_best_only: bool = False, save_weights_only: bool = False, mode: str = "auto",
                 save_freq: str | int = "epoch", load_weights_on_restart: bool = False, **kwargs: Any) -> None:
        super().__init__()
        self.monitor = monitor
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self.epochs_since_last_save = 0
        self._samples_seen_since_last_saving = 0
        self._current_epoch = 0
        self.load_weights_on_restart = load_weights_on_restart
        if "period" in kwargs:
            self.period = kwargs.pop("period")
            _log.warning("`period` argument is deprecated. Please use `save_freq` to specify the "
                         "frequency in number of samples seen.")
        else:
            self.period = 1
        if kwargs:
            raise TypeError(f"ModelCheckpoint got unexpected keyword arguments: {sorted(kwargs)}")
        direction = resolve_mode(mode, monitor, "ModelCheckpoint")
        self.monitor_op = comparison(direction)
        self.best = worst_value(direction)
        if self.save_freq != "epoch" and not isinstance(self.save_freq, int):
            raise ValueError(f"Unrecognized save_freq: {self.save_freq}")

    def on_train_begin(self, logs: dict | None = None) -> None:
        if not self.load_weights_on_restart:
            return
        path = most_recent_file_matching(self.filepath)
        if path is None:
            return
        try:
            self.model.load_weights(path)
        except (OSError, ValueError) as e:
            raise ValueError(f"Error loading file from {path}. Reason: {e}") from e

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._current_epoch = epoch

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if not isinstance(self.save_freq, int):
            return
        logs = logs or {}
        self._samples_seen_since_last_saving += logs.get("size", 1)
        if self._samples_seen_since_last_saving >= self.save_freq:
            self._save_model(self._current_epoch, logs)
            self._samples_seen_since_last_saving = 0

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epochs_since_last_save += 1
        if self.save_freq == "epoch":
            self._save_model(epoch, logs)

    def _save_model(self, epoch: int, logs: dict | None) -> None:
        logs = logs or {}
        if not (isinstance(self.save_freq, int) or self.epochs_since_last_save >= self.period):
            return
        self.epochs_since_last_save = 0
        filepath = self._get_file_path(epoch, logs)
        if os.path.isdir(filepath):
            raise OSError("Please specify a non-directory filepath for ModelCheckpoint. Filepath used is an "
                          f"existing directory: {filepath}")
        directory = os.path.dirname(filepath)
        if directory:
            os.makedirs(directory, exist_ok=True)
        if not self.save_best_only:
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1:05d}: saving model to {filepath}")
            self._write(filepath)
            return
        current = logs.get(self.monitor)
        if current is None:
            _log.warning("Can save best model only with %s available, skipping.", self.monitor)
        elif self.monitor_op(current, self.best):
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1:05d}: {self.monitor} improved from {self.best:0.5f} to "
                          f"{current:0.5f}, saving model to {filepath}")
            self.best = current
            self._write(filepath)
        elif self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1:05d}: {self.monitor} did not improve from {self.best:0.5f}")

    def _write(self, filepath: str) -> None:
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)

    def _get_file_path(self, epoch: int, logs: dict) -> str:
        try:
            return self.filepath.format(epoch=epoch + 1, **logs)
        except KeyError as e:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". Reason: {e}') from None


def most_recent_file_matching(pattern: str) -> str | None:
    """The file `ModelCheckpoint(pattern)` wrote last, as Keras 2 finds it: every `{...}` field
    matches anything; the directory's latest checkpoint (from its `checkpoint` state file) when
    it matches, else the matching file with the latest modification time, else (a tie) the one
    with the largest name. None when nothing matches."""
    from graphflow.train import latest_checkpoint

    directory, base = os.path.split(pattern)
    directory = directory or "."
    regex = re.compile("^" + re.sub(r"{.*}", r".*", base) + "$")
    if not os.path.isdir(directory):
        return None
    latest = latest_checkpoint(directory)
    if latest is not None and regex.match(os.path.basename(latest)):
        return latest
    newest, newest_time, ties, largest = None, -1.0, 0, None
    for name in os.listdir(directory):
        if not regex.match(name):
            continue
        path = os.path.join(directory, name)
        modified = os.path.getmtime(path)
        largest = path if largest is None or path > largest else largest
        if modified > newest_time:
            newest, newest_time, ties = path, modified, 1
        elif modified == newest_time:
            ties += 1
    return newest if ties == 1 else largest
