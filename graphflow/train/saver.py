"""`tf.train.Saver`: saves variables to checkpoints and restores them (TF1's API).

A save writes `<prefix>.safetensors` (the variables, checksummed) and `<prefix>.meta` (the
graph), each atomically, and only then the directory's `checkpoint` state file, so a process
killed at any moment leaves the previous checkpoint loadable and `latest_checkpoint` naming a
complete one. A restore checks everything (names, shapes, dtypes, checksums) before it changes
any variable, so a failed restore leaves the session as it was.

Saves from several threads (one Saver or several) into one directory are safe: each write has
its own temporary file, and the kept-checkpoints list, the state file and the deletions of
`max_to_keep` are updated under a lock of the directory. A Saver adopts from a state file only
checkpoints it could have written itself (`<basename>` or `<basename>-N` in the directory it
saves to), so a planted `checkpoint` file cannot make it delete anything else.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from graphflow import logging
from graphflow.framework import errors
from graphflow.framework.graph import GraphKeys, get_default_graph
from graphflow.framework.tensor_shape import format_dims
from graphflow.framework.variables import Variable

from . import checkpoint_format, checkpoint_state
from .atomic_files import directory_lock, fsync_directory, remove_orphans

META_SUFFIX = "meta"


class Saver:
    """Saves and restores variables.

    Args:
        var_list: None (all global variables), a list of Variables (saved under their names)
            or a dict {name in the checkpoint: Variable}.
        max_to_keep: how many recent checkpoints to keep (None or 0: keep all files, the state
            file names only the latest). Counted across process restarts: the first save into
            a directory adopts the checkpoints its state file lists.
        keep_checkpoint_every_n_hours: additionally keep one checkpoint per this many hours.
        allow_empty: without it, a Saver with no variables is an error.

    Raises:
        ValueError: for no variables (unless `allow_empty`) or two with the same name.
        TypeError: for an entry of `var_list` that is not a Variable.
        RuntimeError: when the default graph is finalized (TF1 adds its save ops to it).
    """

    def __init__(self, var_list: Sequence[Variable] | Mapping[str, Variable] | None = None,
                 reshape: bool = False, sharded: bool = False, max_to_keep: int | None = 5,
                 keep_checkpoint_every_n_hours: float = 10000.0, name: str | None = None,
                 restore_sequentially: bool = False, saver_def: Any = None, builder: Any = None,
                 defer_build: bool = False, allow_empty: bool = False, write_version: int = 2,
                 pad_step_number: bool = False, save_relative_paths: bool = True,
                 filename: str | None = None) -> None:
        if get_default_graph().finalized and not defer_build:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        if var_list is None:
            graph = get_default_graph()
            var_list = graph.get_collection(GraphKeys.GLOBAL_VARIABLES) + \
                graph.get_collection(GraphKeys.SAVEABLE_OBJECTS)
        self._vars = _name_map(var_list)
        if not self._vars and not allow_empty:
            raise ValueError("No variables to save")
        self._max_to_keep = max_to_keep
        self._keep_every = keep_checkpoint_every_n_hours
        self._pad_step_number = pad_step_number
        self._filename = filename
        self._last_checkpoints: list[tuple[str, float]] = []
        self._next_checkpoint_time = time.time() + keep_checkpoint_every_n_hours * 3600
        self._adopted_dirs: set[str] = set()
        #: guards the kept-checkpoints bookkeeping when threads share this Saver
        self._lock = threading.RLock()

    # ---- saving ------------------------------------------------------------------------------
    def save(self, sess: Any, save_path: str, global_step: Any = None,
             latest_filename: str | None = None, meta_graph_suffix: str = META_SUFFIX,
             write_meta_graph: bool = True, write_state: bool = True,
             strip_default_attrs: bool = False, save_debug_info: bool = False) -> str:
        """Saves the variables' values in `sess` to `save_path[-global_step]`.

        Returns:
            The checkpoint prefix written (`save_path-STEP` with a global step).

        Raises:
            ValueError: when the parent directory of `save_path` does not exist.
            FailedPreconditionError: when a variable is uninitialized (nothing is written).
        """
        if global_step is not None:
            step = global_step if isinstance(global_step, (int, np.integer)) else \
                sess.run(global_step)
            step_text = f"{int(step):08d}" if self._pad_step_number else str(int(step))
            prefix = f"{save_path}-{step_text}"
        else:
            prefix = save_path
        directory = os.path.dirname(prefix) or "."
        if not os.path.isdir(directory):
            raise ValueError(f"Parent directory of {save_path} doesn't exist, can't save.")
        values = sess._variable_values([v.op.name for v in self._vars.values()])
        tensors = {name: values[v.op.name] for name, v in self._vars.items()}
        # Only temporaries of dead writers go: other threads' in-flight files stay.
        remove_orphans(directory, [os.path.basename(save_path), latest_filename or
                                   checkpoint_state.STATE_FILENAME])
        checkpoint_format.write_checkpoint(prefix, tensors)
        if write_meta_graph:
            self.export_meta_graph(f"{prefix}.{meta_graph_suffix}", graph=sess.graph)
        if write_state:
            with self._lock, directory_lock(directory):
                self._adopt_directory(directory, os.path.basename(save_path), latest_filename)
                self._record(prefix, directory, latest_filename, meta_graph_suffix)
        return prefix

    def _adopt_directory(self, directory: str, basename: str, latest_filename: str | None
                         ) -> None:
        """On the first save into `directory`, takes over the checkpoints its state file
        lists, so `max_to_keep` holds across processes (TF1 forgot them on restart). Only
        paths this Saver could have written are adopted: `<basename>` or `<basename>-N`
        directly inside `directory`; anything else the file names is never touched."""
        key = os.path.abspath(directory)
        if key in self._adopted_dirs:
            return
        self._adopted_dirs.add(key)
        state = checkpoint_state.get_checkpoint_state(directory, latest_filename)
        if state is None:
            return
        times = state.all_model_checkpoint_timestamps
        if len(times) != len(state.all_model_checkpoint_paths):
            times = [time.time()] * len(state.all_model_checkpoint_paths)
        known = {os.path.abspath(p) for p, _ in self._last_checkpoints}
        adopted = [(p, t) for p, t in zip(state.all_model_checkpoint_paths, times)
                   if os.path.abspath(p) not in known and _is_own_checkpoint(p, key, basename)]
        skipped = len(state.all_model_checkpoint_paths) - len(adopted)
        if skipped:
            logging.info("Not adopting %d checkpoint(s) of %s's state file that this Saver did "
                         "not write", skipped, directory)
        self._last_checkpoints = adopted + self._last_checkpoints
        if state.last_preserved_timestamp:
            self._next_checkpoint_time = state.last_preserved_timestamp + self._keep_every * 3600

    def _record(self, prefix: str, directory: str, latest_filename: str | None,
                meta_suffix: str) -> None:
        """Adds `prefix` to the kept checkpoints, writes the state file, then deletes the
        checkpoints that fell out of `max_to_keep` (state first: a crash while deleting still
        finds the new checkpoint)."""
        now = time.time()
        self._last_checkpoints = [(p, t) for p, t in self._last_checkpoints
                                  if os.path.abspath(p) != os.path.abspath(prefix)]
        self._last_checkpoints.append((prefix, now))
        doomed = []
        if self._max_to_keep:
            while len(self._last_checkpoints) > self._max_to_keep:
                path, stamp = self._last_checkpoints.pop(0)
                if stamp > self._next_checkpoint_time:  # keep one every n hours
                    self._next_checkpoint_time += self._keep_every * 3600
                else:
                    doomed.append(path)
        kept = self._last_checkpoints if self._max_to_keep else [(prefix, now)]
        checkpoint_state.update_checkpoint_state(
            directory, prefix, [p for p, _ in kept], latest_filename,
            all_model_checkpoint_timestamps=[t for _, t in kept],
            last_preserved_timestamp=self._next_checkpoint_time - self._keep_every * 3600)
        for path in doomed:
            for file in (checkpoint_format.data_path(path), f"{path}.{meta_suffix}"):
                try:
                    os.remove(file)
                except FileNotFoundError:
                    pass
                except OSError as e:  # as TF1: a failed deletion never fails the save
                    logging.warning("Ignoring: %s", e)
        if doomed:
            fsync_directory(directory)

    # ---- restoring ---------------------------------------------------------------------------
    def restore(self, sess: Any, save_path: str | None) -> None:
        """Restores the variables from the checkpoint `save_path`, all or none.

        Raises:
            ValueError: `save_path` is None or names no checkpoint.
            NotFoundError: variables missing from the checkpoint (all of them named).
            InvalidArgumentError: shape or dtype mismatches (each variable and both shapes).
            DataLossError: a truncated or corrupted checkpoint.
        """
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        if not checkpoint_format.checkpoint_exists(save_path):
            raise ValueError(f"The passed save_path is not a valid checkpoint: {save_path}")
        reader = checkpoint_format.CheckpointReader(save_path)
        missing = sorted(n for n in self._vars if not reader.has_tensor(n))
        if missing:
            raise errors.NotFoundError(
                None, None, "Restoring from checkpoint failed: key(s) not found in checkpoint "
                f"{save_path}: {', '.join(missing)}")
        self._check_compatible(reader, save_path)
        values = {v.op.name: reader.get_tensor(n) for n, v in self._vars.items()}
        sess._replace_variables(values)

    def _check_compatible(self, reader: checkpoint_format.CheckpointReader,
                          save_path: str) -> None:
        shapes, dtype_map = reader.get_variable_to_shape_map(), reader.get_variable_to_dtype_map()
        problems = []
        for name, var in self._vars.items():
            if not var.shape.is_compatible_with(shapes[name]):
                problems.append(f"variable {var.op.name!r} has shape {format_dims(var.shape.dims)} "
                                f"in the graph but {format_dims(shapes[name])} in the checkpoint"
                                + ("" if name == var.op.name else f" (key {name!r})"))
            elif dtype_map[name] != var.dtype:
                problems.append(f"variable {var.op.name!r} has dtype {var.dtype.name} in the "
                                f"graph but {dtype_map[name].name} in the checkpoint")
        if problems:
            raise errors.InvalidArgumentError(
                None, None, f"Restoring from checkpoint {save_path} failed: "
                + "; ".join(problems))

    # ---- checkpoint bookkeeping ----------------------------------------------------------
    @property
    def last_checkpoints(self) -> list[str]:
        """The kept checkpoints, oldest first."""
        return [p for p, _ in self._last_checkpoints]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time: Sequence[tuple[str, float]]
                                       ) -> None:
        self._last_checkpoints = list(last_checkpoints_with_time)

    def recover_last_checkpoints(self, checkpoint_paths: Sequence[str]) -> None:
        """Adopts existing checkpoints (those that still exist) as if saved by this Saver."""
        now = time.time()
        self._last_checkpoints = [(p, now) for p in checkpoint_paths
                                  if checkpoint_format.checkpoint_exists(p)]

    # ---- graph structure ---------------------------------------------------------------------
    def as_saver_def(self) -> dict[str, Any]:
        """What rebuilds this Saver after `import_meta_graph`: variables by checkpoint name."""
        return {"variables": {name: v.to_proto() for name, v in self._vars.items()},
                "max_to_keep": self._max_to_keep,
                "keep_checkpoint_every_n_hours": self._keep_every}

    def to_proto(self, export_scope: str | None = None) -> dict[str, Any]:
        return self.as_saver_def()

    def export_meta_graph(self, filename: str | None = None, collection_list: Any = None,
                          as_text: bool = False, export_scope: str | None = None,
                          clear_devices: bool = False, clear_extraneous_savers: bool = False,
                          strip_default_attrs: bool = False, save_debug_info: bool = False,
                          graph: Any = None) -> dict[str, Any]:
        """Writes the graph, its collections and this Saver to `filename` (see
        `tf.train.export_meta_graph`)."""
        from .meta_graph import export_meta_graph

        return export_meta_graph(filename, saver_def=self.as_saver_def(),
                                 collection_list=collection_list, as_text=as_text,
                                 graph=graph, clear_devices=clear_devices)


def _is_own_checkpoint(path: str, directory: str, basename: str) -> bool:
    """Whether `path` is `<basename>` or `<basename>-N` (N digits) directly in `directory`
    (absolute): what a Saver saving there could write. (A planted symbolic link under such a
    name is harmless: deleting it removes the link, never its target.)"""
    absolute = os.path.abspath(path)
    if os.path.dirname(absolute) != directory:  # `../victim/x`, `/elsewhere/x`, `sub/x`
        return False
    return re.fullmatch(re.escape(basename) + r"(?:-[0-9]+)?", os.path.basename(absolute)) \
        is not None


def _name_map(var_list: Sequence[Any] | Mapping[str, Any]) -> dict[str, Variable]:
    """{checkpoint name: Variable}, checked."""
    items = list(var_list.items()) if isinstance(var_list, Mapping) else \
        [(getattr(v, "op", None) and v.op.name, v) for v in var_list]
    result: dict[str, Variable] = {}
    for name, var in items:
        if not isinstance(var, Variable):
            raise TypeError(f"Variable to save is not a Variable: {var!r}")
        if name in result:
            raise ValueError(f"At least two variables have the same name: {name}")
        result[name] = var
    return result
