"""`tf.layers.batch_normalization`, with TF1's variables and UPDATE_OPS."""

from __future__ import annotations

from typing import Any

from graphflow.api import math as gmath
from graphflow.api.array import reshape
from graphflow.api.normalization import batch_normalization as nn_batch_normalization
from graphflow.api.normalization import moments, unbiased_variance
from graphflow.framework import dtypes
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.graph import GraphKeys, get_default_graph
from graphflow.framework.initializers import Ones, Zeros
from graphflow.framework.tensor import Tensor
from graphflow.framework.variables import assign_sub

from ._scope import layer_scope, weight


def batch_normalization(inputs: Any, axis: int = -1, momentum: float = 0.99,
                        epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                        beta_initializer: Any = Zeros(), gamma_initializer: Any = Ones(),
                        moving_mean_initializer: Any = Zeros(),
                        moving_variance_initializer: Any = Ones(),
                        beta_regularizer: Any = None, gamma_regularizer: Any = None,
                        beta_constraint: Any = None, gamma_constraint: Any = None,
                        training: Any = False, trainable: bool = True, name: str | None = None,
                        reuse: Any = None, renorm: bool = False, renorm_clipping: Any = None,
                        renorm_momentum: float = 0.99, fused: Any = None,
                        virtual_batch_size: Any = None, adjustment: Any = None) -> Tensor:
    """Normalizes over every axis but `axis` with the batch's statistics when `training`
    (a Python bool or a bool tensor) and the moving averages otherwise.

    Variables: `gamma`, `beta` (trainable), `moving_mean`, `moving_variance` (not trainable).
    In training, the moving averages move towards the batch statistics by
    moving -= (moving - batch) * (1 - momentum) through ops placed in
    `tf.GraphKeys.UPDATE_OPS`, as in TF1: run them with the train op, e.g. under
    `tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS))`. As TF1's fused
    kernel, a 4-D input along its channel axis updates the moving variance with the unbiased
    batch variance.

    Raises:
        ValueError: when the normalized axis has an unknown size.
    """
    if renorm or virtual_batch_size is not None or adjustment is not None:
        raise NotImplementedError("batch renormalization, virtual batches and adjustment are "
                                  "not supported")
    x = convert_to_tensor(inputs)
    rank = x.shape.ndims
    if rank is None:
        raise ValueError("batch_normalization needs inputs of known rank")
    axis = axis % rank
    depth = x.shape.dims[axis]
    if depth is None:
        raise ValueError(f"batch_normalization: axis {axis} of inputs {x.shape} has an unknown "
                         f"size")
    reduce_axes = [a for a in range(rank) if a != axis]
    broadcast = [1] * rank
    broadcast[axis] = depth
    param_dtype = dtypes.float32 if x.dtype == dtypes.float16 else x.dtype
    with layer_scope(name, "batch_normalization", reuse):
        gamma = weight("gamma", [depth], param_dtype, gamma_initializer, gamma_regularizer,
                       trainable, gamma_constraint) if scale else None
        beta = weight("beta", [depth], param_dtype, beta_initializer, beta_regularizer,
                      trainable, beta_constraint) if center else None
        moving_mean = weight("moving_mean", [depth], param_dtype, moving_mean_initializer,
                             None, False)
        moving_var = weight("moving_variance", [depth], param_dtype,
                            moving_variance_initializer, None, False)
        shaped = (lambda t: t) if axis == rank - 1 else (lambda t: reshape(t, broadcast))
        if training is False:
            return _normalize(x, shaped(moving_mean), shaped(moving_var), beta, gamma, shaped,
                              epsilon)
        mean, variance = moments(x, reduce_axes)
        if rank == 4 and axis in (1, 3):  # TF1's fused kernel: unbiased variance for averages
            update_variance = unbiased_variance(x, variance, reduce_axes)
        else:
            update_variance = variance
        decay = 1.0 - momentum
        if training is not True:  # a tensor: in inference the averages do not move
            decay = gmath.where(convert_to_tensor(training), convert_to_tensor(decay, param_dtype),
                                convert_to_tensor(0.0, param_dtype))
        graph = get_default_graph()
        for variable, value in ((moving_mean, mean), (moving_var, update_variance)):
            delta = (variable - gmath.cast(value, param_dtype)) * decay
            graph.add_to_collection(GraphKeys.UPDATE_OPS,
                                    assign_sub(variable, delta, name="AssignMovingAvg").op)
        batch = _normalize(x, shaped(mean), shaped(variance), beta, gamma, shaped, epsilon)
        if training is True:
            return batch
        inference = _normalize(x, shaped(moving_mean), shaped(moving_var), beta, gamma, shaped,
                               epsilon)
        return gmath.where(convert_to_tensor(training), batch, inference)


def _normalize(x, mean, variance, beta, gamma, shaped, epsilon):
    return nn_batch_normalization(x, gmath.cast(mean, x.dtype), gmath.cast(variance, x.dtype),
                                  None if beta is None else gmath.cast(shaped(beta), x.dtype),
                                  None if gamma is None else gmath.cast(shaped(gamma), x.dtype),
                                  epsilon)

