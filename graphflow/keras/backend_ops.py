"""The tensor functions of `keras.backend` (K.sum, K.mean, K.dot, K.softmax, ...), each a thin
call of graphflow's ops with Keras 2's argument names (`axis`, `keepdims`)."""

from __future__ import annotations

from typing import Any

import numpy as np

import graphflow as _tf

_FLOATX = ["float32"]


def floatx() -> str:
    """The default float type (`'float32'`)."""
    return _FLOATX[0]


def set_floatx(value: str) -> None:
    """Sets the default float type."""
    _FLOATX[0] = str(value)


def cast_to_floatx(x: Any) -> np.ndarray:
    """Numpy `x` as `floatx()`."""
    return np.asarray(x, dtype=floatx())


def dtype(x: Any) -> str:
    """The dtype name of tensor `x` (`'float32'`)."""
    return x.dtype.base_dtype.name


def int_shape(x: Any) -> tuple[int | None, ...] | None:
    """The static shape of `x` as a tuple of ints and None."""
    if hasattr(x, "_keras_shape"):
        return tuple(x._keras_shape)
    dims = x.shape.as_list() if x.shape.dims is not None else None
    return None if dims is None else tuple(dims)


def ndim(x: Any) -> int | None:
    """The rank of `x`."""
    return x.shape.ndims


def shape(x: Any) -> Any:
    """The dynamic shape of `x` (an int32 tensor)."""
    return _tf.shape(x)


def constant(value: Any, dtype: Any = None, shape: Any = None, name: str | None = None) -> Any:
    """A constant tensor (dtype `floatx()` by default)."""
    return _tf.constant(value, dtype=dtype or floatx(), shape=shape, name=name)


def zeros(shape: Any, dtype: Any = None, name: str | None = None) -> Any:
    """A zero tensor."""
    return _tf.zeros(shape, dtype=dtype or floatx(), name=name)


def ones(shape: Any, dtype: Any = None, name: str | None = None) -> Any:
    """A tensor of ones."""
    return _tf.ones(shape, dtype=dtype or floatx(), name=name)


def cast(x: Any, dtype: Any) -> Any:
    """`x` converted to `dtype`."""
    return _tf.cast(x, dtype)


