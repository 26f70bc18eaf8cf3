"""`tf.Session`: owns variable values, compiles a plan per run signature and runs it.

The hot path of `run` is: flatten fetches, validate feeds, look up the cached plan for
(fetches, fed tensors, feed shapes), call it, rebuild the fetch structure. Graph analysis only
happens on a cache miss: the compiler returns an unbound plan, the session checks the devices
its ops are pinned to, and the session's backend (graphflow.backends) binds it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from graphflow.backends import get_backend
from graphflow.compiler import compile_plan
from graphflow.compiler.plan import ExecutionPlan
from graphflow.framework import default_session, errors
from graphflow.framework.default_session import get_default_session as get_default_session
from graphflow.framework.dtypes import string
from graphflow.framework.graph import Graph, get_default_graph
from graphflow.framework.string_values import bytes_array
from graphflow.framework.tensor import Operation, Tensor
from graphflow.ops.registry import Spec

from .config import ConfigProto
from .fetch import flatten_fetches
from .placement import Placement
from .plan_cache import PlanCache, generalized_shapes
from .tracing import run_plan_traced, wants_trace


def _choose_backend(config: ConfigProto | None) -> str:
    forced = os.environ.get("GF_BACKEND")
    if forced:
        return forced
    from graphflow.backends.devices import default_backend

    return default_backend(config)


class BaseSession:
    """Shared implementation of `Session` and `InteractiveSession`."""

    def __init__(self, target: str = "", graph: Graph | None = None,
                 config: ConfigProto | None = None) -> None:
        self._graph = graph if graph is not None else get_default_graph()
        self._config = config
        self._closed = False
        self._plans = PlanCache()
        self._feed_keys: dict[Any, Tensor] = {}
        self._backend = get_backend(_choose_backend(config))
        self._state = self._backend.new_state()
        self._placement = Placement(config, self._backend.num_gpus)
        self._context_managers: list[Any] = []

    # ---- properties ------------------------------------------------------------------------
    @property
    def graph(self) -> Graph:
        return self._graph

    @property
    def graph_def(self) -> Any:
        return self._graph

    @property
    def sess_str(self) -> str:
        return ""

    @property
    def backend(self) -> str:
        """The name of the backend this session runs its plans on (see graphflow.backends)."""
        return self._backend.name

    # ---- defaults and lifetime ---------------------------------------------------------------
    @contextlib.contextmanager
    def as_default(self) -> Iterator[BaseSession]:
        """Makes this the default session (for `Tensor.eval`) inside the `with` block."""
        default_session.push(self)
        try:
            with self._graph.as_default():
                yield self
        finally:
            default_session.pop()

    def __enter__(self) -> BaseSession:
        cm = self.as_default()
        cm.__enter__()
        self._context_managers.append(cm)
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self._context_managers.pop().__exit__(exc_type, exc, tb)
        self.close()

    def close(self) -> None:
        """Releases the session's variables and plans; further `run` calls raise."""
        self._closed = True
        self._plans.clear()
        self._state.variables.clear()

    # ---- running -----------------------------------------------------------------------------
    def run(self, fetches: Any, feed_dict: Mapping[Any, Any] | None = None,
            options: Any = None, run_metadata: Any = None) -> Any:
        """Runs the ops needed for `fetches` and returns their values in the same structure.

        Args:
            fetches: a Tensor, Operation, Variable, tensor/op name, or a nested list, tuple,
                namedtuple or dict of them. Operations fetch None.
            feed_dict: {tensor or "name:0": value} overriding tensors' values for this run.
            options: a `tf.RunOptions`; a `trace_level` above NO_TRACE times every kernel.
            run_metadata: a `tf.RunMetadata` whose `step_stats` a traced run fills.

        Raises:
            RuntimeError: the session is closed or the graph is empty.
            TypeError / ValueError: bad fetches or feeds (before anything runs).
            OpError subclasses: a failure while running (the session stays usable).
        """
        self._check_open()
        if type(fetches) is Tensor:  # fast path: one tensor
            if fetches.graph is not self._graph:
                flatten_fetches(self._graph, fetches)  # raises TF1's error
            elements: Sequence[Any] = (fetches,)
            rebuild: Callable[[list[Any]], Any] = _first
        else:
            elements, rebuild = flatten_fetches(self._graph, fetches)
        if run_metadata is not None and wants_trace(options):  # FULL_TRACE: fill run_metadata
            return rebuild(self._run_elements(elements, feed_dict, run_metadata, traced=True))
        values = self._run_elements(elements, feed_dict)
        return rebuild(values)

    def _run_elements(self, elements: Sequence[Tensor | Operation],
                      feed_dict: Mapping[Any, Any] | None, run_metadata: Any = None,
                      traced: bool = False) -> list[Any]:
        feed_tensors: list[Tensor] = []
        feed_values: list[np.ndarray] = []
        if feed_dict:
            for key, value in feed_dict.items():
                tensor = self._feed_key(key)
                feed_tensors.append(tensor)
                feed_values.append(_feed_value(tensor, value))
        key = (tuple(elements), tuple(feed_tensors), tuple(v.shape for v in feed_values))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plan_for_new_shapes(key, elements, feed_tensors, feed_values)
        outputs = run_plan_traced(plan, feed_values, run_metadata) if traced else plan.run(feed_values)
        it = iter(outputs)
        return [next(it) if isinstance(e, Tensor) else None for e in elements]

    def _plan_for_new_shapes(self, key: tuple, elements: Sequence[Tensor | Operation],
                             feeds: list[Tensor], values: list[np.ndarray]) -> ExecutionPlan:
        """The plan of a signature the cache misses: the general plan of its generalized
        signature (feeds' unknown dimensions left unknown), compiled on the second shape seen,
        or a plan specialized to these shapes: the first shape's, or one that came back
        often to the general plan (see graphflow.session.plan_cache)."""
        shapes = key[2]
        general = generalized_shapes(feeds, shapes) if self._backend.general_plans else None
        if general is not None:
            general_key = (key[0], key[1], general)
            plan = self._plans.get(general_key)
            if plan is not None:
                if not self._plans.wants_specialized_plan(general_key, shapes):
                    return plan
                # else a shape that keeps coming back to the general plan: a plan of its own
            elif self._plans.wants_general_plan(general_key):
                try:
                    plan = self._compile(elements, feeds, general)
                except Exception:  # noqa: BLE001 - the specialized compile reports the error
                    self._plans.generalizing_failed(general_key)
                else:
                    self._plans.put(general_key, plan)
                    return plan
        plan = self._compile(elements, feeds, shapes)
        self._plans.put(key, plan)
        return plan

    def _compile(self, elements: Sequence[Tensor | Operation], feeds: list[Tensor],
                 shapes: Sequence[tuple[int | None, ...]]) -> ExecutionPlan:
        if not self._graph.get_operations():
            raise RuntimeError(
                "The Session graph is empty. Add operations to the graph before calling run()."
            )
        fetch_tensors = [e for e in elements if isinstance(e, Tensor)]
        targets = [e for e in elements if isinstance(e, Operation)]
        specs = [Spec(_static(shape), t.dtype) for t, shape in zip(feeds, shapes)]
        plan = compile_plan(fetch_tensors, targets, feeds, specs, self._backend)
        self._placement.check(plan.ops)
        return self._backend.bind(plan, self._state)

    def _feed_key(self, key: Any) -> Tensor:
        try:
            tensor = self._feed_keys.get(key)
        except TypeError:
            raise TypeError(f"Cannot interpret feed_dict key as Tensor: {key!r} is unhashable.") from None
        if tensor is not None:
            return tensor
        try:
            tensor = self._graph.as_graph_element(key, allow_tensor=True, allow_operation=False)
        except (TypeError, ValueError, KeyError) as e:
            raise TypeError(f"Cannot interpret feed_dict key as Tensor: {e}") from None
        if not isinstance(tensor, Tensor):
            raise TypeError(f"Cannot interpret feed_dict key as Tensor: {key!r}")
        if not self._graph.is_feedable(tensor):
            raise ValueError(f"Tensor {tensor.name} may not be fed.")
        self._feed_keys[key] = tensor
        return tensor

    def make_callable(self, fetches: Any, feed_list: Sequence[Any] | None = None,
                      accept_options: bool = False) -> Callable[..., Any]:
        """A function running `fetches` with positional feed values for `feed_list`; with
        `accept_options`, it also takes `options=` and `run_metadata=` (as `run`)."""
        elements, rebuild = flatten_fetches(self._graph, fetches)
        feed_tensors = [self._feed_key(k) for k in (feed_list or [])]

        def call(*args: Any, **kwargs: Any) -> Any:
            if len(args) != len(feed_tensors):
                raise ValueError(f"Expected {len(feed_tensors)} feed values, got {len(args)}")
            feeds = dict(zip(feed_tensors, args))
            if accept_options and kwargs.get("run_metadata") is not None and wants_trace(kwargs.get("options")):
                return rebuild(self._run_elements(elements, feeds, kwargs.get("run_metadata"), traced=True))
            return rebuild(self._run_elements(elements, feeds))

        return call

    def _load_variable(self, name: str, value: Any, variable: Any) -> None:
        """`Variable.load`: writes a value into the store without graph ops."""
        arr = bytes_array(value) if variable.dtype == string else \
            np.asarray(value, dtype=variable.dtype.np)  # set_values stores a copy
        if not variable.shape.is_compatible_with(arr.shape):
            raise ValueError(
                f"Cannot load value of shape {arr.shape} into variable {variable.name} of shape "
                f"{variable.shape}"
            )
        self._state.set_values({name: arr})

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")

    def _variable_values(self, names: Sequence[str]) -> dict[str, np.ndarray]:
        """The current values of the variables `names` (op names), for `Saver.save`.

        Raises:
            RuntimeError: when the session is closed.
            FailedPreconditionError: naming every variable that holds no value.
        """
        self._check_open()
        store = self._state.variables
        missing = [n for n in names if n not in store]
        if missing:
            raise errors.FailedPreconditionError(
                None, None, f"Attempting to use uninitialized value {', '.join(missing)}")
        return self._state.host_values(list(names))

    def _replace_variables(self, values: Mapping[str, np.ndarray]) -> None:
        """Sets several variables at once (`Saver.restore`, after it validated everything)."""
        self._check_open()
        self._state.set_values(values)

    def list_devices(self) -> list[Any]:
        from graphflow.backends.devices import list_devices

        return list_devices()


