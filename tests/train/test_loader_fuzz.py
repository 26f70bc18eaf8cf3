"""Fuzzing the loaders: seeded random mutations and truncations of a valid meta graph,
checkpoint and `checkpoint` state file. Every case either loads or raises its documented error
class (GraphFormatError; DataLossError, NotFoundError, InvalidArgumentError; a state file is
ignored), within a time bound, without a large allocation and without writing anything outside
the directory a save targets.

Half the mutations work on bytes (flips, truncations, inserted brackets and digits, deleted or
repeated spans), half on the parsed JSON (a value replaced by one of a hostile set, a key
dropped), which gets past the parser into the loaders' own checks.
"""

from __future__ import annotations

import copy
import json
import os
import struct
import time
import tracemalloc

import numpy as np
import pytest

import graphflow as tf
from graphflow.framework.graph_json import GraphFormatError

from .loader_samples import sample_session_graph, write_samples

SEED = 16
META_CASES, CHECKPOINT_CASES, STATE_CASES = 200, 150, 80
#: No case may take longer than this (a hang) or allocate more than this (a huge allocation).
CASE_TIME_S, PEAK_BYTES = 5.0, 64 << 20

HOSTILE_VALUES = [None, True, -1, -5, 0, 7, 2 ** 31, 2 ** 63, 10 ** 30, 1.5, float("inf"), "",
                  "x", "w:99", "w:-1", ":0", "../victim/x", "\u00e9\u2028", [], [[[[]]]], {},
                  {"dtype": "float32"}, {"shape": [-2]}, {"array": {}}, {"tuple": 3},
                  json.loads("[" * 200 + "]" * 200)]
BYTE_INSERTS = [b"[", b"]", b"{", b"}", b'"', b":", b",", b"-1", b"99999999999", b"\xff", b"\x00",
                b"[" * 3000, b"\\u"]


def _byte_mutation(data: bytes, rng: np.random.Generator) -> bytes:
    if not data:
        return data
    kind = int(rng.integers(6))
    at = int(rng.integers(len(data)))
    if kind == 0:  # truncation
        return data[:at]
    if kind == 1:  # a few flipped bits
        out = bytearray(data)
        for _ in range(int(rng.integers(1, 5))):
            out[int(rng.integers(len(out)))] ^= 1 << int(rng.integers(8))
        return bytes(out)
    if kind == 2:  # a random byte
        return data[:at] + bytes([int(rng.integers(256))]) + data[at + 1:]
    if kind == 3:  # a structural token inserted
        return data[:at] + BYTE_INSERTS[int(rng.integers(len(BYTE_INSERTS)))] + data[at:]
    span = int(rng.integers(1, 64))
    if kind == 4:  # a span deleted
        return data[:at] + data[at + span:]
    return data[:at] + data[at:at + span] * int(rng.integers(2, 4)) + data[at + span:]


def _containers(value, found):
    if isinstance(value, dict):
        found.append(value)
        for v in value.values():
            _containers(v, found)
    elif isinstance(value, list):
        found.append(value)
        for v in value:
            _containers(v, found)
    return found


def _json_mutation(document, rng: np.random.Generator):
    """`document` with one random value replaced by a hostile one, or one key/item dropped."""
    document = copy.deepcopy(document)
    targets = [c for c in _containers(document, []) if c]
    target = targets[int(rng.integers(len(targets)))]
    keys = list(target) if isinstance(target, dict) else list(range(len(target)))
    key = keys[int(rng.integers(len(keys)))]
    if rng.random() < 0.2:
        del target[key]
    else:
        target[key] = copy.deepcopy(HOSTILE_VALUES[int(rng.integers(len(HOSTILE_VALUES)))])
    return document


class _Budget:
    """Checks each case's time, and (at the end) the run's peak traced allocation."""

    def __init__(self):
        self.slowest = 0.0

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.slowest = max(self.slowest, time.perf_counter() - self.start)
        return False


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    directory = tmp_path_factory.mktemp("fuzz_sample")
    prefix = write_samples(str(directory))
    return prefix


def _snapshot(root: str) -> dict[str, tuple[int, int]]:
    out = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            st = os.stat(path)
            out[path] = (st.st_size, st.st_mtime_ns)
    return out


