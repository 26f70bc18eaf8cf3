"""The real `tensorboard --logdir` server reads graphflow's event files: its HTTP API returns
the run's scalars, graph and a traced run's metadata (started on 127.0.0.1, a free port,
bounded wait, then stopped)."""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import graphflow as tf


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, deadline: float) -> bytes:
    """The body of `url` once the server answers it with data (polled until `deadline`)."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                body = r.read()
            if body not in (b"", b"[]"):
                return body
        except (urllib.error.URLError, ConnectionError):
            pass
        if time.time() > deadline:
            raise TimeoutError(f"tensorboard gave no data for {url}")
        time.sleep(1.0)


def test_tensorboard_serves_scalars_and_graph(graph, tmp_path):
    x = tf.placeholder(tf.float32, [], name="x")
    with tf.name_scope("model"):
        y = tf.multiply(x, 3.0, name="triple")
    loss = tf.summary.scalar("loss", y)
    metadata = tf.RunMetadata()
    with tf.Session() as sess, tf.summary.FileWriter(str(tmp_path), graph=graph) as writer:
        for step in range(3):
            writer.add_summary(sess.run(loss, {x: float(step)}), step)
        sess.run(y, {x: 1.0}, options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                 run_metadata=metadata)
        writer.add_run_metadata(metadata, "step_2", 2)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "tensorboard.main", "--logdir", str(tmp_path),
                               "--host", "127.0.0.1", "--port", str(port), "--reload_interval", "1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        base = f"http://127.0.0.1:{port}/data/plugin"
        scalars = json.loads(_get(f"{base}/scalars/scalars?run=.&tag=loss", deadline))
        assert [(step, value) for _, step, value in scalars] == [(0, 0.0), (1, 3.0), (2, 6.0)]
        graph_text = _get(f"{base}/graphs/graph?run=.", deadline).decode()
        assert 'name: "model/triple"' in graph_text and 'op: "Mul"' in graph_text
        # a traced run's step stats, as the graph tab's per-step "Session runs" menu fetches them
        run_metadata = _get(f"{base}/graphs/run_metadata?run=.&tag=step_2", deadline).decode()
        assert 'node_name: "model/triple"' in run_metadata and "all_start_micros" in run_metadata
    finally:
        server.terminate()
        server.wait(timeout=30)
