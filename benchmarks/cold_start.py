"""Cold-start figures: import time, the first `global_variables_initializer` run and the first
training step of a small MLP, each in a fresh process, with an empty kernel cache ("cold") and
with the cache the cold process left ("warm").

    python benchmarks/cold_start.py [--tf-python PATH]

Prints one JSON line (seconds): `import_s`, and `init_s` / `first_step_s` / `second_step_s` for
`cold` and `warm` on graphflow, each also as process CPU time (`*_cpu_s`: less sensitive to
other load on a shared machine than wall time, but it adds up the BLAS threads), the same
figures on TensorFlow (`tf_*`, no kernel cache to speak of: its kernels are compiled ahead)
when --tf-python (or $TF_PYTHON) names an interpreter with TensorFlow.
Each figure is the median of --repeats processes; the machine is shared, so read the figures
as ratios from one run.

    python benchmarks/cold_start.py --child     # one measurement in this process (internal)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child() -> dict:
    """Measures one process: import, first initializer run, first training step."""
    start, start_cpu = time.perf_counter(), time.process_time()
    if os.environ.get("TF1_IMPL", "graphflow") == "tf":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow.compat.v1 as tf

        tf.disable_v2_behavior()
    else:
        import graphflow as tf
    imported, imported_cpu = time.perf_counter(), time.process_time()
    import numpy as np
    from mlp_graph import build_mlp

    mlp = build_mlp(tf)
    train, feed = mlp.train, mlp.feed(np.random.RandomState(0))
    clocks = []
    with tf.Session() as sess:
        clocks.append((time.perf_counter(), time.process_time()))
        sess.run(tf.global_variables_initializer())
        clocks.append((time.perf_counter(), time.process_time()))
        sess.run(train, feed)
        clocks.append((time.perf_counter(), time.process_time()))
        sess.run(train, feed)
        clocks.append((time.perf_counter(), time.process_time()))
    result = {"import_s": imported - start, "import_cpu_s": imported_cpu - start_cpu}
    for k, name in enumerate(("init", "first_step", "second_step")):
        result[f"{name}_s"] = clocks[k + 1][0] - clocks[k][0]
        result[f"{name}_cpu_s"] = clocks[k + 1][1] - clocks[k][1]
    return result


def measure(python: str, impl: str, cache: str | None) -> dict:
    """One child process on `impl`, with its kernel caches in `cache` (None: as configured)."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    env["TF1_IMPL"] = impl
    env["PYTHONPATH"] = str(HERE.parent) + os.pathsep + env.get("PYTHONPATH", "")
    if cache is not None:
        env["GF_CACHE_DIR"] = env["NUMBA_CACHE_DIR"] = cache
    out = subprocess.run([python, str(HERE / "cold_start.py"), "--child"], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _median(runs: list[dict], key: str) -> float:
    values = sorted(r[key] for r in runs)
    return round(values[len(values) // 2], 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--tf-python", default=os.environ.get("TF_PYTHON"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child()))
        return
    cold, warm = [], []
    for _ in range(args.repeats):
        cache = tempfile.mkdtemp(prefix="gf-cold-")
        try:
            cold.append(measure(sys.executable, "graphflow", cache))
            warm.append(measure(sys.executable, "graphflow", cache))
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    keys = [f"{name}{clock}" for name in ("init", "first_step", "second_step")
            for clock in ("_s", "_cpu_s")]
    result = {"import_s": _median(warm, "import_s"), "import_cpu_s": _median(warm, "import_cpu_s")}
    for name, runs in (("cold", cold), ("warm", warm)):
        for key in keys:
            result[f"{name}_{key}"] = _median(runs, key)
    if args.tf_python:
        theirs = [measure(args.tf_python, "tf", None) for _ in range(args.repeats)]
        for key in ["import_s", "import_cpu_s"] + keys:
            result[f"tf_{key}"] = _median(theirs, key)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
