"""Core layers: `Dense`, `Activation`, `Dropout`, `Flatten`, `Reshape`, `Permute`,
`RepeatVector`, `Lambda`."""

from __future__ import annotations

from typing import Any

import graphflow as _tf
from graphflow.keras import activations, constraints, initializers, regularizers
from graphflow.keras import backend as K
from graphflow.keras.engine.base_layer import InputSpec, Layer
from graphflow.keras.layers._config import ser_activation, ser_constraint, ser_initializer, ser_regularizer


class Dense(Layer):
    """`activation(dot(inputs, kernel) + bias)` over the last axis.

    Args:
        units: output size.
        activation: the activation (name or callable; None is linear).
        use_bias: whether to add a bias.
        kernel_initializer, bias_initializer: initializers (glorot_uniform, zeros).
        kernel_regularizer, bias_regularizer, activity_regularizer: penalties.
        kernel_constraint, bias_constraint: projections after each update.
    """

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.supports_masking = True
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape: Any) -> None:
        last = input_shape[-1]
        if last is None:
            raise ValueError("The last dimension of the inputs to `Dense` should be defined. Found `None`.")
        self.kernel = self.add_weight("kernel", (last, self.units), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = self.add_weight("bias", (self.units,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint) \
            if self.use_bias else None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: last})
        self.built = True

    def call(self, inputs: Any) -> Any:
        out = K.dot(inputs, self.kernel)
        if self.use_bias:
            out = _tf.nn.bias_add(out, self.bias)
        return self.activation(out)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "units": self.units, "activation": ser_activation(self.activation),
                "use_bias": self.use_bias, "kernel_initializer": ser_initializer(self.kernel_initializer),
                "bias_initializer": ser_initializer(self.bias_initializer),
                "kernel_regularizer": ser_regularizer(self.kernel_regularizer),
                "bias_regularizer": ser_regularizer(self.bias_regularizer),
                "activity_regularizer": ser_regularizer(self.activity_regularizer),
                "kernel_constraint": ser_constraint(self.kernel_constraint),
                "bias_constraint": ser_constraint(self.bias_constraint)}


class Activation(Layer):
    """Applies an activation function (`Activation('relu')`)."""

    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs: Any) -> Any:
        return self.activation(inputs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "activation": ser_activation(self.activation)}


class Dropout(Layer):
    """Zeroes a `rate` fraction of the inputs during training, scaling the rest by 1/(1-rate);
    the identity at inference (the learning phase chooses).

    Args:
        rate: the fraction dropped, in [0, 1).
        noise_shape: the shape of the keep mask (broadcast to the input), None for the input's.
        seed: the random seed.
    """

    def __init__(self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rate = min(1.0, max(0.0, float(rate)))
        self.noise_shape, self.seed = noise_shape, seed
        self.supports_masking = True

    def _noise_shape(self, inputs: Any) -> Any:
        if self.noise_shape is None:
            return None
        dynamic = _tf.shape(inputs)
        return _tf.stack([dynamic[i] if d is None else d for i, d in enumerate(self.noise_shape)])

    def call(self, inputs: Any, training: Any = None) -> Any:
        if not 0.0 < self.rate < 1.0:
            return inputs

        def dropped() -> Any:
            return _tf.nn.dropout(inputs, rate=self.rate, noise_shape=self._noise_shape(inputs), seed=self.seed)
        return K.in_train_phase(dropped, inputs, training=training)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed}


class Flatten(Layer):
    """Flattens each sample to a vector (`(batch, d1, d2)` -> `(batch, d1 * d2)`)."""

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = data_format or K.image_data_format()
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs: Any) -> Any:
        if self.data_format == "channels_first" and inputs.shape.ndims and inputs.shape.ndims > 2:
            perm = [0] + list(range(2, inputs.shape.ndims)) + [1]
            inputs = _tf.transpose(inputs, perm)
        if inputs.shape.ndims == 1:
            return _tf.expand_dims(inputs, 1)
        return K.batch_flatten(inputs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """Reshapes each sample to `target_shape` (one entry may be -1)."""

    def __init__(self, target_shape: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def call(self, inputs: Any) -> Any:
        if -1 in self.target_shape:
            # The batch dimension must come from the data when another dimension is inferred.
            target = _tf.constant(list(self.target_shape), "int32")
            return _tf.reshape(inputs, _tf.concat([_tf.shape(inputs)[:1], target], 0))
        return _tf.reshape(inputs, [-1] + list(self.target_shape))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(Layer):
    """Permutes the non-batch axes by `dims` (1-based, as Keras 2)."""

    def __init__(self, dims: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(f"Invalid permutation `dims` for Permute Layer: {dims}. The set of indices "
                             "in `dims` must be consecutive and start from 1.")

    def call(self, inputs: Any) -> Any:
        return _tf.transpose(inputs, [0] + list(self.dims))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(Layer):
    """Repeats a `(batch, features)` input `n` times: `(batch, n, features)`."""

    def __init__(self, n: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs: Any) -> Any:
        return K.repeat(inputs, self.n)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "n": self.n}


class Lambda(Layer):
    """Wraps a function of tensors as a layer (`Lambda(lambda x: x ** 2)`).

    Args:
        function: the function.
        output_shape: unused by graphflow (shapes are inferred); kept for configs.
        mask: the output mask: a function `(inputs, mask) -> mask`, or a fixed mask (Keras 2); None
            drops the input mask. A `function` with a `mask` argument receives the input mask.
        arguments: extra keyword arguments for `function`.
    """

    def __init__(self, function: Any, output_shape: Any = None, mask: Any = None, arguments: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.function = function
        self._output_shape = output_shape
        self.mask = mask
        self.supports_masking = mask is not None
        self.arguments = dict(arguments or {})

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def call(self, inputs: Any, mask: Any = None, training: Any = None) -> Any:
        import inspect
        kwargs = dict(self.arguments)
        try:
            parameters = inspect.signature(self.function).parameters
        except (TypeError, ValueError):
            parameters = {}
        if "mask" in parameters and mask is not None:
            kwargs["mask"] = mask
        return self.function(inputs, **kwargs)

    def get_config(self) -> dict[str, Any]:
        import codecs
        import marshal
        name = getattr(self.function, "__name__", "<lambda>")
        if name == "<lambda>":
            code = codecs.encode(marshal.dumps(self.function.__code__), "base64").decode("ascii")
            function, function_type = (code, None, None), "lambda"
        else:
            function, function_type = name, "function"
        return {**super().get_config(), "function": function, "function_type": function_type,
                "module": getattr(self.function, "__module__", None), "output_shape": self._output_shape,
                "output_shape_type": "raw", "output_shape_module": None, "arguments": self.arguments}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Lambda:
        import codecs
        import marshal
        import types
        config = dict(config)
        function = config.pop("function")
        kind = config.pop("function_type", "function")
        for key in ("module", "output_shape_type", "output_shape_module"):
            config.pop(key, None)
        if kind == "lambda":
            raw = function[0] if isinstance(function, (list, tuple)) else function
            code = marshal.loads(codecs.decode(raw.encode("ascii"), "base64"))
            function = types.FunctionType(code, globals())
        else:
            objects = dict(custom_objects or {})
            if function not in objects:
                raise ValueError(f"Unknown function: {function}. Pass it in `custom_objects`.")
            function = objects[function]
        return cls(function, **config)
