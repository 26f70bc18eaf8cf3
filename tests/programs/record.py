"""Records what TensorFlow returns for each corpus program, in expected/<name>.json.

Run from the repository root with an interpreter that has TensorFlow (2.x, used through
tf.compat.v1 with v2 behaviour disabled; `tf.layers` needs tf_keras) and scikit-learn:

    python -m tests.programs.record                 # every program
    python -m tests.programs.record linear_regression gan_dict_weights
    python -m tests.programs.record --print NAME     # one program's result as JSON on stdout,
                                                    # under GF_PROGRAMS_IMPL (the live test)

Recording sets GF_PROGRAMS_IMPL=tensorflow before any program is imported.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXPECTED = HERE / "expected"
NOT_PROGRAMS = {"__init__", "record", "test_programs"}


def program_names() -> list[str]:
    """The corpus programs: every module here except helpers (leading "_") and the tooling."""
    return sorted(path.stem for path in HERE.glob("*.py")
                  if not path.stem.startswith("_") and path.stem not in NOT_PROGRAMS)


def run_program(name: str):
    """Imports program `name` and returns its module and `main()`'s result."""
    module = importlib.import_module(f"tests.programs.{name}")
    return module, module.main()


def _record(names: list[str]) -> int:
    from tests.programs._results import encode
    from tests.programs._tf import tf

    failures = 0
    for name in names:
        try:
            _, result = run_program(name)
            payload = {"recorded_with": f"tensorflow {tf.VERSION}", "result": encode(result)}
        except Exception:  # a program TensorFlow cannot run is reported, the others still recorded
            failures += 1
            print(f"FAILED {name}\n{traceback.format_exc()}", file=sys.stderr)
            continue
        (EXPECTED / f"{name}.json").write_text(json.dumps(payload, indent=1) + "\n")
        print(f"recorded {name}")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("names", nargs="*", help="programs to record (default: all)")
    parser.add_argument("--print", dest="print_name", help="print one program's encoded result")
    args = parser.parse_args(argv)
    if args.print_name:
        from tests.programs._results import encode

        _, result = run_program(args.print_name)
        json.dump(encode(result), sys.stdout)
        return 0
    os.environ["GF_PROGRAMS_IMPL"] = "tensorflow"
    unknown = sorted(set(args.names) - set(program_names()))
    if unknown:
        parser.error(f"unknown programs: {unknown}")
    return _record(args.names or program_names())


if __name__ == "__main__":
    sys.exit(main())