def _reduction(fn: Any) -> Any:
    def reduce(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
        return fn(x, axis=axis, keepdims=keepdims)
    reduce.__doc__ = f"`{fn.__name__}` over `axis` (all axes when None)."
    return reduce


sum = _reduction(_tf.reduce_sum)  # noqa: A001


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """`reduce_mean` over `axis` (all axes when None); a bool `x` is cast to `floatx()` first, as
    Keras 2's backend does (`K.mean(K.equal(a, b))` is the usual accuracy)."""
    x = _tf.convert_to_tensor(x)
    if x.dtype.base_dtype == _tf.bool:
        x = _tf.cast(x, floatx())
    return _tf.reduce_mean(x, axis=axis, keepdims=keepdims)


max = _reduction(_tf.reduce_max)  # noqa: A001
min = _reduction(_tf.reduce_min)  # noqa: A001
prod = _reduction(_tf.reduce_prod)
any = _reduction(_tf.reduce_any)  # noqa: A001
all = _reduction(_tf.reduce_all)  # noqa: A001
logsumexp = _reduction(_tf.reduce_logsumexp)


def var(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """The variance of `x` over `axis`."""
    centered = x - _tf.reduce_mean(x, axis=axis, keepdims=True)
    return _tf.reduce_mean(_tf.square(centered), axis=axis, keepdims=keepdims)


def std(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """The standard deviation of `x` over `axis`."""
    return _tf.sqrt(var(x, axis=axis, keepdims=keepdims))


def argmax(x: Any, axis: int = -1) -> Any:
    """The index of the maximum along `axis`."""
    return _tf.argmax(x, axis=axis)


def argmin(x: Any, axis: int = -1) -> Any:
    """The index of the minimum along `axis`."""
    return _tf.argmin(x, axis=axis)


def dot(x: Any, y: Any) -> Any:
    """Matrix product of the last axis of `x` with the first axis of `y` (rank 2 or more)."""
    if x.shape.ndims is not None and x.shape.ndims > 2:
        x_shape = _tf.shape(x)
        flat = _tf.reshape(x, [-1, int_shape(x)[-1]])
        out = _tf.matmul(flat, y)
        return _tf.reshape(out, _tf.concat([x_shape[:-1], _tf.shape(y)[-1:]], 0))
    return _tf.matmul(x, y)


def batch_dot(x: Any, y: Any, axes: Any = None) -> Any:
    """Per-sample matrix product of two rank-3 tensors (rank 2: per-sample dot, kept 2-D)."""
    if x.shape.ndims == 2 and y.shape.ndims == 2:
        return _tf.reduce_sum(x * y, axis=1, keepdims=True)
    return _tf.matmul(x, y)


def transpose(x: Any) -> Any:
    """`x` with its axes reversed."""
    return _tf.transpose(x)


def reshape(x: Any, shape: Any) -> Any:
    """`x` reshaped."""
    return _tf.reshape(x, shape)


def permute_dimensions(x: Any, pattern: Any) -> Any:
    """`x` with axes permuted by `pattern`."""
    return _tf.transpose(x, perm=list(pattern))


def expand_dims(x: Any, axis: int = -1) -> Any:
    """`x` with a length-1 axis inserted."""
    return _tf.expand_dims(x, axis)


def squeeze(x: Any, axis: int) -> Any:
    """`x` without the length-1 axis `axis`."""
    return _tf.squeeze(x, [axis])


def concatenate(tensors: Any, axis: int = -1) -> Any:
    """`tensors` joined along `axis`."""
    return _tf.concat(list(tensors), axis)


def stack(x: Any, axis: int = 0) -> Any:
    """`x` stacked along a new axis."""
    return _tf.stack(list(x), axis=axis)


def flatten(x: Any) -> Any:
    """`x` as a vector."""
    return _tf.reshape(x, [-1])


def batch_flatten(x: Any) -> Any:
    """`x` as a matrix of one row per sample."""
    dims = int_shape(x)[1:]
    if dims and None not in dims:
        return _tf.reshape(x, [-1, int(np.prod(dims))])
    return _tf.reshape(x, _tf.stack([_tf.shape(x)[0], -1]))


def tile(x: Any, n: Any) -> Any:
    """`x` repeated `n` times along each axis."""
    return _tf.tile(x, n)


def repeat(x: Any, n: int) -> Any:
    """A (batch, dim) tensor repeated `n` times: (batch, n, dim)."""
    return _tf.tile(_tf.expand_dims(x, 1), [1, n, 1])


def gather(reference: Any, indices: Any) -> Any:
    """Rows of `reference` at `indices`."""
    return _tf.gather(reference, indices)


def one_hot(indices: Any, num_classes: int) -> Any:
    """One-hot encoding of integer `indices`."""
    return _tf.one_hot(indices, num_classes)


def clip(x: Any, min_value: Any, max_value: Any) -> Any:
    """`x` clipped into [min_value, max_value]."""
    return _tf.clip_by_value(x, min_value, max_value)


def equal(x: Any, y: Any) -> Any:
    """Elementwise `x == y`."""
    return _tf.equal(x, y)


def not_equal(x: Any, y: Any) -> Any:
    """Elementwise `x != y`."""
    return _tf.not_equal(x, y)


def greater(x: Any, y: Any) -> Any:
    """Elementwise `x > y`."""
    return _tf.greater(x, y)


def less(x: Any, y: Any) -> Any:
    """Elementwise `x < y`."""
    return _tf.less(x, y)


def maximum(x: Any, y: Any) -> Any:
    """Elementwise maximum."""
    return _tf.maximum(x, y)


def minimum(x: Any, y: Any) -> Any:
    """Elementwise minimum."""
    return _tf.minimum(x, y)


def switch(condition: Any, then_expression: Any, else_expression: Any) -> Any:
    """Elementwise choice between two tensors (callables are called)."""
    then_value = then_expression() if callable(then_expression) else then_expression
    else_value = else_expression() if callable(else_expression) else else_expression
    return _tf.where_v2(condition, then_value, else_value)


def _unary(fn: Any, doc: str) -> Any:
    def apply(x: Any) -> Any:
        return fn(x)
    apply.__doc__ = doc
    return apply


abs = _unary(_tf.abs, "Elementwise absolute value.")  # noqa: A001
square = _unary(_tf.square, "Elementwise square.")
sqrt = _unary(_tf.sqrt, "Elementwise square root.")
exp = _unary(_tf.exp, "Elementwise exponential.")
log = _unary(_tf.log, "Elementwise natural logarithm.")
round = _unary(_tf.round, "Elementwise rounding to the nearest integer (half to even).")  # noqa: A001
sign = _unary(_tf.sign, "Elementwise sign.")
sigmoid = _unary(_tf.sigmoid, "Elementwise logistic sigmoid.")
tanh = _unary(_tf.tanh, "Elementwise hyperbolic tangent.")
softplus = _unary(_tf.nn.softplus, "Elementwise softplus.")
softsign = _unary(_tf.nn.softsign, "Elementwise softsign.")


def pow(x: Any, a: Any) -> Any:  # noqa: A001
    """Elementwise `x ** a`."""
    return _tf.pow(x, a)


def hard_sigmoid(x: Any) -> Any:
    """Keras 2's piecewise-linear sigmoid: clip(0.2 x + 0.5, 0, 1)."""
    return _tf.clip_by_value(0.2 * x + 0.5, 0.0, 1.0)


def relu(x: Any, alpha: float = 0.0, max_value: float | None = None, threshold: float = 0.0) -> Any:
    """Keras 2's relu: leaky below `threshold` by `alpha`, capped at `max_value`."""
    if alpha == 0.0 and max_value is None and threshold == 0.0:
        return _tf.nn.relu(x)
    negative = _tf.nn.relu(-x + threshold) if alpha != 0.0 else None
    if threshold != 0.0:
        x = x * _tf.cast(_tf.greater(x, threshold), x.dtype)
    elif max_value is None:
        x = _tf.nn.relu(x)
    if max_value is not None:
        x = _tf.clip_by_value(x, 0.0, float(max_value))
    if negative is not None:
        x = x - alpha * negative
    return x


def elu(x: Any, alpha: float = 1.0) -> Any:
    """Exponential linear unit scaled by `alpha` below zero."""
    result = _tf.nn.elu(x)
    return result if alpha == 1 else _tf.where_v2(x > 0, result, alpha * result)


def softmax(x: Any, axis: int = -1) -> Any:
    """Softmax along `axis`."""
    return _tf.nn.softmax(x, axis=axis)


def l2_normalize(x: Any, axis: Any = None) -> Any:
    """`x` divided by its L2 norm along `axis`."""
    return _tf.nn.l2_normalize(x, axis=axis)


def random_normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None,
                  seed: int | None = None) -> Any:
    """Normal noise of `shape`."""
    return _tf.random_normal(shape, mean=mean, stddev=stddev, dtype=dtype or floatx(), seed=seed)


def random_uniform(shape: Any, minval: float = 0.0, maxval: float = 1.0, dtype: Any = None,
                   seed: int | None = None) -> Any:
    """Uniform noise of `shape`."""
    return _tf.random_uniform(shape, minval=minval, maxval=maxval, dtype=dtype or floatx(), seed=seed)


def binary_crossentropy(target: Any, output: Any, from_logits: bool = False) -> Any:
    """Elementwise binary cross-entropy; probabilities are clipped to [eps, 1 - eps] and turned
    back into logits, as Keras 2 does."""
    from graphflow.keras.backend import epsilon
    if not from_logits:
        eps = epsilon()
        output = _tf.clip_by_value(output, eps, 1.0 - eps)
        output = _tf.log(output / (1.0 - output))
    return _tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)


def categorical_crossentropy(target: Any, output: Any, from_logits: bool = False, axis: int = -1) -> Any:
    """Categorical cross-entropy per sample; probabilities are renormalized and clipped."""
    from graphflow.keras.backend import epsilon
    if from_logits:
        return _tf.nn.softmax_cross_entropy_with_logits_v2(labels=target, logits=output)
    output = output / _tf.reduce_sum(output, axis=axis, keepdims=True)
    eps = epsilon()
    output = _tf.clip_by_value(output, eps, 1.0 - eps)
    return -_tf.reduce_sum(target * _tf.log(output), axis=axis)


def sparse_categorical_crossentropy(target: Any, output: Any, from_logits: bool = False,
                                    axis: int = -1) -> Any:
    """Cross-entropy of integer labels `target` against probabilities (or logits) `output`."""
    from graphflow.keras.backend import epsilon
    if not from_logits:
        eps = epsilon()
        output = _tf.log(_tf.clip_by_value(output, eps, 1.0 - eps))
    labels = _tf.cast(_tf.reshape(target, [-1]), "int64")
    classes = int_shape(output)[-1]
    logits = _tf.reshape(output, [-1, classes])
    loss = _tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    if output.shape.ndims is not None and output.shape.ndims > 2:
        return _tf.reshape(loss, _tf.shape(output)[:-1])
    return loss


def in_top_k(predictions: Any, targets: Any, k: int) -> Any:
    """Whether each target is among the `k` largest predictions of its row (ties count in)."""
    rows = _tf.range(_tf.shape(predictions)[0])
    idx = _tf.stack([_tf.cast(rows, "int64"), _tf.cast(targets, "int64")], axis=1)
    target_score = _tf.expand_dims(_tf.gather_nd(predictions, idx), 1)
    above = _tf.reduce_sum(_tf.cast(_tf.greater(predictions, target_score), "int32"), axis=1)
    return _tf.less(above, k)
