"""`python -m graphflow.inspect_checkpoint PATH`: lists a checkpoint's variables.

PATH is a checkpoint prefix (`model.ckpt-100`), one of the checkpoint's files
(`model.ckpt-100.safetensors`, `model.ckpt-100.meta`; TF1's `.index` and `.data-*` names too) or
a directory (its latest checkpoint). Prints
one line per variable with its dtype and shape; `--tensor_name NAME` or `--all_tensors` prints
values too. Exits with status 1 and a one-line message for a missing or corrupted checkpoint.
"""

from __future__ import annotations

import argparse
import os
import re
import sys

import numpy as np

from graphflow.framework import errors
from graphflow.train.checkpoint_format import checkpoint_exists
from graphflow.train.checkpoint_utils import load_checkpoint

#: Suffixes of a checkpoint's files after its prefix: graphflow's tensors and meta graph, and
#: TF1's index and data shards (users copy TF1 commands that name those).
_FILE_SUFFIX = re.compile(r"\.(safetensors|meta|index|data-\d{5}-of-\d{5})$")


def checkpoint_prefix(path: str) -> str:
    """The checkpoint prefix `path` names: `path` less a checkpoint file's suffix when that
    prefix is a checkpoint, else `path` unchanged (a prefix or a directory)."""
    stripped = _FILE_SUFFIX.sub("", path)
    if stripped != path and not os.path.isdir(path) and checkpoint_exists(stripped):
        return stripped
    return path


def print_checkpoint(path: str, tensor_name: str | None = None, all_tensors: bool = False,
                     out=sys.stdout) -> None:
    """Prints the variables of a checkpoint (and values on request).

    Args:
        path: a checkpoint prefix, one of its files, or a directory (its latest checkpoint).
        tensor_name: print only this tensor, with its value.
        all_tensors: print every tensor's value.
        out: the stream to print to.

    Raises:
        NotFoundError: no checkpoint at `path`, or no tensor `tensor_name` in it.
        ValueError: a directory without checkpoints.
        DataLossError: a truncated or corrupted checkpoint.
    """
    path = checkpoint_prefix(path)
    reader = load_checkpoint(path)
    shapes, dtype_map = reader.get_variable_to_shape_map(), reader.get_variable_to_dtype_map()
    names = [tensor_name] if tensor_name else sorted(shapes)
    for name in names:
        if name not in shapes:
            raise errors.NotFoundError(None, None, f"Key {name} not found in checkpoint {path}")
        print(f"tensor_name: {name}  dtype: {dtype_map[name].name}  shape: {shapes[name]}",
              file=out)
        if tensor_name or all_tensors:
            with np.printoptions(threshold=10_000):
                print(reader.get_tensor(name), file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graphflow.inspect_checkpoint",
                                     description="List the variables of a graphflow checkpoint.")
    parser.add_argument("path", help="checkpoint prefix, one of its files, or a directory")
    parser.add_argument("--tensor_name", help="print this tensor's value")
    parser.add_argument("--all_tensors", action="store_true", help="print every value")
    args = parser.parse_args(argv)
    try:
        print_checkpoint(args.path, args.tensor_name, args.all_tensors)
    except (errors.OpError, ValueError) as e:
        print(f"error: {getattr(e, 'message', e)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
