"""Looking inside checkpoints: `tf.train.list_variables`, `load_variable`."""

from __future__ import annotations

import os

import numpy as np

from graphflow.framework import errors

from .checkpoint_format import CheckpointReader
from .checkpoint_state import latest_checkpoint


def _resolve(ckpt_dir_or_file: str) -> str:
    """A checkpoint prefix: the latest one of a directory, or the argument itself.

    Raises:
        ValueError: for a directory without checkpoints (TF1's message).
    """
    if os.path.isdir(ckpt_dir_or_file):
        prefix = latest_checkpoint(ckpt_dir_or_file)
        if prefix is None:
            raise ValueError(f"Couldn't find 'checkpoint' file or checkpoints in given "
                             f"directory {ckpt_dir_or_file}")
        return prefix
    return ckpt_dir_or_file


def load_checkpoint(ckpt_dir_or_file: str) -> CheckpointReader:
    """A reader for the checkpoint (or the latest checkpoint of a directory)."""
    return CheckpointReader(_resolve(ckpt_dir_or_file))


def list_variables(ckpt_dir_or_file: str) -> list[tuple[str, list[int]]]:
    """(name, shape) of every tensor in the checkpoint, sorted by name."""
    return sorted(load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map().items())


def load_variable(ckpt_dir_or_file: str, name: str) -> np.ndarray:
    """The value of tensor `name` (a trailing ":0" is ignored, as in TF1).

    Raises:
        NotFoundError: when the checkpoint has no tensor of that name.
    """
    if name.endswith(":0"):
        name = name[:-2]
    reader = load_checkpoint(ckpt_dir_or_file)
    if not reader.has_tensor(name):
        raise errors.NotFoundError(None, None, f"Key {name} not found in checkpoint "
                                   f"{reader.prefix}")
    return reader.get_tensor(name)