def _first(values: list[Any]) -> Any:
    return values[0]


def _static(shape: Sequence[int | None]) -> Any:
    from graphflow.framework.tensor_shape import TensorShape

    return TensorShape(shape)


def _feed_value(tensor: Tensor, value: Any) -> np.ndarray:
    """Converts a feed value to the tensor's dtype and checks its shape (TF1's rules).

    Raises:
        ValueError: the shape is incompatible, or the value cannot be converted.
        TypeError: a Python int does not fit the tensor's integer dtype.
    """
    dtype = tensor.dtype.np
    kind = type(value)
    if kind is np.ndarray and value.dtype == dtype and dtype.kind != "O":  # strings: made bytes
        arr = value
    elif kind is float and dtype.kind == "f":  # the common scalar feed, without the checks below
        arr = np.asarray(value, dtype)
    else:
        if isinstance(value, (Tensor, Operation)) or hasattr(value, "_as_graph_tensor"):
            raise TypeError(
                f"The value of a feed cannot be a tf.Tensor object. Acceptable feed values include "
                f"Python scalars, strings, lists, numpy ndarrays, or TensorHandles. (feed for "
                f"{tensor.name})"
            )
        try:
            arr = bytes_array(value) if dtype.kind == "O" else np.asarray(value, dtype=dtype)
        except (ValueError, TypeError, OverflowError) as e:
            # a non-string fed for a string is a TypeError in TF1, other failures ValueErrors
            error = TypeError if dtype.kind == "O" and isinstance(e, TypeError) else ValueError
            raise error(
                f"Cannot feed value {value!r} for Tensor '{tensor.name}' of dtype "
                f"{tensor.dtype.name}: {e}"
            ) from None
        if isinstance(value, int) and tensor.dtype.is_integer and int(arr) != value:
            raise TypeError(
                f"Type of feed value {value} with type {type(value)} is not compatible with "
                f"Tensor type {tensor.dtype.name}. Try explicitly setting the type of the feed "
                "tensor to a larger type (e.g. int64)."
            )
    dims = tensor.shape.dims
    if dims is not None:
        shape = arr.shape
        if len(shape) != len(dims) or any(d is not None and d != s for d, s in zip(dims, shape)):
            raise ValueError(
                f"Cannot feed value of shape {shape!r} for Tensor '{tensor.name}', which has "
                f"shape '{tensor.shape}'"
            )
    return arr


class Session(BaseSession):
    """A TF1 session: `with tf.Session() as sess: sess.run(...)`.

    Args:
        target: ignored (single-process engine).
        graph: the graph to run (default: the default graph).
        config: a `tf.ConfigProto` (device counts, soft placement, placement logging).
    """


class InteractiveSession(BaseSession):
    """A session that installs itself as the default session on creation (for shells)."""

    def __init__(self, target: str = "", graph: Graph | None = None,
                 config: ConfigProto | None = None) -> None:
        super().__init__(target, graph, config)
        self._default = self.as_default()
        self._default.__enter__()

    def close(self) -> None:
        if not self._closed and self._default is not None:
            try:
                self._default.__exit__(None, None, None)
            except IndexError:
                pass
            self._default = None
        super().close()
