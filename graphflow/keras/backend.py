"""`keras.backend` (K): the session Keras runs in, the learning phase, layer-name uids, variables
and placeholders, `K.function`, and the common tensor functions (from backend_ops.py).

Keras 2 in TF1 graph mode: one session per default graph (`K.get_session()`), created on first
use, which initializes the variables that are not yet initialized each time it is handed out;
`clear_session()` resets the default graph, the session and the name counters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import graphflow as _tf
from graphflow.framework.graph import get_default_graph
from graphflow.keras.backend_ops import *  # noqa: F403  (the tensor functions are K's too)
from graphflow.keras.backend_ops import floatx
from graphflow.keras.backend_rnn import rnn  # noqa: F401  (K.rnn)

_SESSION: dict[str, Any] = {"session": None, "user_set": False}
_LEARNING_PHASE_VALUE: dict[Any, int] = {}
_EPSILON = [1e-7]
_IMAGE_DATA_FORMAT = ["channels_last"]


def epsilon() -> float:
    """The fuzz factor added to denominators (default 1e-7)."""
    return _EPSILON[0]


def set_epsilon(value: float) -> None:
    """Sets the fuzz factor `epsilon()`."""
    _EPSILON[0] = float(value)


def image_data_format() -> str:
    """`'channels_last'` (the default) or `'channels_first'`."""
    return _IMAGE_DATA_FORMAT[0]


def set_image_data_format(data_format: str) -> None:
    """Sets the default image layout.

    Raises:
        ValueError: for a value other than `channels_first`/`channels_last`.
    """
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"Unknown data_format: {data_format}")
    _IMAGE_DATA_FORMAT[0] = data_format


def backend() -> str:
    """The backend's name (`'tensorflow'`, as Keras 2 reports for the TF backend)."""
    return "tensorflow"


def get_uid(prefix: str = "") -> int:
    """The next one-based count of `prefix` in the default graph (layer names: dense, dense_1)."""
    graph = get_default_graph()
    uids = graph.__dict__.setdefault("_keras_uids", {})
    uids[prefix] = uids.get(prefix, 0) + 1
    return uids[prefix]


def reset_uids() -> None:
    """Forgets the name counts of the default graph."""
    get_default_graph().__dict__["_keras_uids"] = {}


def clear_session() -> None:
    """Resets the default graph, closes Keras' session, and restarts the layer-name counts."""
    session = _SESSION["session"]
    if session is not None:
        session.close()
    _SESSION.update(session=None, user_set=False)
    _tf.reset_default_graph()
    _LEARNING_PHASE_VALUE.clear()


def learning_phase() -> Any:
    """The learning phase: a bool placeholder (default False) fed True by `fit`, or the int
    set by `set_learning_phase`."""
    graph = get_default_graph()
    if graph in _LEARNING_PHASE_VALUE:
        return _LEARNING_PHASE_VALUE[graph]
    phase = graph.__dict__.get("_keras_learning_phase")
    if phase is None:
        with graph.name_scope(""):
            phase = _tf.placeholder_with_default(False, shape=[], name="keras_learning_phase")
        graph._keras_learning_phase = phase
    return phase


def set_learning_phase(value: int) -> None:
    """Fixes the learning phase to 0 (test) or 1 (train) for the layers built from now on.

    Raises:
        ValueError: for another value.
    """
    if value not in (0, 1):
        raise ValueError("Expected learning phase to be 0 or 1.")
    _LEARNING_PHASE_VALUE[get_default_graph()] = value


def in_train_phase(x: Any, alt: Any, training: Any = None) -> Any:
    """`x` in the training phase, `alt` otherwise (`training` defaults to `learning_phase()`)."""
    if training is None:
        training = learning_phase()
    if training is True or (isinstance(training, int) and not isinstance(training, bool) and training == 1):
        return x() if callable(x) else x
    if training is False or (isinstance(training, int) and training == 0):
        return alt() if callable(alt) else alt
    x = x() if callable(x) else x
    alt = alt() if callable(alt) else alt
    return _tf.where_v2(training, x, alt)


def in_test_phase(x: Any, alt: Any, training: Any = None) -> Any:
    """`x` in the test phase, `alt` otherwise."""
    return in_train_phase(alt, x, training=training)


def get_session() -> Any:
    """Keras' session on the default graph (created on first use); variables not yet
    initialized are initialized before it is returned."""
    session = _SESSION["session"]
    graph = get_default_graph()
    if session is None or getattr(session, "_closed", False) or (
            session.graph is not graph and not _SESSION["user_set"]):
        default = _tf.get_default_session()
        session = default if default is not None and default.graph is graph else _tf.Session(graph=graph)
        _SESSION.update(session=session, user_set=False)
    _initialize_new_variables(session)
    return session


def set_session(session: Any) -> None:
    """Makes `session` the one Keras runs in."""
    _SESSION.update(session=session, user_set=True)


