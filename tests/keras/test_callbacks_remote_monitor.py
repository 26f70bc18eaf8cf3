"""RemoteMonitor posts each epoch's logs to a local HTTP server, as a form or as JSON."""

import http.server
import json
import logging
import threading
import urllib.parse

import numpy as np
import pytest

from graphflow.keras.callbacks import RemoteMonitor
from tests.keras.scripted import run_epochs

pytest.importorskip("requests")


@pytest.fixture
def server():
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            received.append((self.path, self.headers["Content-Type"], body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", received
    httpd.shutdown()
    httpd.server_close()


def test_posts_a_form_field(server):
    root, received = server
    run_epochs([RemoteMonitor(root=root)], [{"loss": np.float32(0.5)}, {"loss": 0.25}])
    assert [path for path, _, _ in received] == ["/publish/epoch/end/"] * 2
    assert received[0][1] == "application/x-www-form-urlencoded"
    forms = [urllib.parse.parse_qs(body) for _, _, body in received]
    sent = [json.loads(form["data"][0]) for form in forms]
    assert sent == [{"epoch": 0, "loss": 0.5}, {"epoch": 1, "loss": 0.25}]


def test_posts_json(server):
    root, received = server
    run_epochs([RemoteMonitor(root=root, path="/e", send_as_json=True)], [{"acc": 0.75}])
    assert received == [("/e", "application/json", json.dumps({"epoch": 0, "acc": 0.75}))]


def test_unreachable_server_warns(caplog):
    with caplog.at_level(logging.WARNING):
        run_epochs([RemoteMonitor(root="http://127.0.0.1:9")], [{"loss": 1.0}])
    assert "Warning: could not reach RemoteMonitor root server at http://127.0.0.1:9" in caplog.text
