"""The examples run and reach the answers independent methods give."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_linear_regression_reaches_least_squares_optimum():
    result = load("linear_regression").main(steps=800, verbose=False)
    assert result["test_mse"] == pytest.approx(result["optimum_mse"], rel=2e-3)


def test_named_graph_trains_by_name_only():
    example = load("named_graph")
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    features = ((data.data - data.data.mean(0)) / data.data.std(0)).astype(np.float32)
    labels = data.target.astype(np.float32)
    graph = example.build_graph(features.shape[1])
    assert graph.get_operation_by_name("train").type == "NoOp"
    first_loss, _ = example.train_by_name(graph, features, labels, steps=1)
    loss, accuracy = example.train_by_name(graph, features, labels, steps=300)
    assert 0.1 < first_loss < np.log(2.0)  # one descent step from w = 0, where the loss is log 2
    assert loss < 0.1
    assert accuracy > 0.97


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's `dot` program is not installed")
def test_visualize_graph_writes_svg(tmp_path):
    import graphflow as tf

    example = load("visualize_graph")
    tf.reset_default_graph()
    loss, train = example.build()
    out = tmp_path / "graph.svg"
    tf.render(tf.get_default_graph(), str(out), fetches=[loss, train])
    svg = out.read_text()
    assert "layer1" in svg and "gradients" in svg and "Placeholder" in svg


def test_every_optimizer_learns_the_digits():
    example = load("optimizers")
    results = example.main(epochs=10, verbose=False)
    assert list(results) == list(example.OPTIMIZERS)
    for name, r in results.items():
        assert r["loss"] < 0.5, f"{name}: training loss {r['loss']:.3f} (log 10 = 2.3 at start)"
        assert r["accuracy"] > 0.9, f"{name}: test accuracy {r['accuracy']:.3f}"


def test_save_restore_resumes_exactly_where_training_stopped(tmp_path):
    import graphflow as tf

    example = load("save_restore")
    result = example.main(str(tmp_path / "run"), verbose=False)
    assert result["resumed_from"].endswith("model.ckpt-200")
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == sorted([
        "checkpoint", "graph.json", "weights_only", *(f"model.ckpt-{s}.{ext}" for s in
                                                      (300, 350, 400)
                                                      for ext in ("meta", "safetensors"))])
    with tf.Graph().as_default():  # the same 400 steps without the interruption
        example.build_model()
        (tmp_path / "straight").mkdir()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            loss = example.train(sess, tf.train.Saver(), str(tmp_path / "straight"),
                                 example.load_data(), until=400, verbose=False)
    assert result["loss"] == pytest.approx(loss, rel=1e-6)
    assert result["accuracy"] > 0.95


def test_cnn_digits_reaches_97_percent(monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLES))  # it imports optimizers' data split
    result = load("cnn_digits").main(epochs=10, verbose=False)
    assert result["test_accuracy"] >= 0.97


@pytest.mark.parametrize("name", ["resnet_digits", "separable_digits"])
def test_residual_and_separable_classifiers_learn(name, monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLES))  # they import cnn_digits' data pipeline
    result = load(name).main(epochs=8, verbose=False)
    assert result["test_accuracy"] >= 0.95


def test_vgg16_builds_and_trains():
    result = load("vgg16").main(image_size=32, batch=2, steps=3, classes=10, verbose=False)
    assert len(result["variables"]) == 32 and "conv5/conv5_3/weights" in result["variables"]
    assert result["parameters"] == 14_714_688 + 512 * 4096 + 4096 + 4096 * 4096 + 4096 \
        + 4096 * 10 + 10  # the 13 conv layers and three dense layers at 32 x 32
    assert result["losses"][-1] < result["losses"][0]


def test_tensorboard_digits_writes_what_tensorboard_reads(tmp_path, monkeypatch):
    pytest.importorskip("tensorboard")
    monkeypatch.syspath_prepend(str(EXAMPLES))  # it imports optimizers' data split
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    result = load("tensorboard_digits").main(str(tmp_path), steps=100, verbose=False)
    events = EventAccumulator(str(tmp_path), size_guidance={"scalars": 0, "histograms": 0,
                                                             "images": 0})
    events.Reload()
    tags = events.Tags()
    assert {"loss", "accuracy"} <= set(tags["scalars"])
    losses = events.Scalars("loss")
    assert [e.step for e in losses] == list(range(10, 101, 10))
    assert [e.value for e in losses] == pytest.approx([v for _, v in result["logged"]], rel=1e-6)
    assert losses[-1].value < 0.8 * losses[0].value
    assert all(b.value <= a.value * 1.02 for a, b in zip(losses, losses[1:]))  # full-set loss
    assert {"hidden/kernel_1", "logits/kernel_1"} <= set(tags["histograms"])
    assert events.Histograms("hidden/kernel_1")[0].histogram_value.num == 64 * 32
    images = [tag for tag in tags["images"] if tag.startswith("inputs/image")]
    assert len(images) == 3 and events.Images(images[0])[0].width == 8
    assert tags["graph"]
    assert "metrics" in {n.name.split("/")[0] for n in events.Graph().node}


def test_monitored_training_resumes_after_being_killed(tmp_path):
    import re
    import signal
    import subprocess
    import sys

    last_step = 30_000  # ~0.2 ms a step: long enough to be killed mid-run
    command = [sys.executable, "-u", str(EXAMPLES / "monitored_training.py"),
               "--checkpoint-dir", str(tmp_path), "--last-step", str(last_step)]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    logged = []
    for line in first.stdout:
        if match := re.search(r"step = (\d+)", line):
            logged.append(int(match[1]))
            if logged[-1] >= 350:  # the checkpoint of step 300 is then whole on disk
                first.send_signal(signal.SIGKILL)
                break
    first.wait(timeout=60)
    first.stdout.close()
    assert first.returncode == -signal.SIGKILL, f"not killed mid-run; logged steps {logged}"

    second = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr
    resumed = int(re.search(r"resuming from .*model\.ckpt-(\d+)", second.stdout)[1])
    assert 300 <= resumed < last_step
    logged = [int(s) for s in re.findall(r"step = (\d+)", second.stderr)]
    assert logged[0] == resumed and logged == sorted(logged)  # the global step goes on
    assert f"done: model.ckpt-{last_step}" in second.stdout
