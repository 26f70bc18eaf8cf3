"""`tf.io.gfile`: the lower-case names of `tf.gfile` (TF 1.15's `tf.io.gfile` aliases)."""

# ruff: noqa: F401
from graphflow.gfile import Copy as copy
from graphflow.gfile import DeleteRecursively as rmtree
from graphflow.gfile import Exists as exists
from graphflow.gfile import GFile
from graphflow.gfile import Glob as glob
from graphflow.gfile import IsDirectory as isdir
from graphflow.gfile import ListDirectory as listdir
from graphflow.gfile import MakeDirs as makedirs
from graphflow.gfile import MkDir as mkdir
from graphflow.gfile import Remove as remove
from graphflow.gfile import Rename as rename
from graphflow.gfile import Stat as stat
from graphflow.gfile import Walk as walk

__all__ = ["GFile", "copy", "rmtree", "exists", "glob", "isdir", "listdir", "makedirs", "mkdir",
           "remove", "rename", "stat", "walk"]
