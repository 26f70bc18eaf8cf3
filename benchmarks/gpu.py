"""The CUDA backend on a real GPU: `python benchmarks/gpu.py` prints one JSON line.

    copy_gb_s            device-to-device copy bandwidth (numba), the ceiling for elementwise
    elementwise_gb_s     a fused elementwise program (y = x * 2 + 1, 2^24 floats) through a
                         session: bytes read and written per second
    elementwise_vs_copy  the ratio of the two (1.0 = at the copy ceiling)
    gemm_tflops          float32 2048 x 2048 matmul through a session
    run_overhead_us      a tiny graph (c = a * b + a on scalars): feeds in, fetch out
    mlp_step_ms          benchmarks/training.py's MLP Adam step, batch 128
    cnn_step_ms          benchmarks/training.py's 2-conv CNN step, batch 64
    steady_state_driver_allocations
                         cuMemAlloc calls made by 10 training steps after 3 warm-up steps
                         (0 when the caching pool serves every allocation; null without it)

Kernel launches are asynchronous, so every timed call ends with `cuda.synchronize()`.
Without a GPU it says so and exits with status 2. `--smoke` runs every measurement on tiny
sizes (also under NUMBA_ENABLE_CUDASIM=1, where the numbers mean nothing): a check that the
script works before the day it meets a GPU.
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

os.environ["GF_BACKEND"] = "cuda"

from overhead import median_seconds, tf  # noqa: E402
from training import cnn_step, mlp_step  # noqa: E402


def _device_ready() -> bool:
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        return True
    from graphflow.backends.devices import gpu_available

    return gpu_available()


def _synchronize() -> None:
    from numba import cuda

    cuda.synchronize()


def copy_gb_s(n: int, repeats: int) -> float:
    from numba import cuda

    src = cuda.to_device(np.ones(n, np.float32))
    dst = cuda.device_array_like(src)
    seconds = median_seconds(lambda: (dst.copy_to_device(src), _synchronize()), repeats)
    return 2 * 4 * n / seconds / 1e9


def _assign_rate(build, repeats: int) -> float:
    """Median seconds of `sess.run(tf.assign(out, build()))` on device-resident variables."""
    with tf.Graph().as_default():
        update, init = build()
        with tf.Session() as sess:
            sess.run(init)
            return median_seconds(lambda: (sess.run(update.op), _synchronize()), repeats)


def elementwise_gb_s(n: int, repeats: int) -> float:
    def build():
        x = tf.Variable(np.ones(n, np.float32))
        y = tf.Variable(np.zeros(n, np.float32))
        return tf.assign(y, x * 2.0 + 1.0), tf.global_variables_initializer()

    return 2 * 4 * n / _assign_rate(build, repeats) / 1e9


def gemm_tflops(n: int, repeats: int) -> float:
    def build():
        rng = np.random.default_rng(0)
        a = tf.Variable(rng.normal(size=(n, n)).astype(np.float32))
        b = tf.Variable(rng.normal(size=(n, n)).astype(np.float32))
        c = tf.Variable(np.zeros((n, n), np.float32))
        return tf.assign(c, tf.matmul(a, b)), tf.global_variables_initializer()

    return 2 * n ** 3 / _assign_rate(build, repeats) / 1e12


def run_overhead_us(repeats: int) -> float:
    with tf.Graph().as_default():
        a = tf.placeholder(tf.float32, [], name="a")
        b = tf.placeholder(tf.float32, [], name="b")
        c = a * b + a
        with tf.Session() as sess:
            return median_seconds(lambda: sess.run(c, {a: 1.0, b: 2.0}), repeats) * 1e6


def steady_state_driver_allocations() -> int | None:
    from graphflow.cuda.device import pool_in_use

    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [64, 32])
        labels = tf.placeholder(tf.int64, [64])
        logits = tf.layers.dense(tf.layers.dense(x, 64, activation=tf.nn.relu), 10)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=logits))
        train = tf.train.AdamOptimizer(1e-3).minimize(loss)
        feeds = {x: np.ones((64, 32), np.float32), labels: np.zeros(64, np.int64)}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            pool = pool_in_use()
            if pool is None:
                return None
            for _ in range(3):
                sess.run(train, feeds)
            before = pool.driver_allocations
            for _ in range(10):
                sess.run(train, feeds)
            return pool.driver_allocations - before


def main(smoke: bool) -> dict:
    from numba import cuda

    from graphflow.cuda.device import install_pool

    install_pool()  # before the first CUDA context (the copy benchmark creates it)
    n, m, repeats = (1 << 10, 32, 1) if smoke else (1 << 24, 2048, 50)
    copy = copy_gb_s(n, repeats)
    elementwise = elementwise_gb_s(n, repeats)
    results = {
        "device": str(getattr(cuda.get_current_device(), "name", "simulator")),
        "smoke": smoke,
        "copy_gb_s": copy, "elementwise_gb_s": elementwise,
        "elementwise_vs_copy": elementwise / copy,
        "gemm_tflops": gemm_tflops(m, repeats),
        "run_overhead_us": run_overhead_us(repeats * 20),
        "mlp_step_ms": mlp_step(batch=2 if smoke else 128, din=4 if smoke else 784,
                                hidden=4 if smoke else 256, settle=_synchronize,
                                repeats=repeats) * 1e3,
    }
    if not smoke:  # the simulator would take minutes on 28x28 convolutions
        results["cnn_step_ms"] = cnn_step(settle=_synchronize) * 1e3
    results["steady_state_driver_allocations"] = steady_state_driver_allocations()
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in results.items()}


if __name__ == "__main__":
    if not _device_ready():
        print("benchmarks/gpu.py: no CUDA GPU here (it needs an NVIDIA driver and "
              "`pip install graphflow[cuda]`); nothing measured.", file=sys.stderr)
        sys.exit(2)
    print(json.dumps(main(smoke="--smoke" in sys.argv[1:])))
