"""`BatchNormalization`: normalizes with the batch statistics in the training phase (updating
the moving averages through update ops run by `fit`'s training step) and with the moving
statistics at inference. Weights: gamma, beta, moving_mean, moving_variance (Keras 2's order)."""

from __future__ import annotations

from typing import Any

import graphflow as _tf
from graphflow.keras import backend as K
from graphflow.keras import constraints, initializers, regularizers
from graphflow.keras.engine.base_layer import InputSpec, Layer
from graphflow.keras.layers._config import ser_constraint, ser_initializer, ser_regularizer


class BatchNormalization(Layer):
    """Batch normalization over all axes but `axis`.

    Args:
        axis: the feature axis (-1 for channels_last).
        momentum: moving = momentum * moving + (1 - momentum) * batch statistic.
        epsilon: added to the variance.
        center, scale: whether to learn beta and gamma.
        *_initializer, *_regularizer, *_constraint: as Keras 2.
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 moving_mean_initializer: Any = "zeros", moving_variance_initializer: Any = "ones",
                 beta_regularizer: Any = None, gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, **kwargs: Any) -> None:
        self._fused = kwargs.pop("fused", None)
        for ignored in ("renorm", "renorm_clipping", "renorm_momentum", "virtual_batch_size",
                        "adjustment"):
            kwargs.pop(ignored, None)
        super().__init__(**kwargs)
        self.axis = axis if isinstance(axis, int) else list(axis)
        self.momentum, self.epsilon, self.center, self.scale = float(momentum), float(epsilon), center, scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape: Any) -> None:
        rank = len(input_shape)
        axes = [self.axis] if isinstance(self.axis, int) else self.axis
        self._axes = [a % rank for a in axes]
        for a in self._axes:
            if input_shape[a] is None:
                raise ValueError(f"Axis {a} of input tensor should have a defined dimension but the layer "
                                 f"received an input with shape {tuple(input_shape)}.")
        shape = tuple(input_shape[a] for a in self._axes)
        self._rank = rank
        self.input_spec = InputSpec(ndim=rank, axes={a: input_shape[a] for a in self._axes})
        self.gamma = self.add_weight("gamma", shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer, constraint=self.gamma_constraint) \
            if self.scale else None
        self.beta = self.add_weight("beta", shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer, constraint=self.beta_constraint) \
            if self.center else None
        self.moving_mean = self.add_weight("moving_mean", shape, initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight("moving_variance", shape,
                                               initializer=self.moving_variance_initializer, trainable=False)
        self.built = True

    def _broadcast(self, value: Any) -> Any:
        if value is None or (len(self._axes) == 1 and self._axes[0] == self._rank - 1):
            return value
        shape = [1] * self._rank
        for a in self._axes:
            shape[a] = -1
        return _tf.reshape(value, shape)

    def call(self, inputs: Any, training: Any = None) -> Any:
        reduction = [a for a in range(self._rank) if a not in self._axes]
        gamma, beta = self._broadcast(self.gamma), self._broadcast(self.beta)

        # Keras 2 takes the fused kernel (one FusedBatchNormV3) for 4-D inputs along axis 1 or 3;
        # its moving variance is the unbiased one.
        fused = (self._fused is not False and self._rank == 4 and len(self._axes) == 1
                 and self._axes[0] in (1, 3) and inputs.dtype.base_dtype in (_tf.float16, _tf.float32))

        def fused_call(is_training: bool) -> Any:
            depth, dtype = self.moving_mean.shape.dims[0], self.moving_mean.dtype.base_dtype
            scale = self.gamma if self.gamma is not None else _tf.ones([depth], dtype)
            offset = self.beta if self.beta is not None else _tf.zeros([depth], dtype)
            statistics = {} if is_training else {"mean": self.moving_mean, "variance": self.moving_variance}
            return _tf.nn.fused_batch_norm(inputs, scale, offset, epsilon=self.epsilon, is_training=is_training,
                                           data_format="NCHW" if self._axes[0] == 1 else "NHWC", **statistics)

        def inference() -> Any:
            if fused:
                return fused_call(False)[0]
            return _tf.nn.batch_normalization(inputs, self._broadcast(self.moving_mean),
                                              self._broadcast(self.moving_variance), beta, gamma, self.epsilon)
        if training is None:
            training = K.learning_phase()
        fixed = isinstance(training, (bool, int))
        if fixed and not training:
            return inference()
        if fused:
            normalized, mean, moving_var_value = fused_call(True)
        else:
            mean, moving_var_value = _tf.nn.moments(inputs, reduction)
            batch_mean, batch_variance = self._broadcast(mean), self._broadcast(moving_var_value)
            normalized = _tf.nn.batch_normalization(inputs, batch_mean, batch_variance, beta, gamma,
                                                    self.epsilon)
        decay = 1.0 - self.momentum
        self.add_update([
            _tf.assign_sub(self.moving_mean, (self.moving_mean - mean) * decay),
            _tf.assign_sub(self.moving_variance, (self.moving_variance - moving_var_value) * decay)])
        if fixed:
            return normalized
        return K.in_train_phase(normalized, inference(), training=training)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": ser_initializer(self.beta_initializer),
                "gamma_initializer": ser_initializer(self.gamma_initializer),
                "moving_mean_initializer": ser_initializer(self.moving_mean_initializer),
                "moving_variance_initializer": ser_initializer(self.moving_variance_initializer),
                "beta_regularizer": ser_regularizer(self.beta_regularizer),
                "gamma_regularizer": ser_regularizer(self.gamma_regularizer),
                "beta_constraint": ser_constraint(self.beta_constraint),
                "gamma_constraint": ser_constraint(self.gamma_constraint)}
