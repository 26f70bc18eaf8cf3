"""`tf.train.Scaffold`: the init, ready and local-init ops and the Saver a MonitoredSession uses.

`finalize()` fills each missing piece with TF1's default (first from its graph collection, else
a new op added to that collection) and then finalizes the default graph.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphflow.framework.graph import GraphKeys, get_default_graph
from graphflow.framework.variables import (
    global_variables,
    global_variables_initializer,
    group,
    local_variables_initializer,
    report_uninitialized_variables,
)

#: TF1's collection key of the summary op (graphflow's GraphKeys may not name it yet)
SUMMARY_OP_KEY = getattr(GraphKeys, "SUMMARY_OP", "summary_op")


class Scaffold:
    """Structure to create or gather the pieces needed to create and initialize a session.

    Args:
        init_op: run when no checkpoint is restored (default: global_variables_initializer).
        init_feed_dict: feeds for `init_op`.
        init_fn: called as `init_fn(scaffold, session)` after `init_op`.
        ready_op: 1-D string tensor naming what is still uninitialized (empty when ready).
        ready_for_local_init_op: same, checked before `local_init_op`.
        local_init_op: run after init or restore (default: local variables and tables).
        summary_op: the merged summary op (default: the SUMMARY_OP collection, else
            `tf.summary.merge_all()`, None when the graph has no summaries).
        saver: the Saver for restores and checkpoints (default: the SAVERS collection or new).
        copy_from_scaffold: another Scaffold whose pieces fill the arguments left None.

    Raises:
        TypeError: if `copy_from_scaffold` is not a Scaffold.
    """

    def __init__(self, init_op: Any = None, init_feed_dict: Any = None,
                 init_fn: Callable[[Scaffold, Any], None] | None = None, ready_op: Any = None,
                 ready_for_local_init_op: Any = None, local_init_op: Any = None,
                 summary_op: Any = None, saver: Any = None,
                 copy_from_scaffold: Scaffold | None = None) -> None:
        if copy_from_scaffold is not None:
            if not isinstance(copy_from_scaffold, Scaffold):
                raise TypeError("copy_from_scaffold is not a Scaffold instance.")
            other = copy_from_scaffold
            init_op = init_op if init_op is not None else other.init_op
            init_feed_dict = init_feed_dict if init_feed_dict is not None else other._init_feed_dict
            init_fn = init_fn if init_fn is not None else other._user_init_fn
            ready_op = ready_op if ready_op is not None else other.ready_op
            ready_for_local_init_op = (ready_for_local_init_op if ready_for_local_init_op is not None
                                       else other.ready_for_local_init_op)
            local_init_op = local_init_op if local_init_op is not None else other.local_init_op
            summary_op = summary_op if summary_op is not None else other.summary_op
            saver = saver if saver is not None else other.saver
        self._user_init_fn = init_fn
        self._init_fn = (lambda sess: init_fn(self, sess)) if init_fn is not None else None
        self._init_op = init_op
        self._init_feed_dict = init_feed_dict
        self._ready_op = ready_op
        self._ready_for_local_init_op = ready_for_local_init_op
        self._local_init_op = local_init_op
        self._summary_op = summary_op
        self._saver = saver

    def finalize(self) -> Scaffold:
        """Creates the missing pieces (TF1's defaults) and finalizes the default graph."""
        graph = get_default_graph()
        # No early return on a finalized graph (TF1): pieces found in collections still work,
        # missing ones fail to be created; a second call (session recreation) creates nothing.
        if self._init_op is None:
            self._init_op = _get_or_default(GraphKeys.INIT_OP, global_variables_initializer)
        if self._ready_op is None:
            self._ready_op = _get_or_default(GraphKeys.READY_OP, report_uninitialized_variables)
        if self._ready_for_local_init_op is None:
            self._ready_for_local_init_op = _get_or_default(
                GraphKeys.READY_FOR_LOCAL_INIT_OP,
                lambda: report_uninitialized_variables(global_variables()))
        if self._local_init_op is None:
            self._local_init_op = _get_or_default(GraphKeys.LOCAL_INIT_OP, Scaffold.default_local_init_op)
        if self._summary_op is None:
            self._summary_op = _get_or_default(SUMMARY_OP_KEY, _merge_all_summaries)
        if self._saver is None:
            self._saver = _get_saver_or_default()
        graph.finalize()
        return self

    @staticmethod
    def default_local_init_op() -> Any:
        """Initializes the local variables and the lookup tables."""
        from graphflow.api.graph_utils import tables_initializer  # the api layer imports train

        return group(local_variables_initializer(), tables_initializer())

    @staticmethod
    def get_or_default(arg_name: str, collection_key: str, default_constructor: Callable[[], Any]) -> Any:
        """The single item of `collection_key`, else `default_constructor()` added to it."""
        del arg_name
        return _get_or_default(collection_key, default_constructor)

    @property
    def init_fn(self) -> Callable[[Any], None] | None:
        return self._init_fn

    @property
    def init_op(self) -> Any:
        return self._init_op

    @property
    def ready_op(self) -> Any:
        return self._ready_op

    @property
    def ready_for_local_init_op(self) -> Any:
        return self._ready_for_local_init_op

    @property
    def local_init_op(self) -> Any:
        return self._local_init_op

    @property
    def summary_op(self) -> Any:
        return self._summary_op

    @property
    def saver(self) -> Any:
        return self._saver

    @property
    def init_feed_dict(self) -> Any:
        return self._init_feed_dict


def _get_or_default(collection_key: str, default_constructor: Callable[[], Any]) -> Any:
    graph = get_default_graph()
    items = graph.get_collection(collection_key)
    if len(items) > 1:
        raise RuntimeError(f'More than one item in the collection "{collection_key}". Please '
                           "indicate which one to use by passing it to the tf.Scaffold constructor.")
    if items:
        return items[0]
    op = default_constructor()
    if op is not None:
        graph.add_to_collection(collection_key, op)
    return op


def _merge_all_summaries() -> Any:
    from graphflow.summary.summary_ops import merge_all  # summary imports framework, not train

    return merge_all()


def _get_saver_or_default() -> Any:
    from .saver import Saver

    graph = get_default_graph()
    savers = graph.get_collection(GraphKeys.SAVERS)
    if len(savers) > 1:
        raise RuntimeError(f"More than one item in collection {GraphKeys.SAVERS}. Please indicate "
                           "which one to use by passing it to the constructor.")
    if savers:
        return savers[0]
    saver = Saver(sharded=True, allow_empty=True)
    graph.add_to_collection(GraphKeys.SAVERS, saver)
    return saver
