"""Peak resident memory of the MLP training benchmark, in a process of its own.

    TF1_IMPL=graphflow python benchmarks/memory.py      # or TF1_IMPL=tf (needs TensorFlow)

Prints one JSON line: `mlp_peak_rss_mb`, the process's peak resident set size (`ru_maxrss`)
after importing the engine, building the shared bench's MLP (784-256-256-10, Adam, batch 128)
and running 100 training steps (`training.mlp_step`). It counts everything the process holds:
the engine's libraries, compiled kernels, the graph, variables, slots and intermediate
buffers. `compare_tf.py` runs it on both engines.
"""

from __future__ import annotations

import json
import os
import resource
import sys

from training import mlp_step


def peak_rss_mb() -> float:
    """The peak resident set size of this process so far, in MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (2**20 if sys.platform == "darwin" else 2**10)


def main() -> dict:
    mlp_step()
    return {"impl": os.environ.get("TF1_IMPL", "graphflow"), "mlp_peak_rss_mb": round(peak_rss_mb(), 1)}


if __name__ == "__main__":
    print(json.dumps(main()))
