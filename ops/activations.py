"""Activation functions as rows of the elementwise table (so they fuse like arithmetic):
Relu, Relu6, Elu, Selu, Softplus, Softsign, and BiasAdd. Leaky ReLU, swish and GELU are compositions in
`graphflow.api.activations`.

Gradients select on the input (ReLU's is 0 at 0, as TF1's ReluGrad) and are built from table
rows, so they fuse with the backward pass.
"""

from __future__ import annotations

import numpy as np

from .elementwise import Row, _g, add_row

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _where(m, cond, a, b):
    return m.where(cond, a, b)


def _relu_grad(op, dy):
    """TF1's ReluGrad(dy, relu output): one fusable row, no zeros tensor."""
    return [op.graph.create_op("ReluGrad", [dy, op.outputs[0]]).outputs[0]]


add_row(Row("Relu", 1, "x if x > 0 else (x if x != x else 0)", lambda x: np.maximum(x, 0), _relu_grad,
            kinds="fi"))
# dy where the ReLU was active (its output y > 0), else dy * 0: TF's `dy * (y > 0)`, so an
# infinite or NaN dy gives NaN even where the ReLU was off; its own gradient is itself.
add_row(Row("ReluGrad", 2, "x if y > 0 else x * 0", lambda dy, y: dy * (y > 0),
            _g(lambda m, ddy, dy, y, z: [m.sum_to_shape(
                ddy.graph.create_op("ReluGrad", [ddy, y]).outputs[0], dy), None]), kinds="f",
            multipass=True))
add_row(Row("Relu6", 1, "x * 0 if x <= 0 else (x * 0 + 6 if x >= 6 else x)",
            lambda x: np.clip(x, 0, 6),
            _g(lambda m, dy, x, z: [_where(m, m.logical_and(x > 0, x < 6), dy,
                                           m.zeros_like(dy))]), kinds="fi"))
add_row(Row("Elu", 1, "x if x > 0 else math.expm1(x)", lambda x: np.where(x > 0, x, np.expm1(x)),
            _g(lambda m, dy, x, z: [_where(m, x > 0, dy, dy * (z + 1.0))]), kinds="f",
            transcendental=True))
add_row(Row("Selu", 1, f"{SELU_SCALE!r} * (x if x > 0 else {SELU_ALPHA!r} * math.expm1(x))",
            lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x)),
            _g(lambda m, dy, x, z: [_where(m, x > 0, dy * SELU_SCALE,
                                           dy * (z + SELU_SCALE * SELU_ALPHA))]),
            kinds="f", transcendental=True))
add_row(Row("Softplus", 1,
            "x + math.log1p(math.exp(-x)) if x > 0 else math.log1p(math.exp(x))",
            lambda x: np.logaddexp(np.zeros_like(x), x),  # (x * 0 is NaN at inf)
            _g(lambda m, dy, x, z: [dy * m.sigmoid(x)]), kinds="f", transcendental=True))
# x + bias over the last axis: its own row (TF1's op name) so it fuses with what follows.
add_row(Row("BiasAdd", 2, "x + y", np.add,
            _g(lambda m, dy, x, y, z: [m.sum_to_shape(dy, x), m.sum_to_shape(dy, y)])))
add_row(Row("Softsign", 1, "x / (1.0 + abs(x))", lambda x: x / (1 + np.abs(x)),
            _g(lambda m, dy, x, z: [dy / m.square(1.0 + m.abs(x))]), kinds="f", multipass=True))

