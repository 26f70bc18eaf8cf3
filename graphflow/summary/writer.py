"""`tf.summary.FileWriter` and `tf.summary.FileWriterCache`: TensorBoard event files written
off the training thread (a bounded queue drained by a writer thread, as TF1's writer).

Files are named as TF1 names them, `events.out.tfevents.<seconds>.<hostname><suffix>`; each
record is written whole by TensorBoard's RecordWriter (length, masked crc32c, data, masked
crc32c), so a killed process leaves a file TensorBoard still reads.
"""

from __future__ import annotations

import os
import queue
import socket
import threading
import time
from typing import Any

from .graph_def import to_graph_def
from .protos import protos
from .summary_ops import summary_bytes

_STOP = object()


class _WriterThread(threading.Thread):
    """Drains the queue into the record writer; flushes every `flush_secs` and on request."""

    def __init__(self, events: queue.Queue, record_writer: Any, flush_secs: float) -> None:
        super().__init__(daemon=True, name="graphflow-event-writer")
        self._events, self._records, self._flush_secs = events, record_writer, flush_secs
        self.error: BaseException | None = None

    def run(self) -> None:
        next_flush = time.time() + self._flush_secs
        while True:
            try:
                item = self._events.get(timeout=max(0.0, next_flush - time.time()))
            except queue.Empty:
                item = None
            try:
                if item is _STOP:
                    return
                if item is not None:
                    self._records.write(item)
                if time.time() >= next_flush:
                    self._records.flush()
                    next_flush = time.time() + self._flush_secs
            except BaseException as e:  # kept and raised in the caller's thread
                self.error = e
            finally:
                if item is not None:
                    self._events.task_done()


def _run_metadata_bytes(run_metadata: Any) -> bytes:
    if isinstance(run_metadata, bytes):
        return run_metadata
    if hasattr(run_metadata, "SerializeToString"):
        return run_metadata.SerializeToString()
    from tensorboard.compat.proto import config_pb2

    proto = config_pb2.RunMetadata()
    step_stats = getattr(run_metadata, "step_stats", None)
    if hasattr(step_stats, "SerializeToString"):
        proto.step_stats.ParseFromString(step_stats.SerializeToString())
    return proto.SerializeToString()


