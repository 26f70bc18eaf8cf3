"""Names are data, never code: TF1's name patterns at build time and in graph files, and
generated source that holds no text from a graph.

Hostile names (quotes, newlines, Python that would run if pasted into source, very long, unicode)
are refused with TF1's ValueError when a graph is built and with GraphFormatError (a ValueError)
when a hand-edited meta graph is imported, before anything is built. Valid but unusual names
(dots, dashes, `>`) run, export, import, render and save. A name forced past the checks
(monkeypatched after creation) still never reaches the generated plan or kernel sources.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil

import numpy as np
import pytest

import graphflow as tf
from graphflow.backends import get_backend
from graphflow.framework.graph_json import GraphFormatError

#: What a hostile name would run if it became code: creating this file in the test's folder.
_MARKER = "PWNED_BY_A_NAME"


def _hostile_names(folder) -> list[str]:
    marker = os.path.join(str(folder), _MARKER)
    command = f"__import__('os').system('touch {marker}')"
    return [
        f"y\n    {command}\n    #",  # the issue's meta graph: a newline out of a `# comment`
        command,
        f"x'); {command}; ('",
        'x"; import os #',
        "y\n",  # Python's `$` matches before a final newline: the whole name must match
        "a b",
        "a;b",
        "a:b",
        "a\\b",
        "-lead",  # a leading dash or underscore only inside a scope
        "_lead",
        "名前",
        "caf\u00e9",
        "a\u2028b",  # a Unicode line separator
        "x\x00y",
        "\N{SNAKE}",
        "a" * 100_000 + "\n" + command,  # very long, and the payload after it
    ]


#: Valid under TF1's patterns, and unusual: each must work everywhere.
VALID_NAMES = ["a.b-c>d", ".lead.dot", "x-1>y.2", "../up", "n" * 300]


def _no_marker(folder) -> None:
    assert not os.path.exists(os.path.join(str(folder), _MARKER))


# ---- build time ------------------------------------------------------------------------------
@pytest.mark.parametrize("index", range(17))
def test_hostile_op_names_are_refused_at_build(index, tmp_path):
    name = _hostile_names(tmp_path)[index]
    graph = tf.Graph()
    with graph.as_default():
        builders = [
            lambda: tf.constant(1.0, name=name),
            lambda: tf.placeholder(tf.float32, [2], name=name),
            lambda: tf.Variable(1.0, name=name),
            lambda: tf.get_variable(name, [2]),
            lambda: tf.add(tf.constant(1.0), 2.0, name=name),
        ]
        before = len(graph.get_operations())
        for build in builders:
            with pytest.raises(ValueError, match="is not a valid (node|scope) name"):
                build()
        created = len(graph.get_operations()) - before
    # builders that create helper ops first (the Add's constants) may leave those, no named op
    assert all(name not in op.name for op in graph.get_operations())
    assert created <= 2
    _no_marker(tmp_path)


@pytest.mark.parametrize("index", range(17))
def test_hostile_scope_names_are_refused(index, tmp_path):
    name = _hostile_names(tmp_path)[index]
    nested_ok = name in ("-lead", "_lead")  # TF1: these may start a scope inside another one
    with tf.Graph().as_default() as graph:
        for scope in (lambda n: tf.name_scope(n), lambda n: tf.variable_scope(n)):
            with pytest.raises(ValueError, match="is not a valid scope name"), scope(name):
                pass
            with tf.name_scope("outer"):
                if nested_ok:
                    with scope(name):
                        tf.constant(1.0, name="c")
                else:
                    with pytest.raises(ValueError, match="is not a valid scope name"), scope(name):
                        pass
        with pytest.raises(ValueError, match="is not a valid"):
            tf.layers.dense(tf.zeros([2, 3]), 4, name=name)
    if nested_ok:
        assert [op.name for op in graph.get_operations() if op.name.endswith("/c")] == [
            f"outer/{name}/c", f"outer_1/{name}/c"]
    _no_marker(tmp_path)


def test_the_error_message_escapes_the_name():
    with tf.Graph().as_default():
        with pytest.raises(ValueError) as raised:
            tf.constant(1.0, name="y\n    forged log line")
        message = str(raised.value)
        assert "\n" not in message and message == r"'y\n    forged log line' is not a valid node name"
        with pytest.raises(ValueError) as raised:
            tf.constant(1.0, name="z" * 5000 + " ")
        assert len(str(raised.value)) < 300


def test_a_refused_name_leaves_no_trace():
    with tf.Graph().as_default() as graph:
        with pytest.raises(ValueError):
            tf.constant(1.0, name="bad name")
        assert graph.get_operations() == []
        assert tf.constant(1.0, name="good").op.name == "good"  # no "_1": nothing was reserved


# ---- graph files -----------------------------------------------------------------------------
def _small_training_graph():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    w = tf.Variable(np.array([[1.0], [2.0]], np.float32), name="w")
    y = tf.matmul(x, w, name="y")
    loss = tf.reduce_mean(tf.square(y), name="loss")
    tf.train.GradientDescentOptimizer(0.1).minimize(loss, name="train")
    return tf.train.export_meta_graph()


def _renamed(meta: dict, old: str, new: str) -> dict:
    """The meta graph with op `old` renamed `new` everywhere it is named (a hand edit)."""
    edited = copy.deepcopy(meta)
    for node in edited["graph_def"]["node"]:
        if node["name"] == old:
            node["name"] = new
        node["inputs"] = [f"{new}:{i.rpartition(':')[2]}" if i.rpartition(":")[0] == old else i
                          for i in node["inputs"]]
        node["control_inputs"] = [new if c == old else c for c in node["control_inputs"]]
    return edited


@pytest.mark.parametrize("index", range(17))
def test_a_hand_edited_meta_graph_with_a_hostile_name_is_refused_on_import(index, tmp_path):
    name = _hostile_names(tmp_path)[index]
    with tf.Graph().as_default():
        meta = _small_training_graph()
    path = tmp_path / "model.meta"
    path.write_text(json.dumps(_renamed(meta, "y", name)), encoding="utf-8")
    with tf.Graph().as_default() as graph:
        with pytest.raises(GraphFormatError, match="is not a valid node name"):
            tf.train.import_meta_graph(str(path))
        assert graph.get_operations() == []  # refused before anything was built
        # an op name can also arrive as an import scope
        with pytest.raises(ValueError, match="is not a valid scope name"):
            tf.train.import_meta_graph(meta, import_scope=name)
        assert graph.get_operations() == []
    _no_marker(tmp_path)


def test_the_issues_meta_graph_runs_nothing(tmp_path):
    """The issue's attack end to end: rename a node, import, run what is left to run."""
    name = _hostile_names(tmp_path)[0]
    with tf.Graph().as_default():
        meta = _small_training_graph()
    with tf.Graph().as_default(), tf.Session() as sess:
        with pytest.raises(ValueError):
            tf.train.import_meta_graph(_renamed(meta, "y", name))
        # the same file, unedited, imports and runs: the refusal is about the name alone
        tf.train.import_meta_graph(meta)
        sess.run(tf.global_variables_initializer())
        value = sess.run("y:0", {"x:0": np.array([[1.0, 1.0]], np.float32)})
        np.testing.assert_allclose(value, [[3.0]])
    _no_marker(tmp_path)