def test_meta_graph_fuzz(sample, tmp_path):
    rng = np.random.default_rng(SEED)
    with open(sample + ".meta", "rb") as f:
        raw = f.read()
    document = json.loads(raw)
    path = str(tmp_path / "fuzz.meta")
    outcomes = {"loaded": 0, "GraphFormatError": 0}
    budget = _Budget()
    tracemalloc.start()
    try:
        for case in range(META_CASES):
            data = _byte_mutation(raw, rng) if case % 2 else \
                json.dumps(_json_mutation(document, rng)).encode()
            with open(path, "wb") as f:
                f.write(data)
            with tf.Graph().as_default(), budget:
                try:
                    tf.train.import_meta_graph(path)
                    outcomes["loaded"] += 1
                except GraphFormatError:
                    outcomes["GraphFormatError"] += 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert budget.slowest < CASE_TIME_S
    assert peak < PEAK_BYTES + len(raw) * 64
    assert outcomes["GraphFormatError"] > META_CASES // 4  # the mutations reach the checks
    assert os.listdir(tmp_path) == ["fuzz.meta"]


def _header_mutation(data: bytes, rng: np.random.Generator) -> bytes:
    """The checkpoint with its JSON header mutated structurally (sizes, shapes, offsets,
    dtypes and metadata are where a hostile file lies)."""
    (length,) = struct.unpack("<Q", data[:8])
    header, body = json.loads(data[8:8 + length]), data[8 + length:]
    mutated = _json_mutation(header, rng)
    text = json.dumps(mutated).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + body


def test_checkpoint_fuzz(sample, tmp_path):
    rng = np.random.default_rng(SEED + 1)
    with open(sample + ".safetensors", "rb") as f:
        raw = f.read()
    prefix = str(tmp_path / "fuzz")
    documented = (tf.errors.DataLossError, tf.errors.NotFoundError, tf.errors.InvalidArgumentError)
    outcomes: dict[str, int] = {}
    budget = _Budget()
    graph, saver = sample_session_graph()
    tracemalloc.start()
    try:
        with graph.as_default(), tf.Session() as sess:
            for case in range(CHECKPOINT_CASES):
                data = _byte_mutation(raw, rng) if case % 2 else _header_mutation(raw, rng)
                with open(prefix + ".safetensors", "wb") as f:
                    f.write(data)
                with budget:
                    try:
                        reader = tf.train.NewCheckpointReader(prefix)
                        for name in reader.get_variable_to_shape_map():
                            reader.get_tensor(name)
                        reader.debug_string()
                        saver.restore(sess, prefix)
                        outcome = "loaded"
                    except documented as e:
                        outcome = type(e).__name__
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert budget.slowest < CASE_TIME_S
    assert peak < PEAK_BYTES + len(raw) * 64
    assert outcomes.get("DataLossError", 0) > CHECKPOINT_CASES // 4
    assert os.listdir(tmp_path) == ["fuzz.safetensors"]


def test_state_file_fuzz(sample, tmp_path):
    rng = np.random.default_rng(SEED + 2)
    with open(os.path.join(os.path.dirname(sample), "checkpoint"), "rb") as f:
        raw = f.read()
    lines = raw.decode().splitlines()
    victim = tmp_path / "victim"
    victim.mkdir()
    for name in ("x.safetensors", "x.meta", "model.ckpt-1.safetensors", "model.ckpt-1.meta"):
        (victim / name).write_bytes(b"precious")
    directory = tmp_path / "ckpt"
    directory.mkdir()
    before = _snapshot(str(victim))
    budget = _Budget()
    ignored = 0
    for case in range(STATE_CASES):
        if case % 2:
            data = _byte_mutation(raw, rng)
        else:  # a line's value replaced by a hostile path or number
            k = int(rng.integers(len(lines)))
            key = lines[k].partition(":")[0]
            value = HOSTILE_VALUES[int(rng.integers(len(HOSTILE_VALUES)))]
            text = json.dumps(value if not isinstance(value, float) or value == value else 0)
            data = "\n".join(lines[:k] + [f"{key}: {text}"] + lines[k + 1:]).encode()
            data += b'\nall_model_checkpoint_paths: "../victim/x"\n' if case % 4 == 0 else b""
        with open(directory / "checkpoint", "wb") as f:
            f.write(data)
        with budget:
            state = tf.train.get_checkpoint_state(str(directory))
            ignored += state is None
            tf.train.latest_checkpoint(str(directory))
        if case % 8 == 0:  # a save adopts what it may and deletes only its own files
            with tf.Graph().as_default():
                tf.Variable(np.float32(case), name="v")
                saver = tf.train.Saver(max_to_keep=1)
                with tf.Session() as sess:
                    sess.run(tf.global_variables_initializer())
                    saver.save(sess, str(directory / "model.ckpt"), global_step=case,
                               write_meta_graph=False)
    assert budget.slowest < CASE_TIME_S
    assert 0 < ignored < STATE_CASES
    assert _snapshot(str(victim)) == before  # nothing outside the save's directory changed
    assert sorted(os.listdir(tmp_path)) == ["ckpt", "victim"]
    assert all(name == "checkpoint" or name.startswith("model.ckpt-")
               for name in os.listdir(directory))