class FileWriter:
    """Writes Summary protos, graphs and events to an event file in `logdir`.

    Args:
        logdir: the directory (created if needed).
        graph: a Graph written at once (as `add_graph`).
        max_queue: events kept in memory before `add_*` waits for the writer thread.
        flush_secs: how often the writer thread flushes the file.
        filename_suffix: appended to the event file's name.
        session: accepted for TF1 compatibility; unused.

    Raises:
        ImportError: when tensorboard is not installed.
        PermissionError / NotADirectoryError / OSError: when `logdir` cannot be created or
            written (naming it).
    """

    def __init__(self, logdir: str, graph: Any = None, max_queue: int = 10, flush_secs: float = 120,
                 graph_def: Any = None, filename_suffix: str | None = None, session: Any = None) -> None:
        self._event_pb2 = protos().event_pb2
        self._logdir = str(logdir)
        self._max_queue, self._flush_secs = max_queue, flush_secs
        self._suffix = filename_suffix or ""
        self._closed = True
        self._open()
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)

    def _open(self) -> None:
        from tensorboard.summary.writer.record_writer import RecordWriter

        try:
            os.makedirs(self._logdir, exist_ok=True)
            path = os.path.join(self._logdir, f"events.out.tfevents.{int(time.time()):010d}."
                                f"{socket.gethostname()}{self._suffix}")
            handle = open(path, "wb")  # noqa: SIM115 - closed by close()
        except OSError as e:
            raise type(e)(e.errno, f"FileWriter cannot write to logdir {self._logdir!r}: "
                          f"{e.strerror}") from e
        self._path = path
        self._records = RecordWriter(handle)
        self._events: queue.Queue = queue.Queue(max(1, self._max_queue))
        self._thread = _WriterThread(self._events, self._records, self._flush_secs)
        self._thread.start()
        self._closed = False
        self._write(self._event_pb2.Event(wall_time=time.time(), file_version="brain.Event:2"))

    def _write(self, event: Any) -> None:
        if self._thread.error is not None:
            raise self._thread.error
        if not self._closed:  # TF1 ignores events added after close()
            self._events.put(event.SerializeToString())

    def get_logdir(self) -> str:
        """The directory the event file is in."""
        return self._logdir

    def add_event(self, event: Any) -> None:
        """Queues an Event proto for writing."""
        self._write(event)

    def add_summary(self, summary: Any, global_step: int | None = None) -> None:
        """Queues a summary (a fetched summary tensor's bytes or a Summary proto) at `global_step`."""
        event = self._event_pb2.Event(wall_time=time.time())
        event.summary.ParseFromString(summary_bytes(summary))
        if global_step is not None:
            event.step = int(global_step)
        self._write(event)

    def add_graph(self, graph: Any, global_step: int | None = None, graph_def: Any = None) -> None:
        """Queues the graph (a graphflow Graph, or a GraphDef proto as `graph_def`) for the
        graph tab."""
        graph_def = graph_def if graph is None else to_graph_def(graph)
        event = self._event_pb2.Event(wall_time=time.time(),
                                      graph_def=graph_def.SerializeToString())
        if global_step is not None:
            event.step = int(global_step)
        self._write(event)

    def add_meta_graph(self, meta_graph_def: Any, global_step: int | None = None) -> None:
        """Queues a MetaGraphDef proto (TensorBoard shows its graph when no GraphDef is written).

        Raises:
            TypeError: when `meta_graph_def` is not a MetaGraphDef proto (TF1's check).
        """
        if type(meta_graph_def).__name__ != "MetaGraphDef" or not hasattr(meta_graph_def, "SerializeToString"):
            raise TypeError(f"meta_graph_def must be type MetaGraphDef, saw type: {type(meta_graph_def)}")
        event = self._event_pb2.Event(wall_time=time.time(), meta_graph_def=meta_graph_def.SerializeToString())
        if global_step is not None:
            event.step = int(global_step)
        self._write(event)

    def add_session_log(self, session_log: Any, global_step: int | None = None) -> None:
        """Queues a SessionLog proto (START, STOP, CHECKPOINT) at `global_step`."""
        event = self._event_pb2.Event(wall_time=time.time())
        event.session_log.CopyFrom(session_log)
        if global_step is not None:
            event.step = int(global_step)
        self._write(event)

    def add_run_metadata(self, run_metadata: Any, tag: str, global_step: int | None = None) -> None:
        """Queues a RunMetadata under `tag` (TensorBoard's graph tab lists it per step): a
        RunMetadata proto, its bytes, or graphflow's `tf.RunMetadata` (written as a
        RunMetadata proto; its step stats are carried when they are a StepStats proto)."""
        data = _run_metadata_bytes(run_metadata)
        event = self._event_pb2.Event(wall_time=time.time())
        event.tagged_run_metadata.tag = tag
        event.tagged_run_metadata.run_metadata = data
        if global_step is not None:
            event.step = int(global_step)
        self._write(event)

    def flush(self) -> None:
        """Blocks until every queued event is written and flushed to disk."""
        if self._closed:
            return
        self._events.join()
        if self._thread.error is not None:
            raise self._thread.error
        self._records.flush()

    def close(self) -> None:
        """Flushes and closes the file; later `add_*` calls are ignored until `reopen()`."""
        if self._closed:
            return
        self.flush()
        self._closed = True
        self._events.put(_STOP)
        self._thread.join()
        self._records.close()

    def reopen(self) -> None:
        """Opens a new event file in the same logdir after `close()` (no-op while open)."""
        if self._closed:
            self._open()

    def __enter__(self) -> FileWriter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class FileWriterCache:
    """One shared FileWriter per logdir (TF1's `tf.summary.FileWriterCache`)."""

    _lock = threading.Lock()
    _cache: dict[str, FileWriter] = {}

    @staticmethod
    def get(logdir: str) -> FileWriter:
        """The FileWriter of `logdir`, created on first use."""
        with FileWriterCache._lock:
            if logdir not in FileWriterCache._cache:
                FileWriterCache._cache[logdir] = FileWriter(logdir)
            return FileWriterCache._cache[logdir]

    @staticmethod
    def clear() -> None:
        """Closes and forgets every cached writer."""
        with FileWriterCache._lock:
            for w in FileWriterCache._cache.values():
                w.close()
            FileWriterCache._cache.clear()
