"""BackendState: a session's variables in the backend's form, moved only through the
backend's upload and download; random streams created once per op."""

from __future__ import annotations

import numpy as np

from graphflow.backends.state import BackendState


def test_host_state_stores_copies_and_hands_them_back():
    state = BackendState()
    value = np.arange(3.0)
    state.set_values({"w": value})
    value[0] = 99.0  # the caller's array is not the stored one
    stored = state.host_values(["w"])["w"]
    np.testing.assert_array_equal(stored, [0.0, 1.0, 2.0])
    assert stored is state.variables["w"]  # on the host: no copy on the way out


def test_values_move_through_the_backends_transfers():
    moved = []
    state = BackendState(upload=lambda a: moved.append("up") or ("dev", a),
                         download=lambda v: moved.append("down") or v[1])
    state.set_values({"w": np.ones(2)})
    assert state.variables["w"][0] == "dev"
    np.testing.assert_array_equal(state.host_values(["w"])["w"], np.ones(2))
    assert moved == ["up", "down"]


def test_one_random_stream_per_op():
    state = BackendState()
    made = []
    first = state.rng("noise", lambda: made.append(1) or object())
    assert state.rng("noise", lambda: made.append(1) or object()) is first
    assert len(made) == 1
