"""`tf.layers.BatchNormalization` and `batch_normalization`, with TF1's variables and
UPDATE_OPS."""

from __future__ import annotations

from typing import Any

from graphflow.api import math as gmath
from graphflow.api.array import ones, reshape, zeros
from graphflow.api.normalization import batch_normalization as nn_batch_normalization
from graphflow.api.normalization import fused_batch_norm, moments
from graphflow.framework import dtypes
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.initializers import Ones, Zeros
from graphflow.framework.tensor import Tensor
from graphflow.framework.variables import assign_sub

from .base import Layer


class BatchNormalization(Layer):
    """Normalizes over every axis but `axis` with the batch's statistics when called with
    `training` true (a Python bool or a bool tensor) and the moving averages otherwise.

    Variables: `gamma`, `beta` (trainable), `moving_mean`, `moving_variance` (not trainable).
    In training, the moving averages move towards the batch statistics by
    moving -= (moving - batch) * (1 - momentum) through ops placed in the layer's `updates`
    and `tf.GraphKeys.UPDATE_OPS`, as in TF1: run them with the train op, e.g. under
    `tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS))`. As TF1, a 4-D
    float16/float32 input along axis 1 or 3 runs one FusedBatchNormV3 op unless `fused` is
    False, and its moving variance moves towards the unbiased batch variance (n / (n - 1));
    otherwise the layer composes elementwise ops and uses the biased variance.

    Raises:
        NotImplementedError: for batch renormalization, virtual batches or `adjustment`.
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True, beta_initializer: Any = Zeros(),
                 gamma_initializer: Any = Ones(), moving_mean_initializer: Any = Zeros(),
                 moving_variance_initializer: Any = Ones(), beta_regularizer: Any = None,
                 gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, renorm: bool = False,
                 renorm_clipping: Any = None, renorm_momentum: float = 0.99, fused: Any = None,
                 trainable: bool = True, virtual_batch_size: Any = None,
                 adjustment: Any = None, name: str | None = None, **kwargs: Any) -> None:
        if renorm or virtual_batch_size is not None or adjustment is not None:
            raise NotImplementedError("batch renormalization, virtual batches and adjustment "
                                      "are not supported")
        super().__init__(trainable=trainable, name=name, **kwargs)
        self.axis, self.momentum, self.epsilon = int(axis), momentum, epsilon
        self.center, self.scale = center, scale
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer
        self.moving_mean_initializer = moving_mean_initializer
        self.moving_variance_initializer = moving_variance_initializer
        self.beta_regularizer, self.gamma_regularizer = beta_regularizer, gamma_regularizer
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint
        self.fused = fused
        self.gamma: Any = None
        self.beta: Any = None
        self.moving_mean: Any = None
        self.moving_variance: Any = None

    def build(self, input_shape: Any) -> None:
        """Creates the four variables.

        Raises:
            ValueError: for inputs of unknown rank or an unknown size along `axis`.
        """
        rank = input_shape.ndims
        if rank is None:
            raise ValueError(f"{self.name}: batch_normalization needs inputs of known rank")
        axis = self.axis % rank
        depth = input_shape.dims[axis]
        if depth is None:
            raise ValueError(f"{self.name}: axis {axis} of inputs {input_shape} has an unknown "
                             f"size")
        # float16 inputs keep float32 statistics, as TF1's fused kernel.
        dtype = dtypes.float32 if self._dtype == dtypes.float16 else self._dtype
        if self.scale:
            self.gamma = self.add_weight("gamma", [depth], dtype, self.gamma_initializer,
                                         self.gamma_regularizer, constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight("beta", [depth], dtype, self.beta_initializer,
                                        self.beta_regularizer, constraint=self.beta_constraint)
        self.moving_mean = self.add_weight("moving_mean", [depth], dtype,
                                           self.moving_mean_initializer, trainable=False)
        self.moving_variance = self.add_weight("moving_variance", [depth], dtype,
                                               self.moving_variance_initializer, trainable=False)
        self.built = True

    def call(self, inputs: Tensor, training: Any = False) -> Tensor:
        x = inputs
        rank = x.shape.ndims
        axis = self.axis % rank
        if self._fused_applies(x, axis):
            return self._fused_call(x, axis, training)
        reduce_axes = [a for a in range(rank) if a != axis]
        broadcast = [1] * rank
        broadcast[axis] = x.shape.dims[axis]
        shaped = (lambda t: t) if axis == rank - 1 else (lambda t: reshape(t, broadcast))
        if training is False:
            return self._normalize(x, shaped(self.moving_mean), shaped(self.moving_variance),
                                   shaped)
        mean, variance = moments(x, reduce_axes)
        self._update_moving_averages(mean, variance, training)
        batch = self._normalize(x, shaped(mean), shaped(variance), shaped)
        if training is True:
            return batch
        inference = self._normalize(x, shaped(self.moving_mean), shaped(self.moving_variance),
                                    shaped)
        return gmath.where(convert_to_tensor(training), batch, inference)

    def _fused_applies(self, x: Tensor, axis: int) -> bool:
        """TF1's choice of the fused kernel: `fused` not False, a 4-D input normalized along
        axis 1 (NCHW) or 3 (NHWC), float16 or float32 data (TF1's fused kernel has no float64)."""
        return (self.fused is not False and x.shape.ndims == 4 and axis in (1, 3)
                and x.dtype.base_dtype in (dtypes.float16, dtypes.float32))

    def _fused_call(self, x: Tensor, axis: int, training: Any) -> Tensor:
        """One FusedBatchNormV3 per mode: the batch's statistics in training (its unbiased
        variance feeding the moving average, as TF1), the moving ones in inference."""
        data_format = "NCHW" if axis == 1 else "NHWC"
        param_dtype = self.moving_mean.dtype.base_dtype
        depth = x.shape.dims[axis]
        gamma = self.gamma if self.gamma is not None else ones([depth], param_dtype)
        beta = self.beta if self.beta is not None else zeros([depth], param_dtype)

        def inference() -> Tensor:
            return fused_batch_norm(x, gamma, beta, self.moving_mean, self.moving_variance,
                                    self.epsilon, data_format, is_training=False)[0]

        if training is False:
            return inference()
        y, mean, variance = fused_batch_norm(x, gamma, beta, epsilon=self.epsilon,
                                             data_format=data_format, is_training=True)
        self._update_moving_averages(mean, variance, training)
        if training is True:
            return y
        return gmath.where(convert_to_tensor(training), y, inference())

    def _update_moving_averages(self, mean: Tensor, variance: Tensor, training: Any) -> None:
        """moving -= (moving - batch) * (1 - momentum), the ops in the layer's updates and
        UPDATE_OPS; with a `training` tensor the decay is 0 when it is false."""
        param_dtype = self.moving_mean.dtype.base_dtype
        decay = 1.0 - self.momentum
        if training is not True:  # a tensor: in inference the averages do not move
            decay = gmath.where(convert_to_tensor(training),
                                convert_to_tensor(decay, param_dtype),
                                convert_to_tensor(0.0, param_dtype))
        for variable, value in ((self.moving_mean, mean), (self.moving_variance, variance)):
            delta = (variable - gmath.cast(value, param_dtype)) * decay
            self.add_update(assign_sub(variable, delta, name="AssignMovingAvg").op)

    def _normalize(self, x: Tensor, mean: Any, variance: Any, shaped: Any) -> Tensor:
        beta = None if self.beta is None else gmath.cast(shaped(self.beta), x.dtype)
        gamma = None if self.gamma is None else gmath.cast(shaped(self.gamma), x.dtype)
        return nn_batch_normalization(x, gmath.cast(mean, x.dtype), gmath.cast(variance, x.dtype),
                                      beta, gamma, self.epsilon)


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
    """The functional form of `BatchNormalization` (`reuse=True` shares an existing layer's
    variables).

    Returns:
        The normalized tensor.

    Raises:
        ValueError: when the normalized axis has an unknown size.
    """
    layer = BatchNormalization(axis, momentum, epsilon, center, scale, beta_initializer,
                               gamma_initializer, moving_mean_initializer,
                               moving_variance_initializer, beta_regularizer, gamma_regularizer,
                               beta_constraint, gamma_constraint, renorm, renorm_clipping,
                               renorm_momentum, fused, trainable, virtual_batch_size, adjustment,
                               name, _scope=name, _reuse=reuse)
    return layer.apply(inputs, training=training)
