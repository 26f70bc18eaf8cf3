"""_FusedBatchNormRelu and _FusedBatchNormReluGrad: a fused batch norm whose output feeds a
ReLU, and the gradient of the pair, each as one kernel. Users never create them: the compiler
pass graphflow.compiler.fuse_batch_norm_relu puts them in place of FusedBatchNorm(V2/V3) +
Relu and of ReluGrad + FusedBatchNormGrad(V2/V3) (the separable and ResNet-style blocks'
`relu(batch_normalization(x))`), saving the ReLU's two passes over the data each way.

_FusedBatchNormRelu(x, scale, offset, mean, variance) has the outputs of the batch norm op named
by its `batch_norm_type` attribute (the other attributes are that op's), output 0 being
relu(y). _FusedBatchNormReluGrad(dy, relu_out, x, scale, mean, variance[, reserve]) computes
the batch norm gradient of g = ReluGrad(dy, relu_out), its outputs those of the batch norm
gradient op.
"""

from __future__ import annotations

import numpy as np

from .fused_batch_norm import (
    _FusedBatchNormBase,
    batch_norm_gradients,
    batch_norm_kernel,
    channel_axis,
)
from .fused_batch_norm_grad import _composed, _FusedBatchNormGradBase, batch_norm_grad_kernel
from .registry import REGISTRY, OpDef, Sample, register

#: The batch norm ops the pass fuses, by type: their gradient op types.
BATCH_NORM_TYPES = {"FusedBatchNormV3": "FusedBatchNormGradV3",
                    "FusedBatchNormV2": "FusedBatchNormGradV2",
                    "FusedBatchNorm": "FusedBatchNormGrad"}


def _relu(y: np.ndarray) -> np.ndarray:
    return np.maximum(y, np.zeros((), y.dtype))  # NaN stays NaN, as TF's Relu


def _relu_grad(dy: np.ndarray, relu_out: np.ndarray) -> np.ndarray:
    return dy * (np.asarray(relu_out) > 0)  # TF's ReluGrad: dy * 0 (NaN for NaN/inf) where off


def _batch_norm(attrs) -> _FusedBatchNormBase:
    return REGISTRY[attrs.get("batch_norm_type", "FusedBatchNormV3")]


def _samples(rng, cases_wanted, with_grad_inputs: bool):
    """Cases (shape, data format, batch norm type, training, exponential_avg_factor) whose
    normalized values (and, for the gradient, ReLU outputs) stay away from the ReLU's kink, so
    finite differences see no jump."""
    cases = []
    for shape, data_format, bn_type, training, avg_factor in cases_wanted:
        depth = shape[channel_axis({"data_format": data_format})]
        attrs = {"epsilon": 1e-3, "data_format": data_format, "is_training": training,
                 "exponential_avg_factor": avg_factor, "batch_norm_type": bn_type}
        scale, offset = rng.uniform(0.5, 1.5, size=depth), rng.normal(size=depth) * 0.3
        stats = [np.zeros(0), np.zeros(0)]
        if not training or avg_factor != 1.0:  # the given statistics are read
            stats = [rng.normal(size=depth) * 0.2, rng.uniform(0.5, 1.5, size=depth)]
        for _ in range(100):  # redraw until no normalized value lies within 0.05 of the kink
            x = rng.normal(size=shape)
            y = REGISTRY[bn_type].reference(attrs, x, scale, offset, *stats)[0]
            if np.abs(y).min() > 0.05:
                break
        if not with_grad_inputs:
            cases.append(Sample([x, scale, offset, *stats], attrs))
            continue
        relu_out = np.abs(rng.normal(size=shape)) + 0.2
        # "off" entries negative rather than 0, away from the mask's kink
        relu_out = np.where(rng.uniform(size=shape) < 0.4, -relu_out, relu_out)
        inputs = [rng.normal(size=shape), relu_out, x, scale, rng.normal(size=depth) * 0.2,
                  rng.uniform(0.5, 1.5, size=depth)]
        if bn_type.endswith("V3"):
            inputs.append(np.zeros(0))
        attrs = {k: v for k, v in attrs.items() if k != "exponential_avg_factor"}
        cases.append(Sample(inputs, attrs))
    return cases


