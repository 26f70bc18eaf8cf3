"""`tf.io`: the file API namespace (`tf.io.gfile`)."""

from graphflow.io import gfile

__all__ = ["gfile"]
