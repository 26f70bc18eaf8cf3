"""Every keras test starts from a fresh default graph and session (`K.clear_session()`)."""

import pytest

from graphflow.keras import backend as K


@pytest.fixture(autouse=True)
def _fresh_keras_session():
    K.clear_session()
    yield
    K.clear_session()