# ---- valid but unusual names work everywhere ------------------------------------------------
@pytest.mark.parametrize("name", VALID_NAMES)
def test_unusual_valid_names_run_export_import_render_and_save(name, tmp_path):
    data = np.array([[1.0, 2.0], [3.0, -1.0]], np.float32)
    with tf.Graph().as_default() as graph:
        x = tf.placeholder(tf.float32, [None, 2], name=f"{name}")
        with tf.variable_scope(f"{name}.scope"), tf.name_scope("-inner>"):
            w = tf.get_variable("w", initializer=np.array([[0.5], [-1.0]], np.float32))
            y = tf.identity(tf.matmul(x, w) * 2.0 + 1.0, name=f"out>{name[:5]}")
        loss = tf.reduce_sum(tf.square(y), name="loss")
        train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train, {x: data})
            trained = sess.run(w)
            before = sess.run(y, {x: data})
            np.testing.assert_allclose(before, data.astype(np.float64) @ trained * 2 + 1, rtol=1e-6)
            prefix = saver.save(sess, str(tmp_path / "model"))
        assert w.op.name == f"{name}.scope/w" and y.op.name.startswith(f"{name}.scope/")
        dot = tf.viz.to_dot(graph, fetches=[loss]).source
        assert f"{name}.scope" in dot
        if shutil.which("dot"):
            drawing = tf.viz.render(graph, str(tmp_path / "graph.svg"), fetches=[loss])
            assert os.path.getsize(drawing) > 0
    assert dict(tf.train.list_variables(prefix))[f"{name}.scope/w"] == [2, 1]
    with tf.Graph().as_default(), tf.Session() as sess:
        restorer = tf.train.import_meta_graph(prefix + ".meta")
        restorer.restore(sess, prefix)
        again = sess.run(y.name, {x.name: data})
        np.testing.assert_array_equal(again, before)


# ---- names forced past the checks never reach generated source ------------------------------
def test_a_name_forced_past_validation_is_not_in_any_generated_source(tmp_path, monkeypatch):
    monkeypatch.setenv("GF_CACHE_DIR", str(tmp_path / "kernels"))
    hostile = _hostile_names(tmp_path)[0]
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [32, 32], name="x")
        y = tf.add(tf.exp(x) * 3.0, x, name="y")  # large enough to fuse into a numba loop
        z = tf.reduce_sum(y, name="z")
        for op in (y.op, z.op):
            op._name = hostile  # what an unchecked loader would have built
        data = np.linspace(-1.0, 1.0, 32 * 32).reshape(32, 32)
        with tf.Session() as sess:
            y_value, z_value = sess.run([y, z], {x: data})
            plans = list(sess._plans.values())
    expected = np.exp(data) * 3.0 + data
    np.testing.assert_allclose(y_value, expected, rtol=1e-13)
    np.testing.assert_allclose(z_value, expected.sum(), rtol=1e-12)
    (plan,) = plans
    assert any(node.name == hostile for node in plan.order)  # the IR does carry the name...
    backend = get_backend(plan.backend)
    sources = [plan.source] + [s for node in plan.order for s in backend.kernel_sources(node)]
    assert any("@njit" in s for s in sources)  # a fused kernel was generated and checked too
    for source in sources:  # ...the code does not
        assert hostile not in source and "__import__" not in source and "#" not in source.split(
            "def ", 1)[-1]
    assert re.fullmatch(r"[\w\s(),=.\[\]:*+\-/<>@'\"]*", plan.source)
    # the listing for people names the ops, escaped onto the line of their kernel call
    listing = plan.listing()
    assert listing.count("\n") == plan.source.count("\n")
    assert repr(hostile) in listing
    for path in (tmp_path / "kernels").glob("*.py"):
        assert hostile not in path.read_text()
    _no_marker(tmp_path)
