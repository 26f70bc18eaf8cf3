"""Device strings as TF1 writes them ("/gpu:0", "/device:CPU:0", "/job:localhost/.../device:GPU:1").

Part of the user's graph: `tf.device` records a string on each op; this module reads it. The
compiler records on its IR which ops are pinned to the host, and the session checks that the
devices named exist (graphflow.session.placement).
"""

from __future__ import annotations

import re

#: TF1's full names of the two devices a graphflow process can have.
CPU = "/job:localhost/replica:0/task:0/device:CPU:0"
GPU = "/job:localhost/replica:0/task:0/device:GPU:0"

_DEVICE = re.compile(r"(?:^|/)(?:device:)?(?P<kind>cpu|gpu)(?::(?P<index>\d+))?\s*$", re.I)
_NO_DEVICE = re.compile(r"(/job:[^/]+)?(/replica:\d+)?(/task:\d+)?")


def parse_device(spec: str) -> tuple[str, int] | None:
    """The device type and index a device string names.

    Args:
        spec: a device string ("/gpu:0", "/device:GPU:1", "cpu", "" ...).

    Returns:
        ("CPU" | "GPU", index), or None when the string names no device type (empty, or only
        a job/replica/task).

    Raises:
        ValueError: for a device string graphflow cannot read.
    """
    if not spec:
        return None
    match = _DEVICE.search(spec.strip())
    if match is None:
        if _NO_DEVICE.fullmatch(spec.strip()):
            return None
        raise ValueError(f"Unknown device specification {spec!r}")
    return match.group("kind").upper(), int(match.group("index") or 0)


def names_host(spec: str) -> bool:
    """Whether the device string `spec` pins to the CPU (the host).

    Raises:
        ValueError: for a device string graphflow cannot read.
    """
    device = parse_device(spec)
    return device is not None and device[0] == "CPU"
