"""Lazy access to TensorBoard's protocol buffers (the optional `tensorboard` extra).

Importing graphflow never imports tensorboard: summary ops and writers call `protos()` when
they first need a message class.
"""

from __future__ import annotations

import importlib.util
import types

INSTALL_HINT = ("TensorBoard summaries need the tensorboard package: "
                "pip install graphflow-tf1[tensorboard]")


def tensorboard_available() -> bool:
    """Whether the optional tensorboard package can be imported (hooks that would write event
    files skip them without it, so that training never needs it)."""
    return importlib.util.find_spec("tensorboard") is not None


def protos() -> types.SimpleNamespace:
    """TensorBoard's proto modules: summary_pb2, event_pb2, graph_pb2, tensor_pb2, ...

    Raises:
        ImportError: naming `pip install graphflow-tf1[tensorboard]` when tensorboard is absent.
    """
    try:
        from tensorboard.compat.proto import (
            attr_value_pb2,
            event_pb2,
            graph_pb2,
            node_def_pb2,
            summary_pb2,
            tensor_pb2,
            tensor_shape_pb2,
            types_pb2,
        )
    except ImportError as e:
        raise ImportError(f"{INSTALL_HINT} ({e})") from e
    return types.SimpleNamespace(attr_value_pb2=attr_value_pb2, event_pb2=event_pb2,
                                 graph_pb2=graph_pb2, node_def_pb2=node_def_pb2,
                                 summary_pb2=summary_pb2, tensor_pb2=tensor_pb2,
                                 tensor_shape_pb2=tensor_shape_pb2, types_pb2=types_pb2)
