"""Graph rendering: clusters for name scopes, op types and shapes, distinct variables,
placeholders and fetches, collapsed gradient and optimizer-update scopes, a readable large
graph; `tf.render` leaves nothing behind when `dot` fails or is missing, and renders the
training graph of every example (tests needing Graphviz's `dot` skip without it)."""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys
import xml.etree.ElementTree as ET

import pytest

import graphflow as tf
from graphflow import viz
from tests.examples.test_examples import EXAMPLES, load

requires_dot = pytest.mark.skipif(shutil.which("dot") is None,
                                  reason="Graphviz's `dot` program is not installed")


def _model(layers: int, optimizer=lambda: tf.train.GradientDescentOptimizer(0.1)):
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 8], name="x")
        h = x
        for i in range(layers):
            with tf.variable_scope(f"dense{i}"):
                w = tf.get_variable("w", [8, 8])
                h = tf.tanh(tf.matmul(h, w) + tf.get_variable("b", [8]))
        loss = tf.reduce_mean(tf.square(h), name="loss")
        train = optimizer().minimize(loss, name="train")
    return graph, loss, train


def _declared_nodes(source: str) -> list[str]:
    return [n.strip('"') for n in re.findall(r'^\t+("[^"]+"|[\w/]+) \[label=', source, flags=re.M)]


def test_dot_source_shows_scopes_types_shapes_and_fetches():
    graph, loss, train = _model(2)
    source = tf.viz.to_dot(graph, fetches=[loss]).source
    assert "cluster_dense0" in source and "cluster_dense1" in source
    assert "MatMul" in source and "[?,8]" in source
    assert "cylinder" in source and "parallelogram" in source  # variables and placeholders
    assert re.search(r'\tloss \[label="[^"]*"[^\]]*color="#cc0000"', source)
    assert re.search(r'\tgradients \[label="gradients\n\(\d+ ops\)"', source)


def test_optimizer_slots_and_updates():
    """Adam's slots `w/Adam`, `w/Adam_1` are variables of their own, drawn with `w` in the
    cluster of w's scope (never beside a cluster named after a node); each update scope is one
    box; every node is declared once."""
    graph, _, _ = _model(1, lambda: tf.train.AdamOptimizer(0.01))
    source = tf.viz.to_dot(graph).source
    nodes = _declared_nodes(source)
    assert len(nodes) == len(set(nodes))
    cluster = source[source.index('subgraph "cluster_dense0/w"'):]
    cluster = cluster[:cluster.index("\n\t\t}")]
    assert _declared_nodes(cluster) == ["dense0/w", "dense0/w/Adam", "dense0/w/Adam_1"]
    assert re.search(r'"train/update_dense0/w" \[label="train/update_dense0/w\n\(\d+ ops\)"', source)
    assert not any(n.startswith("train/update_dense0/w/") for n in nodes)
    assert '"dense0/w/Adam" -> "train/update_dense0/w"' in source


def test_cluster_depth_and_edge_labels():
    graph, _, _ = _model(1, lambda: tf.train.AdamOptimizer(0.01))
    flat = tf.viz.to_dot(graph, cluster_depth=0, edge_labels=False).source
    assert "subgraph" not in flat and "label=\"[" not in flat
    top = tf.viz.to_dot(graph, cluster_depth=1).source
    assert "cluster_dense0" in top and "cluster_dense0/w" not in top


def test_everything_expanded_on_request():
    graph, loss, _ = _model(1)
    source = tf.viz.to_dot(graph, collapse=(), collapse_variables=False).source
    assert "gradients/" in source and "dense0/w/read" in source


@requires_dot
def test_large_graph_stays_readable(tmp_path):
    graph, loss, train = _model(20)
    assert len(graph.get_operations()) > 200
    dot = tf.viz.to_dot(graph, fetches=[loss, train])
    nodes = re.findall(r'^\t+"?[\w/]+"? \[label=', dot.source, flags=re.M)
    # gradients and variable internals fold into single boxes
    assert 20 < len(nodes) < 0.6 * len(graph.get_operations())
    out = tf.render(graph, str(tmp_path / "big.svg"), fetches=[loss])
    assert (tmp_path / "big.svg").read_text().startswith("<?xml")
    assert out.endswith("big.svg")
    assert os.listdir(tmp_path) == ["big.svg"]


