"""`python -m graphflow.inspect_checkpoint PATH`: lists a checkpoint's variables.

PATH is a checkpoint prefix (`model.ckpt-100`) or a directory (its latest checkpoint). Prints
one line per variable with its dtype and shape; `--tensor_name NAME` or `--all_tensors` prints
values too. Exits with status 1 and a one-line message for a missing or corrupted checkpoint.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from graphflow.framework import errors
from graphflow.train.checkpoint_utils import load_checkpoint


def print_checkpoint(path: str, tensor_name: str | None = None, all_tensors: bool = False,
                     out=sys.stdout) -> None:
    """Prints the variables of a checkpoint (and values on request)."""
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
    parser.add_argument("path", help="checkpoint prefix or directory")
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
