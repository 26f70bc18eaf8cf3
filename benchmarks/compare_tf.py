"""Runs benchmarks/overhead.py, training.py and memory.py on graphflow and on TensorFlow in one
go; prints both and the ratio graphflow / TensorFlow for every figure (lower is better for
graphflow).

    python benchmarks/compare_tf.py [--tf-python PATH]

TensorFlow is never a dependency of graphflow: point --tf-python (or $TF_PYTHON) at an
interpreter of a scratch environment with `tensorflow-cpu` installed. The OpenBLAS tuning
variables of these machines are removed for both runs (they halve numpy's BLAS speed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


SCRIPTS = ("overhead.py", "training.py", "memory.py")


def run(python: str, impl: str) -> dict:
    """Every figure of every script on one engine."""
    results: dict = {}
    for script in SCRIPTS:
        results.update(run_script(python, impl, script))
    return results


def run_script(python: str, impl: str, script: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    env["TF1_IMPL"] = impl
    env["PYTHONPATH"] = str(HERE.parent) + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([python, str(HERE / script)], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tf-python", default=os.environ.get("TF_PYTHON", "/opt/tfenv/bin/python"))
    args = parser.parse_args()
    ours = run(sys.executable, "graphflow")
    theirs = run(args.tf_python, "tf")
    print(f"{'figure':<18}{'graphflow':>12}{'tensorflow':>12}{'ratio':>8}")
    for key, value in ours.items():
        if key == "impl":
            continue
        print(f"{key:<18}{value:>12.1f}{theirs[key]:>12.1f}{value / theirs[key]:>8.2f}")


if __name__ == "__main__":
    main()