@register
class FusedBatchNormRelu(OpDef):
    """relu(FusedBatchNorm*(x, ...)): the batch norm op's outputs, output 0 through the ReLU."""

    type = "_FusedBatchNormRelu"
    defaults = {**_FusedBatchNormBase.defaults, "batch_norm_type": "FusedBatchNormV3"}
    grad_takes_none = True
    kernels = {"cuda": "graphflow.cuda.batch_norm:build_fused_batch_norm_relu"}

    def infer(self, inputs, attrs):
        return _batch_norm(attrs).infer(inputs, attrs)

    def reference(self, attrs, x, scale, offset, mean, variance):
        y, *rest = _batch_norm(attrs).reference(attrs, x, scale, offset, mean, variance)
        return (_relu(y), *rest)

    def cpu_kernel(self, node):
        dtype = node.out_specs[0].dtype.np
        if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
            return None
        return batch_norm_kernel(_batch_norm(node.attrs), node, relu=True)

    def grad(self, op, dy, d_mean, d_var, d_saved_mean, d_saved_var, *unused):
        from graphflow.api.math import zeros_like

        if dy is None:
            dy = zeros_like(op.outputs[0])
        through_relu = op.graph.create_op("ReluGrad", [dy, op.outputs[0]]).outputs[0]
        grad_type = BATCH_NORM_TYPES[op.get_attr("batch_norm_type")]
        return batch_norm_gradients(op, through_relu, d_mean, d_var, d_saved_mean, d_saved_var,
                                    grad_type)

    def samples(self, rng):
        return _samples(rng, [((2, 3, 3, 4), "NHWC", "FusedBatchNormV3", True, 1.0),
                              ((3, 2, 2, 3), "NCHW", "FusedBatchNormV3", True, 1.0),
                              ((2, 2, 3, 2), "NHWC", "FusedBatchNormV2", True, 1.0),
                              ((2, 2, 3, 3), "NHWC", "FusedBatchNormV3", False, 1.0),
                              ((2, 3, 2, 2), "NHWC", "FusedBatchNormV3", True, 0.3)],
                        with_grad_inputs=False)


@register
class FusedBatchNormReluGrad(OpDef):
    """FusedBatchNormGrad*(ReluGrad(dy, relu_out), x, scale, mean, variance[, reserve])."""

    type = "_FusedBatchNormReluGrad"
    defaults = {**_FusedBatchNormGradBase.defaults, "batch_norm_type": "FusedBatchNormV3"}
    kernels = {"cuda": "graphflow.cuda.batch_norm:build_fused_batch_norm_relu_grad"}

    def _gradient_op(self, attrs) -> _FusedBatchNormGradBase:
        return REGISTRY[BATCH_NORM_TYPES[attrs.get("batch_norm_type", "FusedBatchNormV3")]]

    def infer(self, inputs, attrs):
        dy, relu_out = inputs[0], inputs[1]
        if relu_out.dtype != dy.dtype or not relu_out.shape.is_compatible_with(dy.shape):
            raise ValueError(f"{self.type}: the ReLU output {relu_out.shape} {relu_out.dtype.name} "
                             f"does not match its gradient {dy.shape} {dy.dtype.name}")
        return self._gradient_op(attrs).infer([dy, *inputs[2:]], attrs)

    def reference(self, attrs, dy, relu_out, x, scale, mean, variance, *reserve):
        return self._gradient_op(attrs).reference(attrs, _relu_grad(dy, relu_out), x, scale, mean,
                                                  variance, *reserve)

    def cpu_kernel(self, node):
        dtype = node.out_specs[0].dtype.np
        if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
            return None
        return batch_norm_grad_kernel(self._gradient_op(node.attrs), node, masked=True)

    def grad(self, op, d_dx, d_scale, d_offset, *unused):
        """Second derivatives: the ReLU's mask (no gradient of its own) then the batch norm
        gradient's formulas as graph ops, differentiated by `tf.gradients`."""
        from graphflow.gradients import gradients

        dy, relu_out, x, scale, mean, variance = op.inputs[:6]
        masked = op.graph.create_op("ReluGrad", [dy, relu_out]).outputs[0]
        outs = _composed(op, masked, x, scale, mean, variance)
        pairs = [(o, g) for o, g in zip(outs, (d_dx, d_scale, d_offset)) if g is not None]
        if not pairs:
            return [None] * len(op.inputs)
        wrt = [dy, x, scale, mean, variance]
        d_dy, d_x, d_sc, d_mean, d_var = gradients([o for o, _ in pairs], wrt,
                                                   grad_ys=[g for _, g in pairs])
        return [d_dy, None, d_x, d_sc, d_mean, d_var] + [None] * (len(op.inputs) - 6)

    def samples(self, rng):
        return _samples(rng, [((2, 3, 3, 4), "NHWC", "FusedBatchNormV3", True, 1.0),
                              ((2, 3, 2, 2), "NCHW", "FusedBatchNormV3", True, 1.0),
                              ((2, 2, 2, 3), "NHWC", "FusedBatchNormV2", True, 1.0),
                              ((2, 2, 3, 2), "NCHW", "FusedBatchNormV3", False, 1.0)],
                        with_grad_inputs=True)
