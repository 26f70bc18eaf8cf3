"""Device strings as TF1 writes them, read by graphflow.framework.device."""

from __future__ import annotations

import pytest

from graphflow.framework.device import names_host, parse_device


@pytest.mark.parametrize(("spec", "parsed"), [
    ("/gpu:0", ("GPU", 0)), ("/device:GPU:1", ("GPU", 1)), ("/cpu:0", ("CPU", 0)),
    ("/job:localhost/replica:0/task:0/device:CPU:0", ("CPU", 0)), ("gpu", ("GPU", 0)),
    ("", None), ("/job:worker/task:1", None)])
def test_parse_device(spec, parsed):
    assert parse_device(spec) == parsed


def test_unknown_device_string_is_an_error():
    with pytest.raises(ValueError, match="Unknown device"):
        parse_device("/tpu:0")


@pytest.mark.parametrize(("spec", "host"), [("/cpu:0", True), ("/device:CPU:0", True),
                                            ("/gpu:0", False), ("", False), ("/job:w", False)])
def test_names_host(spec, host):
    assert names_host(spec) is host
