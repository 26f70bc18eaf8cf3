"""Shared test configuration: hypothesis runs derandomized in CI (`CI` set), so a red CI run
is reproducible (locally it explores new examples each run); the `graph` fixture."""

import os

import pytest
from hypothesis import HealthCheck, settings

import graphflow as tf

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=40,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=40,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture
def graph():
    """A fresh graph, installed as the default graph for the test."""
    g = tf.Graph()
    with g.as_default():
        yield g
