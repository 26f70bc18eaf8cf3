"""tf.test.TestCase: assertions pass and fail as TF1's (tolerances recorded from TF 2.21's test_util),
sessions on a fresh graph, evaluate, temp dirs, and tf.test.main as a runner."""

import os
import subprocess
import sys
import textwrap
import unittest

import numpy as np
import pytest

import graphflow as tf


class _Case(tf.test.TestCase):
    __test__ = False  # used through the fixture below, not collected as a test itself

    def runTest(self):  # unittest needs a method to instantiate the case
        pass


@pytest.fixture
def case():
    test = _Case()
    test.setUp()
    yield test
    test.tearDown()


def test_assert_all_close_default_tolerances(case):
    case.assertAllClose(1.0, 1.0 + 2e-6)  # within atol + rtol*|b| = 2e-6 (TF passes)
    with pytest.raises(AssertionError):
        case.assertAllClose(np.float32(1), 1.0 + 5e-6)  # TF fails: diff 5e-6 > tol 2e-6
    case.assertAllClose(1.0, 1.0 + 5e-6, rtol=1e-5)
    case.assertAllClose([1, [2, 3]], [1, [2, 3]])  # ragged: compared element by element
    case.assertAllClose({"a": 1, "b": (np.ones(2), 3.0)}, {"a": 1.0, "b": ([1, 1], 3)})
    case.assertAllClose([np.nan, 1.0], [np.nan, 1.0])
    with pytest.raises(AssertionError, match="Shape mismatch"):
        case.assertAllClose(np.array([1, 2]), np.array([[1, 2]]))
    with pytest.raises(AssertionError, match="mismatched keys"):
        case.assertAllClose({"a": 1}, {"b": 1})
    with pytest.raises(AssertionError, match=r"\['b'\]"):
        case.assertAllClose({"b": [1.0]}, {"b": [1.5]})


def test_assert_all_close_according_to_type(case):
    case.assertAllCloseAccordingToType(np.float32([1]), np.float32([1 + 5e-7]))
    case.assertAllCloseAccordingToType(np.float16([1]), np.float16([1.0009]))  # half tolerance 1e-3
    with pytest.raises(AssertionError):
        case.assertAllCloseAccordingToType(np.float64([1]), np.float64([1.0009]))
    with pytest.raises(AssertionError):
        case.assertAllCloseAccordingToType(np.float16([1]), np.float16([1.01]))


def test_assert_all_equal_near_shape_dtype(case):
    case.assertAllEqual([[1, 2]], np.array([[1, 2]]))
    case.assertAllEqual(np.array([np.nan, 2.0]), np.array([np.nan, 2.0]))
    with pytest.raises(AssertionError):
        case.assertAllEqual([1, 2], [1, 3])
    with pytest.raises(AssertionError, match="Shape mismatch"):
        case.assertAllEqual([1, 2], [[1, 2]])
    case.assertNear(1.0, 1.05, 0.1)
    with pytest.raises(AssertionError, match=r"1.0 != 1.2 \+/- 0.1"):
        case.assertNear(1.0, 1.2, 0.1)
    case.assertArrayNear([1.0, 2.0], [1.01, 1.99], 0.02)
    with pytest.raises(AssertionError):
        case.assertArrayNear([1.0, 2.0], [1.0, 2.5], 0.02)
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.zeros([2, 3])
    case.assertShapeEqual(np.zeros((2, 3)), y)
    with pytest.raises(AssertionError):
        case.assertShapeEqual(np.zeros((2, 3)), x)
    with pytest.raises(TypeError):
        case.assertShapeEqual(np.zeros(3), np.zeros(3))
    case.assertDTypeEqual(np.zeros(2, np.float32), tf.float32)
    case.assertDTypeEqual([np.zeros(2, np.int64), np.ones(1, np.int64)], np.int64)
    with pytest.raises(AssertionError):
        case.assertDTypeEqual(np.zeros(2), np.float32)


def test_sessions_evaluate_and_op_errors(case):
    graph = tf.get_default_graph()
    with case.session() as sess:
        assert sess.graph is graph and tf.get_default_session() is sess
    with case.cached_session() as first:
        pass
    with case.test_session() as second:
        assert second is first
    with tf.Graph().as_default():
        with case.cached_session() as third:  # TF1: the cached session, its graph made the default
            assert third is first and tf.get_default_graph() is graph
        with pytest.raises(ValueError, match="different than the one"), case.cached_session(graph=tf.Graph()):
            pass
    x = tf.constant([1.0, 2.0]) * 3.0
    case.assertAllClose(case.evaluate(x), [3.0, 6.0])
    assert case.evaluate({"x": x, "l": [x]})["l"][0].tolist() == [3.0, 6.0]
    case.assertAllClose(x, [3.0, 6.0])  # Tensors are evaluated
    p = tf.placeholder(tf.float32, [1])
    checked = tf.check_numerics(p, "input check")
    with case.assertRaisesOpError("NaN"), case.session() as sess:
        sess.run(checked, {p: [np.nan]})
    mismatch = case.assertRaisesOpError("nothing like it")
    with pytest.raises(AssertionError, match="does not match"), mismatch, case.session() as sess:
        sess.run(checked, {p: [np.nan]})
    with pytest.raises(AssertionError, match="not raised"), case.assertRaisesOpError("NaN"):
        pass


def test_each_test_starts_on_a_fresh_graph_and_temp_dir():
    seen = []

    class Recorder(tf.test.TestCase):
        def test_a(self):
            tf.constant(1.0, name="c")
            seen.append((tf.get_default_graph(), self.get_temp_dir()))
            assert os.path.isdir(self.get_temp_dir())

        def test_b(self):
            self.test_a()

    result = unittest.TextTestRunner(stream=open(os.devnull, "w")).run(  # noqa: SIM115
        unittest.defaultTestLoader.loadTestsFromTestCase(Recorder))
    assert result.wasSuccessful()
    (graph_a, dir_a), (graph_b, dir_b) = seen
    assert graph_a is not graph_b and dir_a != dir_b
    assert not os.path.exists(dir_a) and not os.path.exists(dir_b)  # removed by tearDown
    shared = tf.test.get_temp_dir()
    assert os.path.isdir(shared) and tf.test.get_temp_dir() == shared


def test_tf_test_main_runs_the_module_and_sets_the_status(tmp_path):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    script = tmp_path / "my_test.py"
    script.write_text(textwrap.dedent('''
        import graphflow as tf

        class AddTest(tf.test.TestCase):
            def test_add(self):
                with self.cached_session():
                    self.assertAllEqual(self.evaluate(tf.add(1, 2)), 3)

            def test_wrong(self):
                self.assertAllClose([1.0], [2.0])

        if __name__ == "__main__":
            tf.test.main()
    '''))
    out = subprocess.run([sys.executable, str(script), "-v"], capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, PYTHONPATH=root))
    assert out.returncode == 1
    assert "test_add (__main__.AddTest" in out.stderr and "ok" in out.stderr
    assert "FAILED (failures=1)" in out.stderr