def _initialize_new_variables(session: Any) -> None:
    graph = session.graph
    everything = graph.get_collection(_tf.GraphKeys.GLOBAL_VARIABLES) + \
        graph.get_collection(_tf.GraphKeys.LOCAL_VARIABLES)
    variables = [v for v in everything if not getattr(v, "_keras_initialized", False)]
    if not variables:
        return
    flags = session.run([_tf.is_variable_initialized(v) for v in variables])
    fresh = [v for v, done in zip(variables, flags) if not done]
    if fresh:
        session.run(_tf.variables_initializer(fresh))
    for v in variables:
        v._keras_initialized = True


def variable(value: Any, dtype: Any = None, name: str | None = None, constraint: Any = None) -> Any:
    """A Variable holding `value` (numpy-convertible), dtype `floatx()` by default."""
    np_dtype = dtype.as_numpy_dtype if hasattr(dtype, "as_numpy_dtype") else (dtype or floatx())
    value = np.asarray(value, dtype=np_dtype)
    v = _tf.Variable(value, name=name or "variable", constraint=constraint)
    v._keras_shape = value.shape
    return v


def placeholder(shape: Sequence[int | None] | None = None, ndim: int | None = None, dtype: Any = None,
                sparse: bool = False, name: str | None = None) -> Any:
    """A placeholder of `shape` (or `ndim` unknown dims), dtype `floatx()` by default."""
    if shape is None and ndim is not None:
        shape = (None,) * ndim
    return _tf.placeholder(dtype or floatx(), shape=shape, name=name)


def is_placeholder(x: Any) -> bool:
    """Whether `x` is a placeholder tensor."""
    return getattr(getattr(x, "op", None), "type", None) in ("Placeholder", "PlaceholderWithDefault")


def get_value(x: Any) -> Any:
    """The value of Variable `x` (a numpy array), or `x` itself when it is a Python number."""
    if isinstance(x, (int, float, np.ndarray, np.generic)):
        return x
    return get_session().run(x)


def batch_get_value(tensors: Sequence[Any]) -> list[Any]:
    """The values of several Variables in one run."""
    return list(get_session().run(list(tensors))) if tensors else []


def eval(x: Any) -> Any:  # noqa: A001  (Keras' name)
    """The value of tensor `x`."""
    return get_session().run(x)


def _assign_placeholder(x: Any) -> tuple[Any, Any]:
    # One placeholder + Assign per variable, built once, so set_value adds no ops after the first.
    cached = getattr(x, "_keras_assign", None)
    if cached is None:
        graph = x.graph
        with graph.as_default():
            value = _tf.placeholder(x.dtype.base_dtype, shape=x.shape)
            cached = (value, x.assign(value))
        x._keras_assign = cached
    return cached


def set_value(x: Any, value: Any) -> None:
    """Loads numpy `value` into Variable `x`."""
    batch_set_value([(x, value)])


def batch_set_value(tuples: Sequence[tuple[Any, Any]]) -> None:
    """Loads several `(variable, numpy value)` pairs in one run."""
    if not tuples:
        return
    feeds, ops = {}, []
    for x, value in tuples:
        holder, assign = _assign_placeholder(x)
        feeds[holder] = np.asarray(value, dtype=x.dtype.base_dtype.as_numpy_dtype)
        ops.append(assign)
    get_session().run(ops, feed_dict=feeds)


def gradients(loss: Any, variables: Sequence[Any]) -> list[Any]:
    """`tf.gradients(loss, variables)`."""
    return _tf.gradients(loss, list(variables))


def stop_gradient(variables: Any) -> Any:
    """`tf.stop_gradient` on a tensor or a list of them."""
    if isinstance(variables, (list, tuple)):
        return [_tf.stop_gradient(v) for v in variables]
    return _tf.stop_gradient(variables)


class Function:
    """A callable running `outputs` (and `updates`) for values of `inputs` in Keras' session."""

    def __init__(self, inputs: Sequence[Any], outputs: Sequence[Any], updates: Sequence[Any] | None = None,
                 name: str | None = None, **session_kwargs: Any) -> None:
        self.inputs = list(inputs)
        self.outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
        self._single = not isinstance(outputs, (list, tuple))
        updates = list(updates or [])
        ops = [u if not isinstance(u, tuple) else _tf.assign(u[0], u[1]) for u in updates]
        self.updates_op = _tf.group(*ops) if ops else None
        self.name = name

    def __call__(self, inputs: Sequence[Any]) -> Any:
        if not isinstance(inputs, (list, tuple)):
            inputs = [inputs]
        feeds = {k: v for k, v in zip(self.inputs, inputs) if not isinstance(k, int)}
        fetches = self.outputs + ([self.updates_op] if self.updates_op is not None else [])
        values = get_session().run(fetches, feed_dict=feeds)
        values = values[:len(self.outputs)]
        return values[0] if self._single else values


def function(inputs: Sequence[Any], outputs: Any, updates: Sequence[Any] | None = None,
             **kwargs: Any) -> Function:
    """A `Function` that runs `outputs` given numpy values of `inputs` (a learning phase
    placeholder may be among the inputs and is fed like the others)."""
    return Function(inputs, outputs, updates=updates, **kwargs)
