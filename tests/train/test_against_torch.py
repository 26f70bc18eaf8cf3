"""The optimizers beyond TF1 against `torch.optim` (skipped when torch is not installed): the
same hyperparameters must give the same trajectory, step by step, in float64."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(7)
X = RNG.normal(size=(16, 4))
Y = RNG.normal(size=(16, 2))
W0 = RNG.normal(size=(4, 2))
B0 = RNG.normal(size=(2,))

CASES = {
    "adamax": (lambda: tf.train.AdaMaxOptimizer(0.05, 0.8, 0.95, 1e-6),
               lambda p: torch.optim.Adamax(p, lr=0.05, betas=(0.8, 0.95), eps=1e-6)),
    "nadam": (lambda: tf.train.NadamOptimizer(0.05, 0.8, 0.95, 1e-6, momentum_decay=0.01),
              lambda p: torch.optim.NAdam(p, lr=0.05, betas=(0.8, 0.95), eps=1e-6,
                                          momentum_decay=0.01)),
    "amsgrad": (lambda: tf.train.AdamOptimizer(0.05, 0.8, 0.95, 1e-6, amsgrad=True),
                lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.8, 0.95), eps=1e-6,
                                           amsgrad=True)),
    "adamw": (lambda: tf.train.AdamWOptimizer(0.1, 0.05, 0.8, 0.95, 1e-6),
              lambda p: torch.optim.AdamW(p, lr=0.05, betas=(0.8, 0.95), eps=1e-6,
                                          weight_decay=0.1)),
    "adamw_amsgrad": (lambda: tf.train.AdamWOptimizer(0.1, 0.05, 0.8, 0.95, 1e-6, amsgrad=True),
                      lambda p: torch.optim.AdamW(p, lr=0.05, betas=(0.8, 0.95), eps=1e-6,
                                                  weight_decay=0.1, amsgrad=True)),
    # beta2 = 0.7 makes rho_t pass 5 after a few steps: both RAdam branches run.
    "radam": (lambda: tf.train.RAdamOptimizer(0.05, 0.8, 0.7, 1e-6),
              lambda p: torch.optim.RAdam(p, lr=0.05, betas=(0.8, 0.7), eps=1e-6)),
}


@pytest.fixture
def torch_float64():
    """torch keeps scalar optimizer state (NAdam's mu_product, step counts) in the default
    dtype: float64 makes it compute the rule as exactly as the float64 graph does."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


@pytest.mark.parametrize("name", sorted(CASES))
def test_trajectory_matches_torch(name, torch_float64):
    make_ours, make_torch = CASES[name]
    w_t = torch.tensor(W0, requires_grad=True)
    b_t = torch.tensor(B0, requires_grad=True)
    opt_t = make_torch([w_t, b_t])
    x_t, y_t = torch.tensor(X), torch.tensor(Y)
    graph = tf.Graph()
    with graph.as_default():
        w, b = tf.Variable(W0), tf.Variable(B0)
        loss = tf.reduce_mean(tf.square(tf.tanh(tf.matmul(tf.constant(X), w) + b) - Y))
        train = make_ours().minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for step in range(1, 13):
                opt_t.zero_grad()
                torch.mean((torch.tanh(x_t @ w_t + b_t) - y_t) ** 2).backward()
                opt_t.step()
                sess.run(train)
                got_w, got_b = sess.run([w, b])
                np.testing.assert_allclose(got_w, w_t.detach().numpy(), rtol=1e-9, atol=1e-12,
                                           err_msg=f"{name}: w after {step} steps")
                np.testing.assert_allclose(got_b, b_t.detach().numpy(), rtol=1e-9, atol=1e-12,
                                           err_msg=f"{name}: b after {step} steps")
