"""`tf.summary`: TF1's summary ops and TensorBoard event-file writers.

Writing needs the optional tensorboard package (`pip install graphflow-tf1[tensorboard]`);
importing this package does not import it.
"""

from graphflow.summary.summary_ops import (
    audio,
    histogram,
    image,
    merge,
    merge_all,
    scalar,
    tensor_summary,
    text,
)
from graphflow.summary.writer import FileWriter, FileWriterCache

__all__ = ["FileWriter", "FileWriterCache", "audio", "histogram", "image", "merge", "merge_all", "scalar",
           "tensor_summary", "text"]

# TF1's tf.summary also exports the protos; loaded on first access so that importing graphflow
# never imports tensorboard
_PROTO_NAMES = {"Summary": "summary_pb2", "SummaryDescription": "summary_pb2",
                "SummaryMetadata": "summary_pb2",
                "Event": "event_pb2", "SessionLog": "event_pb2", "TaggedRunMetadata": "event_pb2"}


def __getattr__(name: str):
    if name in _PROTO_NAMES:
        from graphflow.summary.protos import protos

        return getattr(getattr(protos(), _PROTO_NAMES[name]), name)
    raise AttributeError(f"module 'graphflow.summary' has no attribute '{name}'")
