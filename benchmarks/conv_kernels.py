"""The benchmark CNN's convolution kernels by both CPU routes: direct (windows packed for BLAS,
`ops/_conv_cpu.py`) and by Fourier transforms (`ops/_fft_conv.py`), alternated in one process.

    PYTHONPATH=. python benchmarks/conv_kernels.py [--rounds 2] [--repeats 15]

Prints one JSON line: per kernel and route, the medians over the rounds of the per-round
medians of process CPU time (both cores' work) and wall time, in ms. Where a shape does not
take transforms by the default rule (`_fft_conv.fft_grid`), both routes are the direct one.
Run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (they halve numpy's BLAS here).
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from graphflow.ops import _conv_cpu, _fft_conv
from graphflow.ops._sliding_windows import Window

#: (name, input NHWC, filter) of the shared bench's CNN, batch 64, 5x5 SAME stride 1
LAYERS = (("28x28x1->32", (64, 28, 28, 1), (5, 5, 1, 32)),
          ("14x14x32->64", (64, 14, 14, 32), (5, 5, 32, 64)))


def _kernels(x: np.ndarray, f: np.ndarray, dy: np.ndarray, win: Window) -> dict:
    """The three kernels of one layer, as calls without arguments."""
    scratch = _conv_cpu.Scratch()
    return {"Conv2D": lambda: _conv_cpu.conv2d(x, f, win, scratch),
            "Conv2DBackpropInput": lambda: _conv_cpu.conv2d_input_grad(x.shape, f, dy, win,
                                                                       scratch),
            "Conv2DBackpropFilter": lambda: _conv_cpu.conv2d_filter_grad(x, f.shape, dy, win,
                                                                         scratch)}


def _medians(fn, repeats: int) -> tuple[float, float]:
    fn()
    cpu, wall = [], []
    for _ in range(repeats):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start_wall)
        cpu.append(time.process_time() - start_cpu)
    return float(np.median(cpu)) * 1e3, float(np.median(wall)) * 1e3


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    win = Window(5, 5, 1, 1, 1, 1, "SAME")
    default = _fft_conv.MIN_SAVING
    results: dict = {}
    for name, x_shape, f_shape in LAYERS:
        x = rng.standard_normal(x_shape).astype(np.float32)
        f = rng.standard_normal(f_shape).astype(np.float32)
        dy = rng.standard_normal(x_shape[:3] + f_shape[3:]).astype(np.float32)
        for kernel, fn in _kernels(x, f, dy, win).items():
            rounds: dict[str, list[tuple[float, float]]] = {"direct": [], "transforms": []}
            for _ in range(args.rounds):
                for route, saving in (("direct", float("inf")), ("transforms", default)):
                    _fft_conv.MIN_SAVING = saving
                    try:
                        rounds[route].append(_medians(fn, args.repeats))
                    finally:
                        _fft_conv.MIN_SAVING = default
            for route, values in rounds.items():
                cpu, wall = np.median(np.array(values), axis=0)
                results[f"{kernel} {name} {route}"] = {"cpu_ms": round(float(cpu), 2),
                                                       "wall_ms": round(float(wall), 2)}
    return results


if __name__ == "__main__":
    print(json.dumps(main()))
