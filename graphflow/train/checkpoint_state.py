"""The `checkpoint` state file of a directory: which checkpoints exist and which is latest.

Written in TF1's text format (`model_checkpoint_path: "model.ckpt-4"`, one line per field),
always with paths relative to the directory so the directory can be moved or copied, plus the
save times that let `max_to_keep` and `keep_checkpoint_every_n_hours` hold across restarts.
It is replaced atomically and only after the checkpoint it names is complete.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from graphflow import logging

from .atomic_files import atomic_write
from .checkpoint_format import checkpoint_exists

STATE_FILENAME = "checkpoint"
#: A state file larger than this is not one graphflow wrote (a few hundred bytes per checkpoint):
#: it is ignored rather than read into memory.
MAX_STATE_BYTES = 16 << 20


@dataclass
class CheckpointState:
    """TF1's CheckpointState: the latest checkpoint and all those still kept (oldest first),
    as paths joined to the directory when they were stored relative."""

    model_checkpoint_path: str = ""
    all_model_checkpoint_paths: list[str] = field(default_factory=list)
    all_model_checkpoint_timestamps: list[float] = field(default_factory=list)
    last_preserved_timestamp: float = 0.0


def _state_path(checkpoint_dir: str, latest_filename: str | None) -> str:
    return os.path.join(checkpoint_dir, latest_filename or STATE_FILENAME)


def get_checkpoint_state(checkpoint_dir: str, latest_filename: str | None = None
                         ) -> CheckpointState | None:
    """The directory's CheckpointState, or None when it has no readable state file.

    As TF1, a state file that cannot be read or parsed (not UTF-8, malformed lines, too large,
    a directory) is logged as a warning and ignored: the result is None, never an exception.
    """
    path = _state_path(checkpoint_dir, latest_filename)
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_STATE_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as e:  # TF1 ignores an unreadable state file (its read raises an OpError)
        logging.warning("%s: %s", path, e)
        logging.warning("%s: Checkpoint ignored", path)
        return None
    try:
        if len(raw) > MAX_STATE_BYTES:
            raise ValueError(f"larger than {MAX_STATE_BYTES} bytes")
        state = _parse(raw.decode("utf-8"))
    except (ValueError, RecursionError) as e:  # UnicodeDecodeError is a ValueError
        logging.warning("%s: %s", path, e)
        logging.warning("%s: Checkpoint ignored", path)
        return None
    join = lambda p: p if os.path.isabs(p) else os.path.join(checkpoint_dir, p)  # noqa: E731
    state.model_checkpoint_path = join(state.model_checkpoint_path)
    state.all_model_checkpoint_paths = [join(p) for p in state.all_model_checkpoint_paths]
    return state


def latest_checkpoint(checkpoint_dir: str, latest_filename: str | None = None) -> str | None:
    """The prefix of the newest complete checkpoint in `checkpoint_dir`, or None."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None or not state.model_checkpoint_path:
        return None
    if checkpoint_exists(state.model_checkpoint_path):
        return state.model_checkpoint_path
    logging.error("Couldn't match files for checkpoint %s", state.model_checkpoint_path)
    return None


def update_checkpoint_state(save_dir: str, model_checkpoint_path: str,
                            all_model_checkpoint_paths: Sequence[str] | None = None,
                            latest_filename: str | None = None,
                            all_model_checkpoint_timestamps: Sequence[float] | None = None,
                            last_preserved_timestamp: float | None = None) -> None:
    """Atomically rewrites the state file of `save_dir`, storing paths relative to it.

    Raises:
        RuntimeError: when the state file's path would be one of the checkpoints.
    """
    paths = list(all_model_checkpoint_paths or [])
    if not paths or paths[-1] != model_checkpoint_path:
        paths.append(model_checkpoint_path)
    state_path = _state_path(save_dir, latest_filename)
    if os.path.abspath(state_path) in {os.path.abspath(p) for p in paths}:
        raise RuntimeError(f"Save path '{model_checkpoint_path}' conflicts with path used for "
                           f"checkpoint state.  Please use a different save path.")
    rel = lambda p: os.path.relpath(os.path.abspath(p), os.path.abspath(save_dir))  # noqa: E731
    lines = [f"model_checkpoint_path: {json.dumps(rel(model_checkpoint_path))}"]
    lines += [f"all_model_checkpoint_paths: {json.dumps(rel(p))}" for p in paths]
    lines += [f"all_model_checkpoint_timestamps: {t!r}"
              for t in all_model_checkpoint_timestamps or []]
    if last_preserved_timestamp is not None:
        lines.append(f"last_preserved_timestamp: {last_preserved_timestamp!r}")
    with atomic_write(state_path, binary=False) as f:
        f.write("\n".join(lines) + "\n")


def _parse(text: str) -> CheckpointState:
    state = CheckpointState()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        key, value = key.strip(), value.strip()
        try:
            if key == "model_checkpoint_path":
                state.model_checkpoint_path = _string(value)
            elif key == "all_model_checkpoint_paths":
                state.all_model_checkpoint_paths.append(_string(value))
            elif key == "all_model_checkpoint_timestamps":
                state.all_model_checkpoint_timestamps.append(float(value))
            elif key == "last_preserved_timestamp":
                state.last_preserved_timestamp = float(value)
            else:
                raise ValueError(f"no field named {key!r}")
        except ValueError as e:
            raise ValueError(f"line {number}: cannot parse {line!r} ({e})") from None
    return state


def _string(value: str) -> str:
    try:
        parsed = json.loads(value)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    if not isinstance(parsed, str) or "\0" in parsed:
        raise ValueError("expected a quoted path")
    return parsed
