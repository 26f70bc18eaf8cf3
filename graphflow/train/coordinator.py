"""`tf.train.Coordinator` (threads stopping together, errors reported once) and `LooperThread`."""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from graphflow import logging
from graphflow.framework import errors


class Coordinator:
    """Coordinates the termination of a set of threads.

    Args:
        clean_stop_exception_types: exceptions that request a stop without being an error
            (default: OutOfRangeError).
    """

    def __init__(self, clean_stop_exception_types: Iterable[type] | None = None) -> None:
        self._clean_stop_exception_types = tuple(
            clean_stop_exception_types if clean_stop_exception_types is not None
            else (errors.OutOfRangeError,))
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._exc_info_to_raise: Any = None
        self._joined = False
        self._registered_threads: set[threading.Thread] = set()

    def request_stop(self, ex: Any = None) -> None:
        """Asks the threads to stop; `ex` (an exception or exc_info) is re-raised by `join`.

        Only the first error is kept; clean-stop exceptions are not errors.
        """
        with self._lock:
            if isinstance(ex, tuple):
                exc_info = ex
            elif isinstance(ex, BaseException):
                exc_info = (type(ex), ex, ex.__traceback__)
            else:
                exc_info = None
            if exc_info is not None and isinstance(exc_info[1], self._clean_stop_exception_types):
                exc_info = None
            if self._joined and exc_info is not None and self._exc_info_to_raise is None:
                # TF1 raises here too: a late error would otherwise be lost silently.
                raise exc_info[1]
            if exc_info is not None and self._exc_info_to_raise is None:
                logging.info("Error reported to Coordinator: %s", exc_info[1])
                self._exc_info_to_raise = exc_info
            self._stop_event.set()

    def clear_stop(self) -> None:
        """Clears the stop request and the recorded error so the coordinator can be reused."""
        with self._lock:
            self._joined = False
            self._exc_info_to_raise = None
            self._stop_event.clear()

    def should_stop(self) -> bool:
        return self._stop_event.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self) -> Iterator[None]:
        """A context manager requesting a stop with any exception raised inside it."""
        try:
            yield
        except BaseException:  # noqa: BLE001 - every exception is reported, as in TF1
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout: float | None = None) -> bool:
        """Waits until a stop is requested or `timeout` seconds pass; returns should_stop()."""
        return self._stop_event.wait(timeout)

    def register_thread(self, thread: threading.Thread) -> None:
        with self._lock:
            self._registered_threads.add(thread)

    def join(self, threads: Iterable[threading.Thread] | None = None,
             stop_grace_period_secs: float = 120, ignore_live_threads: bool = False) -> None:
        """Waits for the threads to finish, then re-raises the first reported error.

        Raises:
            RuntimeError: if threads are still alive `stop_grace_period_secs` after a stop
                request (unless `ignore_live_threads`).
        """
        with self._lock:
            threads = set(self._registered_threads) | set(threads or [])
        while any(t.is_alive() for t in threads) and not self.wait_for_stop(1.0):
            pass
        deadline = time.time() + stop_grace_period_secs
        while any(t.is_alive() for t in threads) and time.time() < deadline:
            time.sleep(0.01)
        with self._lock:
            self._joined = True
            self._registered_threads = set()
            if self._exc_info_to_raise is not None:
                raise self._exc_info_to_raise[1].with_traceback(self._exc_info_to_raise[2])
        stragglers = [t.name for t in threads if t.is_alive()]
        if stragglers:
            if ignore_live_threads:
                logging.info("Coordinator stopped with threads still running: %s", " ".join(stragglers))
            else:
                raise RuntimeError("Coordinator stopped with threads still running: "
                                   + " ".join(stragglers))

    @property
    def joined(self) -> bool:
        return self._joined

    def raise_requested_exception(self) -> None:
        """Raises the exception passed to `request_stop`, if any."""
        with self._lock:
            if self._exc_info_to_raise is not None:
                raise self._exc_info_to_raise[1].with_traceback(self._exc_info_to_raise[2])


class LooperThread(threading.Thread):
    """A thread that calls `target(*args, **kwargs)` every `timer_interval_secs` seconds (or in
    a tight loop when None) until the coordinator requests a stop; errors stop the coordinator.
    """

    def __init__(self, coord: Coordinator, timer_interval_secs: float | None,
                 target: Callable[..., Any] | None = None, args: Any = None,
                 kwargs: Any = None) -> None:
        if not isinstance(coord, Coordinator):
            raise ValueError(f"'coord' argument must be a Coordinator: {coord}")
        super().__init__()
        self.daemon = True
        self._coord = coord
        self._timer_interval_secs = timer_interval_secs
        self._target = target
        self._args = args or ()
        self._kwargs = kwargs or {}
        self._coord.register_thread(self)

    @staticmethod
    def loop(coord: Coordinator, timer_interval_secs: float | None, target: Callable[..., Any],
             args: Any = None, kwargs: Any = None) -> LooperThread:
        """Starts a LooperThread calling `target` and returns it."""
        looper = LooperThread(coord, timer_interval_secs, target=target, args=args, kwargs=kwargs)
        looper.start()
        return looper

    def run(self) -> None:
        with self._coord.stop_on_exception():
            self.start_loop()
            if self._timer_interval_secs is None:
                while not self._coord.should_stop():
                    self.run_loop()
            else:
                next_time = time.time() + self._timer_interval_secs
                while not self._coord.wait_for_stop(max(0.0, next_time - time.time())):
                    next_time += self._timer_interval_secs
                    self.run_loop()
            self.stop_loop()

    def start_loop(self) -> None:
        """Called once when the thread starts."""

    def stop_loop(self) -> None:
        """Called once when the thread stops."""

    def run_loop(self) -> None:
        """One iteration: calls the target (subclasses may override instead)."""
        if self._target:
            self._target(*self._args, **self._kwargs)
