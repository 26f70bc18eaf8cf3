"""TF1 control-flow programs, each a function of the `tf` module, shared by
tests/compat/test_control_flow_tf.py (both engines in one process) and usable on each engine
alone (`python -m tests.compat.control_flow_programs tf|graphflow` prints their results)."""

from __future__ import annotations

import collections
import json
import sys

import numpy as np

Pair = collections.namedtuple("Pair", "a b")
XS = np.array([[0.2, -0.4, 0.9], [1.1, 0.3, -0.5], [-0.7, 0.8, 0.1], [0.4, 0.4, -1.2]],
              np.float32)


def cond_values_and_gradients(tf):
    x = tf.placeholder(tf.float32, [3])
    p = tf.placeholder(tf.bool, [])
    w = tf.Variable(np.array([0.5, -1.0, 2.0], np.float32))
    y = tf.cond(p, lambda: tf.reduce_sum(tf.sin(x) * w), lambda: tf.reduce_sum(x * x))
    gx, gw = tf.gradients(y, [x, w])
    nested = tf.cond(p, lambda: (x * 2.0, Pair(x[0], {"k": x[1:]})),
                     lambda: (x - 1.0, Pair(x[2], {"k": x[:2]})))
    with tf.Session() as sess:
        sess.run(w.initializer)
        out = {}
        for taken in (True, False):
            feed = {x: XS[0], p: taken}
            gwv = sess.run(gw, feed)
            out[str(taken)] = {"y": sess.run(y, feed), "gx": sess.run(gx, feed),
                               "gw": None if gwv is None else gwv, "nested": sess.run(nested, feed)}
        return out


def while_loop_rnn_and_gradients(tf):
    x = tf.placeholder(tf.float32, [4, 3])
    w = tf.Variable(np.linspace(-0.6, 0.6, 9).reshape(3, 3).astype(np.float32))
    u = tf.Variable(np.linspace(0.3, -0.3, 9).reshape(3, 3).astype(np.float32))

    def body(t, h, total):
        h = tf.tanh(tf.matmul(tf.reshape(tf.gather(x, t), [1, 3]), w) + tf.matmul(h, u))
        return t + 1, h, total + tf.reduce_sum(h)

    _, h, total = tf.while_loop(lambda t, h, s: t < 4, body,
                                [tf.constant(0), tf.zeros([1, 3]), tf.constant(0.0)])
    grads = [tf.convert_to_tensor(g)  # TF gives the gather's gradient as IndexedSlices
             for g in tf.gradients(total + tf.reduce_sum(h * h), [x, w, u])]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run({"h": h, "total": total, "grads": grads}, {x: XS})


def while_loop_structures(tf):
    out = tf.while_loop(lambda i, p: i < 3, lambda i, p: (i + 1, Pair(p.a * 2, p.b + [1, 1])),
                        (tf.constant(0), Pair(tf.constant(1.5), tf.constant([0, 1]))))
    single = tf.while_loop(lambda i: i < 5, lambda i: i + 2, [tf.constant(0)])
    bounded = tf.while_loop(lambda i: i < 100, lambda i: i + 1, [tf.constant(0)],
                            maximum_iterations=7)
    grown = tf.while_loop(lambda v: tf.size(v) < 6, lambda v: tf.concat([v, v + 1], 0),
                          [tf.constant([1])], shape_invariants=[tf.TensorShape([None])])
    case = [tf.case([(tf.equal(k, 0), lambda: tf.constant(10)),
                     (tf.equal(k, 1), lambda: tf.constant(20))], default=lambda: tf.constant(30))
            for k in (tf.constant(0), tf.constant(1), tf.constant(2))]
    with tf.Session() as sess:
        return sess.run({"out": out, "single": single, "bounded": bounded, "grown": grown,
                         "case": case})


def errors(tf):
    """The error class each bad call raises (as its name)."""
    x = tf.constant(1.0)
    calls = {
        "python_bool_pred": lambda: tf.cond(True, lambda: x, lambda: x),
        "float_pred": lambda: tf.cond(tf.constant(1.0), lambda: x, lambda: x),
        "vector_pred": lambda: tf.cond(tf.constant([True, False]), lambda: x, lambda: x),
        "structures": lambda: tf.cond(tf.constant(True), lambda: (x, x), lambda: x),
        "dtypes": lambda: tf.cond(tf.constant(True), lambda: x, lambda: tf.constant(1)),
        "no_result": lambda: tf.cond(tf.constant(True), lambda: None, lambda: None),
        "loop_structure": lambda: tf.while_loop(lambda i: i < 3, lambda i: (i + 1, i),
                                                [tf.constant(0)]),
        "loop_shape": lambda: tf.while_loop(lambda v: tf.size(v) < 3,
                                            lambda v: tf.concat([v, v], 0), [tf.constant([0])]),
        "loop_vector_max": lambda: tf.while_loop(lambda i: i < 3, lambda i: i + 1,
                                                 [tf.constant(0)],
                                                 maximum_iterations=tf.constant([2])),
        "no_loop_vars": lambda: tf.while_loop(lambda: True, lambda: (), []),
        "cond_not_callable": lambda: tf.while_loop(1, lambda i: i, [x]),
    }
    out = {}
    for name, call in calls.items():
        try:
            call()
            out[name] = None
        except Exception as e:  # the class is what is compared
            out[name] = type(e).__name__
    return out


PROGRAMS = [cond_values_and_gradients, while_loop_rnn_and_gradients, while_loop_structures,
            errors]


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.ndarray, np.generic)):
        return np.asarray(value).tolist()
    return value


if __name__ == "__main__":  # pragma: no cover - a manual side-by-side check
    if sys.argv[1] == "tf":
        import tensorflow.compat.v1 as tf_module

        tf_module.disable_v2_behavior()
    else:
        import graphflow as tf_module
    results = {}
    for program in PROGRAMS:
        with tf_module.Graph().as_default():
            results[program.__name__] = _plain(program(tf_module))
    print(json.dumps(results))
