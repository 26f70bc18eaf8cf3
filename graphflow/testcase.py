"""`tf.test.TestCase` and `tf.test.main`: TF1's unittest base class with array assertions and sessions.

Each test starts on a fresh default graph (as TF1's `setUp`); `self.session()` opens a Session on
it, `self.cached_session()` reuses one Session for the whole test, `self.evaluate(t)` runs tensors
in the default session (or the cached one).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
import unittest
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from graphflow.framework import errors
from graphflow.framework.default_session import get_default_session
from graphflow.framework.dtypes import DType, as_dtype
from graphflow.framework.graph import Graph, get_default_graph, reset_default_graph
from graphflow.framework.tensor import Operation, Tensor

# Tolerances of assertAllCloseAccordingToType by numpy dtype (TF1's defaults).
_HALF_TOL = 1e-3
_BFLOAT16_TOL = 1e-2


class TestCase(unittest.TestCase):
    """A unittest.TestCase with TF1's assertions (`assertAllClose`, ...) and session helpers."""

    def setUp(self) -> None:
        super().setUp()
        reset_default_graph()
        self._cached: Any = None
        self._temp_dir: str | None = None

    def tearDown(self) -> None:
        if self._cached is not None:
            self._cached.close()
            self._cached = None
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None
        super().tearDown()

    # ----- sessions -----

    def get_temp_dir(self) -> str:
        """A directory private to this test, removed after it."""
        if getattr(self, "_temp_dir", None) is None:
            self._temp_dir = tempfile.mkdtemp(prefix=f"{self._testMethodName}_")
        return self._temp_dir

    @contextlib.contextmanager
    def session(self, graph: Graph | None = None, config: Any = None, use_gpu: bool = False,
                force_gpu: bool = False) -> Iterator[Any]:
        """A new Session on `graph` (the default graph when None), default while the block runs."""
        from graphflow.session.session import Session

        graph = get_default_graph() if graph is None else graph
        with graph.as_default(), Session(graph=graph, config=config) as sess:
            yield sess

    @contextlib.contextmanager
    def cached_session(self, graph: Graph | None = None, config: Any = None, use_gpu: bool = False,
                       force_gpu: bool = False) -> Iterator[Any]:
        """The same Session on every call within a test (closed by tearDown), default in the block.

        As TF1, the first call creates it on `graph` (the default graph when None) and later calls
        reuse it, with its graph made the default inside the block.

        Raises:
            ValueError: when a later call names another `graph` than the first did.
        """
        from graphflow.session.session import Session

        if getattr(self, "_cached", None) is None:
            self._cached = Session(graph=get_default_graph() if graph is None else graph, config=config)
            self._cached_graph_arg = graph
        elif self._cached_graph_arg is not graph:
            raise ValueError("The graph used to get the cached session is different than the one that was "
                             "used to create the session. Maybe create a new session with self.session()")
        with self._cached.graph.as_default(), self._cached.as_default():
            yield self._cached

    @property
    def test_session(self) -> Callable[..., contextlib.AbstractContextManager]:
        """TF1's older name of `cached_session`.

        A property, so that unittest's loader (which collects callables named test*) does not run it
        as a test.
        """
        return self.cached_session

    def evaluate(self, tensors: Any) -> Any:
        """`tensors` (any fetch structure) run in the default session, or the cached one."""
        sess = get_default_session()
        if sess is not None:
            return sess.run(tensors)
        with self.cached_session() as cached:
            return cached.run(tensors)

    def _as_array(self, value: Any) -> np.ndarray:
        if isinstance(value, (Tensor, Operation)):
            value = self.evaluate(value)
        return np.asarray(value)

    # ----- assertions -----

    def assertNear(self, f1: float, f2: float, err: float, msg: str | None = None) -> None:
        """|f1 - f2| <= err."""
        self.assertTrue(abs(f1 - f2) <= err,
                        f"{f1} != {f2} +/- {err}" + (f" : {msg}" if msg else ""))

    def assertArrayNear(self, farray1: Any, farray2: Any, err: float, msg: str | None = None) -> None:
        """Same length and every pair of elements within `err`."""
        self.assertEqual(len(farray1), len(farray2), msg)
        for f1, f2 in zip(farray1, farray2):
            self.assertNear(float(f1), float(f2), err, msg)

    def _close_recursive(self, a: Any, b: Any, rtol: float, atol: float, path: str, msg: str | None
                         ) -> None:
        if isinstance(a, dict) or isinstance(b, dict):
            self.assertIsInstance(a, dict, f"mismatched types at {path or 'top'}")
            self.assertIsInstance(b, dict, f"mismatched types at {path or 'top'}")
            self.assertEqual(set(a), set(b), f"mismatched keys at {path or 'top'}")
            for key in a:
                self._close_recursive(a[key], b[key], rtol, atol, f"{path}[{key!r}]", msg)
            return
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
            try:
                a_arr, b_arr = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
            except (ValueError, TypeError):
                # Ragged or mixed structures: compare element by element, as TF.
                self.assertEqual(len(a), len(b), f"mismatched lengths at {path or 'top'}")
                for i, (x, y) in enumerate(zip(a, b)):
                    self._close_recursive(x, y, rtol, atol, f"{path}[{i}]", msg)
                return
            self._close_arrays(a_arr, b_arr, rtol, atol, path, msg)
            return
        self._close_arrays(self._as_array(a), self._as_array(b), rtol, atol, path, msg)

    def _close_arrays(self, a: np.ndarray, b: np.ndarray, rtol: float, atol: float, path: str,
                      msg: str | None) -> None:
        where = f" at {path}" if path else ""
        if a.shape != b.shape:
            self.fail(f"Shape mismatch{where}: expected {a.shape}, got {b.shape} "
                      f"with contents {b}." + (f" {msg}" if msg else ""))
        if a.dtype == object or b.dtype == object:
            self.assertTrue(np.array_equal(a, b), f"Not equal{where}: {a} vs {b}. {msg or ''}")
            return
        if not np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True):
            bad = ~np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
            self.fail(f"Not close{where} (rtol={rtol}, atol={atol}): {int(bad.sum())} of {a.size} "
                      f"differ; first at index {np.argwhere(bad)[0].tolist() if a.ndim else []}: "
                      f"{a[bad].ravel()[0]} vs {b[bad].ravel()[0]}." + (f" {msg}" if msg else ""))

    def assertAllClose(self, a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-6,
                       msg: str | None = None) -> None:
        """Element-wise |a - b| <= atol + rtol * |b| with equal shapes (NaNs match NaNs).

        `a` and `b` may be arrays, numbers, Tensors (evaluated), or nested dicts/lists/tuples of them.
        """
        self._close_recursive(a, b, rtol, atol, "", msg)

    def assertAllCloseAccordingToType(self, a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-6,
                                      float_rtol: float = 1e-6, float_atol: float = 1e-6,
                                      half_rtol: float = _HALF_TOL, half_atol: float = _HALF_TOL,
                                      bfloat16_rtol: float = _BFLOAT16_TOL,
                                      bfloat16_atol: float = _BFLOAT16_TOL, msg: str | None = None
                                      ) -> None:
        """assertAllClose with tolerances widened for float32 / float16 / bfloat16 values."""
        a_arr, b_arr = self._as_array(a), self._as_array(b)
        kinds = {str(a_arr.dtype), str(b_arr.dtype)}
        if "float32" in kinds or "complex64" in kinds:
            rtol, atol = max(rtol, float_rtol), max(atol, float_atol)
        if "float16" in kinds:
            rtol, atol = max(rtol, half_rtol), max(atol, half_atol)
        if "bfloat16" in kinds:
            rtol, atol = max(rtol, bfloat16_rtol), max(atol, bfloat16_atol)
        self.assertAllClose(a_arr, b_arr, rtol=rtol, atol=atol, msg=msg)

    def assertAllEqual(self, a: Any, b: Any, msg: str | None = None) -> None:
        """Equal shapes and equal elements (NaN equals NaN in float arrays)."""
        a_arr, b_arr = self._as_array(a), self._as_array(b)
        if a_arr.shape != b_arr.shape:
            self.fail(f"Shape mismatch: expected {a_arr.shape}, got {b_arr.shape} with contents "
                      f"{b_arr}." + (f" {msg}" if msg else ""))
        same = a_arr == b_arr
        if a_arr.dtype.kind in "fc" and b_arr.dtype.kind in "fc":
            same = np.logical_or(same, np.logical_and(np.isnan(a_arr), np.isnan(b_arr)))
        if not np.all(same):
            bad = np.argwhere(~np.asarray(same))
            first = bad[0].tolist() if bad.size else []
            self.fail(f"Not equal: {max(bad.shape[0], 1)} elements differ, first at {first}: "
                      f"{a_arr} vs {b_arr}." + (f" {msg}" if msg else ""))

    def assertShapeEqual(self, np_array: Any, tf_tensor: Tensor, msg: str | None = None) -> None:
        """The numpy array's shape equals the tensor's static shape.

        Raises:
            TypeError: when `tf_tensor` is not a Tensor.
        """
        if not isinstance(tf_tensor, Tensor):
            raise TypeError(f"tf_tensor must be a Tensor, got {type(tf_tensor).__name__}")
        self.assertEqual(list(np.shape(np_array)), tf_tensor.get_shape().as_list(), msg)

    def assertDTypeEqual(self, target: Any, expected_dtype: Any) -> None:
        """Every array in `target` (an array or a list of them) has `expected_dtype`."""
        if isinstance(expected_dtype, DType):
            expected = np.dtype(expected_dtype.as_numpy_dtype)
        else:
            expected = np.dtype(as_dtype(expected_dtype).as_numpy_dtype)
        arrays = target if isinstance(target, list) else [target]
        for arr in arrays:
            self.assertEqual(self._as_array(arr).dtype, expected)

    @contextlib.contextmanager
    def assertRaisesWithPredicateMatch(self, exception_type: type[BaseException],
                                       expected_err_re_or_predicate: str | Callable[[BaseException], bool]
                                       ) -> Iterator[None]:
        """The block raises `exception_type` whose message matches the regex (or the predicate holds)."""
        if callable(expected_err_re_or_predicate):
            predicate = expected_err_re_or_predicate
        else:
            pattern = expected_err_re_or_predicate

            def predicate(err: BaseException) -> bool:
                return re.search(pattern, str(err)) is not None
        try:
            yield
        except exception_type as err:
            if not predicate(err):
                raise AssertionError(f"Exception of type {type(err).__name__} does not match "
                                     f"{expected_err_re_or_predicate!r}: {err}") from err
        else:
            self.fail(f"{exception_type.__name__} not raised")

    def assertRaisesOpError(self, expected_err_re_or_predicate: str | Callable[[BaseException], bool]
                            ) -> contextlib.AbstractContextManager:
        """The block raises a `tf.errors.OpError` matching the regex or predicate."""
        return self.assertRaisesWithPredicateMatch(errors.OpError, expected_err_re_or_predicate)


_process_temp_dir: list[str] = []


def get_temp_dir() -> str:
    """One temporary directory for the whole test process (`tf.test.get_temp_dir()`)."""
    if not _process_temp_dir:
        _process_temp_dir.append(tempfile.mkdtemp(prefix="graphflow_test_"))
    return _process_temp_dir[0]


def main(argv: list[str] | None = None) -> None:
    """Runs the TestCases of the `__main__` module (unittest's runner) and exits with its status."""
    unittest.main(module="__main__", argv=argv)
