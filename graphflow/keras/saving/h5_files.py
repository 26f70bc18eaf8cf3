"""Opening HDF5 files for Keras saving: atomic writes (a failed save never damages the file
that was there) and reads that turn h5py's low-level failures into errors naming the file."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from graphflow.keras.callbacks._io import print_msg
from graphflow.train.atomic_files import fsync_directory, remove_orphans, temp_name


def _h5py() -> Any:
    try:
        import h5py
    except ImportError:
        raise ImportError("HDF5 saving and loading requires h5py (`pip install h5py`, or the `keras` extra "
                          "of graphflow).") from None
    return h5py


def is_hdf5_path(filepath: str) -> bool:
    """Whether Keras 2 treats `filepath` as HDF5 by its suffix (`.h5`, `.hdf5`, `.keras`)."""
    return os.fspath(filepath).endswith((".h5", ".hdf5", ".keras"))


def ask_to_proceed_with_overwrite(filepath: str) -> bool:
    """Keras 2's interactive question before overwriting `filepath` (when `overwrite=False`)."""
    answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n]").strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if answer == "n":
        return False
    print_msg("[TIP] Next time specify overwrite=True!")
    return True


@contextlib.contextmanager
def atomic_h5(filepath: str) -> Iterator[Any]:
    """Yields a new writable h5py File; on success it replaces `filepath` atomically, on any
    error the temporary file is removed and `filepath` is untouched.

    Raises:
        OSError: when `filepath` is a directory or its directory cannot be created.
    """
    h5py = _h5py()
    filepath = os.fspath(filepath)
    if os.path.isdir(filepath):
        raise IsADirectoryError(f"Cannot save to {filepath!r}: it is a directory.")
    directory = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(directory, exist_ok=True)
    # temporaries of earlier saves of this file whose process was killed mid-write
    remove_orphans(directory, [os.path.basename(filepath)])
    temp = temp_name(os.path.join(directory, os.path.basename(filepath)))
    try:
        with h5py.File(temp, "w") as f:
            yield f
            f.flush()
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, filepath)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_directory(directory)


@contextlib.contextmanager
def open_h5(filepath: str) -> Iterator[Any]:
    """Yields `filepath` opened read-only.

    Raises:
        OSError: when the file does not exist or is not a readable HDF5 file (naming it).
        ValueError: when reading its content fails half-way (a truncated or damaged file).
    """
    h5py = _h5py()
    filepath = os.fspath(filepath)
    if not os.path.exists(filepath):
        raise OSError(f"No file or directory found at {filepath}")
    try:
        f = h5py.File(filepath, "r")
    except OSError as e:
        raise OSError(f"Unable to open {filepath!r} as an HDF5 file (is it a Keras .h5 file, complete and "
                      f"undamaged?): {e}") from e
    try:
        yield f
    except (KeyError, OSError, RuntimeError) as e:
        # callers only read inside this block (models are built after the file is closed), so
        # these are h5py's failures on missing or unreadable objects
        raise ValueError(f"Unable to read the Keras weights in {filepath!r}: the file is damaged or "
                         f"not in Keras' HDF5 layout ({type(e).__name__}: {e})") from e
    finally:
        f.close()