@requires_dot
def test_adam_trained_graph_with_batch_norm_renders(tmp_path):
    """The graph that made graphviz 2.42 fail with "trouble in init_rank"."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 8], name="x")
        training = tf.placeholder_with_default(False, [], name="training")
        h = tf.layers.batch_normalization(tf.layers.dense(x, 4, name="dense"), training=training)
        loss = tf.reduce_mean(tf.square(h), name="loss")
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            tf.train.AdamOptimizer(0.01).minimize(loss)
    tf.render(graph, str(tmp_path / "adam.svg"))
    assert "batch_normalization" in _svg_titles(tmp_path / "adam.svg")
    assert os.listdir(tmp_path) == ["adam.svg"]


def test_dot_file_needs_no_graphviz(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    graph, _, _ = _model(1)
    tf.render(graph, str(tmp_path / "graph.dot"))
    assert (tmp_path / "graph.dot").read_text().startswith("digraph {")
    assert os.listdir(tmp_path) == ["graph.dot"]


def test_missing_dot_is_a_clear_error_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    graph, _, _ = _model(1)
    with pytest.raises(viz.GraphvizNotFoundError, match="Graphviz `dot` program"):
        tf.render(graph, str(tmp_path / "graph.svg"))
    assert os.listdir(tmp_path) == []


def _fake_dot(folder, script: str) -> None:
    """A `dot` program on PATH that runs `script` (Python; `source` and `output` are set)."""
    folder.mkdir()
    exe = folder / "dot"
    exe.write_text(f"#!{sys.executable}\nimport sys\nsource = open(sys.argv[-1]).read()\n"
                   f"output = sys.argv[sys.argv.index('-o') + 1]\n{script}\n")
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)


def test_failing_dot_leaves_nothing_behind(tmp_path, monkeypatch):
    _fake_dot(tmp_path / "bin", "print('Error: trouble in init_rank', file=sys.stderr)\n"
                                "print('\\t%0 1\\n' * 50, file=sys.stderr)\nsys.exit(1)")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    out = tmp_path / "out"
    out.mkdir()
    graph, _, _ = _model(2)
    with pytest.raises(viz.RenderError, match="trouble in init_rank") as failure:
        tf.render(graph, str(out / "graph.svg"))
    assert str(failure.value).count("%0 1") <= viz._ERROR_LINES
    assert os.listdir(out) == []


def test_layout_retried_with_fewer_clusters(tmp_path, monkeypatch):
    """dot fails on nested clusters here: the top-level-scope layout is written instead."""
    _fake_dot(tmp_path / "bin", "if '\\t\\tsubgraph' in source:\n    sys.exit(1)\n"
                                "open(output, 'w').write(source)")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    out = tmp_path / "out"
    out.mkdir()
    graph, _, _ = _model(2, lambda: tf.train.AdamOptimizer(0.01))
    tf.render(graph, str(out / "graph.svg"))
    written = (out / "graph.svg").read_text()
    assert "cluster_dense0" in written and "cluster_dense0/w" not in written
    assert os.listdir(out) == ["graph.svg"]


# ---- the training graph of every example ------------------------------------------------------
def _svg_titles(path) -> set[str]:
    """The titles of an SVG's nodes and clusters ("cluster_" prefix removed); parsing it is
    the check that the file is well-formed XML."""
    root = ET.parse(path).getroot()
    titles = {t.text for t in root.iter("{http://www.w3.org/2000/svg}title")}
    return {t.removeprefix("cluster_") for t in titles if t}


def _optimizer_graph(name: str):
    example = load("optimizers")
    example.build(example.OPTIMIZERS[name])


def _keras_clear_session():
    from graphflow import keras

    keras.backend.clear_session()  # the Keras examples build in the (new) default graph


def _main_without_training(name: str, **kwargs):
    tf.reset_default_graph()
    load(name).main(**kwargs, verbose=False)  # builds the graph, trains zero steps


#: example -> (builds its training graph: returns it, or builds it in the default graph; the
#: scopes and nodes its drawing must name)
EXAMPLE_GRAPHS = {
    "linear_regression": (lambda: _main_without_training("linear_regression", steps=0),
                          ["w", "b", "gradients", "GradientDescent"]),
    "named_graph": (lambda: load("named_graph").build_graph(30),
                    ["model", "gradients", "train", "probability", "loss"]),
    "save_restore": (lambda: (tf.reset_default_graph(), load("save_restore").build_model()),
                     ["softmax", "gradients", "train", "sparse_softmax_cross_entropy_loss"]),
    "visualize_graph": (lambda: (tf.reset_default_graph(), load("visualize_graph").build()),
                        ["layer1", "layer2", "logits", "loss", "gradients", "train"]),
    "cnn_digits": (lambda: load("cnn_digits").build(),
                   ["block1", "block2", "block3", "logits", "gradients", "Adam"]),
    "separable_digits": (lambda: load("separable_digits").build(),
                         ["stem", "sep1", "sep4", "logits", "gradients", "Adam"]),
    "resnet_digits": (lambda: load("resnet_digits").build(100),
                      ["stem", "block1", "block3", "logits", "gradients", "Momentum"]),
    "tensorboard_digits": (lambda: load("tensorboard_digits").build(),
                           ["model", "metrics", "gradients", "GradientDescent"]),
    "monitored_training": (lambda: load("monitored_training").build(),
                           ["hidden", "logits", "gradients", "GradientDescent"]),
    "keras_callbacks": (lambda: (_keras_clear_session(), load("keras_callbacks").build_model()),
                        ["hidden", "output", "loss", "gradients", "training"]),
    "keras_save_three_ways": (lambda: (_keras_clear_session(), load("keras_save_three_ways").build_model()),
                              ["hidden", "output", "loss", "gradients", "training"]),
    "keras_separable": (lambda: (_keras_clear_session(), load("keras_separable").build_model()),
                        ["separable_conv2d", "batch_normalization", "dense", "loss", "gradients",
                         "training"]),
    "vgg16": (lambda: _main_without_training("vgg16", image_size=32, batch=1, steps=0,
                                             classes=10),
              ["conv1", "conv5", "fc6", "fc8", "gradients", "Momentum"]),
    "lstm_digits": (lambda: load("lstm_digits").build(), ["rnn", "logits", "gradients", "Adam"]),
    "char_rnn": (lambda: load("char_rnn").build(40), ["char_rnn", "gradients", "Adam"]),
    **{f"optimizers[{name}]": (lambda name=name: _optimizer_graph(name),
                               ["hidden", "logits", "gradients"])
       for name in ("SGD", "Momentum", "Adagrad", "Adadelta", "RMSProp", "Adam", "AdaMax",
                    "Nadam", "AMSGrad", "AdamW", "RAdam", "Lookahead(Adam)", "Ranger")},
}


def test_every_example_is_listed():
    listed = {name.split("[")[0] for name in EXAMPLE_GRAPHS}
    assert listed == {p.stem for p in EXAMPLES.glob("*.py")}


@requires_dot
@pytest.mark.parametrize("example", sorted(EXAMPLE_GRAPHS))
def test_example_training_graph_renders(example, tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLES))  # some examples import cnn_digits
    build, scopes = EXAMPLE_GRAPHS[example]
    built = build()
    graph = built if isinstance(built, tf.Graph) else tf.get_default_graph()
    assert any(op.type.startswith(("Apply", "Assign")) for op in graph.get_operations())
    tf.render(graph, str(tmp_path / "graph.svg"), timeout=300)
    titles = _svg_titles(tmp_path / "graph.svg")
    assert set(scopes) <= titles, f"missing {set(scopes) - titles}"
    assert os.listdir(tmp_path) == ["graph.svg"]
