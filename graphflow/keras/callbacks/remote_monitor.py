"""`RemoteMonitor`: POST each epoch's logs to an HTTP server (Keras 2; needs `requests`)."""

from __future__ import annotations

import json
import logging
from typing import Any

import numpy as np

from graphflow.keras.callbacks.base import Callback

_log = logging.getLogger("graphflow.keras")


class RemoteMonitor(Callback):
    """Sends `{'epoch': epoch, **logs}` to `root + path` at each epoch's end.

    Args:
        root: the server's root URL.
        path: the path the events are posted to.
        field: the form field holding the JSON (when not `send_as_json`).
        headers: extra HTTP headers.
        send_as_json: post the data as an `application/json` body instead of a form.

    Raises:
        ImportError (at an epoch's end): when `requests` is not installed (Keras 2's message).
    """

    def __init__(self, root: str = "http://localhost:9000", path: str = "/publish/epoch/end/",
                 field: str = "data", headers: dict | None = None, send_as_json: bool = False) -> None:
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        try:
            import requests
        except ImportError:
            raise ImportError("RemoteMonitor requires the `requests` library.") from None
        send: dict[str, Any] = {"epoch": epoch}
        for key, value in (logs or {}).items():
            send[key] = value.item() if isinstance(value, (np.ndarray, np.generic)) else value
        try:
            if self.send_as_json:
                requests.post(self.root + self.path, json=send, headers=self.headers)
            else:
                requests.post(self.root + self.path, {self.field: json.dumps(send)}, headers=self.headers)
        except requests.exceptions.RequestException:
            _log.warning("Warning: could not reach RemoteMonitor root server at %s", self.root)
