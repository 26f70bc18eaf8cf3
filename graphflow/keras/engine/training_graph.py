"""The training and evaluation graph of a compiled model: target and sample-weight
placeholders, per-output losses, metrics (Keras 2's names and accuracy inference), the total
loss with regularization penalties, and the optimizer's updates.

`build(model)` returns a `CompiledGraph`: the tensors `fit` fetches in one `sess.run` per step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import graphflow as _tf
from graphflow.keras import backend as K
from graphflow.keras import losses as losses_module
from graphflow.keras import metrics as metrics_module
from graphflow.keras.engine.training_io import to_per_output

_ACCURACY_NAMES = ("accuracy", "acc")
_CROSSENTROPY_NAMES = ("crossentropy", "ce")


@dataclass
class CompiledGraph:
    """What one step runs: `fetches` (total loss, output losses, metric results, in
    `metrics_names` order) and, for training, `train_op` (the updates)."""

    targets: list[Any]
    sample_weights: list[Any]
    total_loss: Any
    fetches: list[Any]
    metrics_names: list[str]
    train_op: Any = None
    stateful: list[Any] = field(default_factory=list)
    loss_names: list[str] = field(default_factory=list)
    reset_op: Any = None


def loss_name(fn: Any) -> str:
    """The Keras 2 name of a loss function or object (`'categorical_crossentropy'`)."""
    if isinstance(fn, losses_module.Loss):
        return getattr(type(fn).fn, "__name__", type(fn).__name__)
    return getattr(fn, "__name__", str(fn))


def _accuracy_fn(loss_fn: Any, output: Any) -> Any:
    """Keras 2's choice for 'acc'/'accuracy': binary for binary crossentropy or a one-unit output,
    sparse for sparse categorical crossentropy, else categorical."""
    name = loss_name(loss_fn)
    shape = K.int_shape(output)
    one_unit = bool(shape) and shape[-1] == 1
    if name == "binary_crossentropy" or (one_unit and name != "sparse_categorical_crossentropy"):
        return metrics_module.binary_accuracy
    if name == "sparse_categorical_crossentropy":
        return metrics_module.sparse_categorical_accuracy
    return metrics_module.categorical_accuracy


def _crossentropy_fn(loss_fn: Any, output: Any) -> Any:
    """Keras 2's choice for 'crossentropy'/'ce', as for accuracy."""
    accuracy = _accuracy_fn(loss_fn, output)
    return {metrics_module.binary_accuracy: metrics_module.binary_crossentropy,
            metrics_module.sparse_categorical_accuracy: metrics_module.sparse_categorical_crossentropy,
            }.get(accuracy, metrics_module.categorical_crossentropy)


def _metric_display_name(metric: Any) -> str:
    # TF1-mode Keras 2 logs 'acc' for both 'acc' and 'accuracy', 'ce' for 'crossentropy'/'ce'.
    if isinstance(metric, str):
        if metric in _ACCURACY_NAMES:
            return "acc"
        if metric in _CROSSENTROPY_NAMES:
            return "ce"
        fn = metrics_module.get(metric)
        if isinstance(fn, metrics_module.Metric):
            return fn.name
        return getattr(fn, "__name__", metric)
    if isinstance(metric, metrics_module.Metric):
        return metric.name
    return getattr(metric, "__name__", str(metric))


def _resolve_losses(model: Any) -> list[Any]:
    loss = model.loss
    names = model.output_names
    if isinstance(loss, dict):
        unknown = [k for k in loss if k not in names]
        if unknown:
            raise ValueError(f"Unknown entry in loss dictionary: \"{unknown[0]}\". Only expected the "
                             f"following keys: {names}")
        per_output = [loss.get(name) for name in names]
    elif isinstance(loss, (list, tuple)):
        if len(loss) != len(names):
            raise ValueError(f"When passing a list as loss, it should have one entry per model outputs. The "
                             f"model has {len(names)} outputs, but you passed loss={loss}")
        per_output = list(loss)
    else:
        per_output = [loss] * len(names)
    return [losses_module.get(fn) if fn is not None else None for fn in per_output]


def _resolve_metric_lists(metrics: Any, names: list[str]) -> list[list[Any]]:
    if not metrics:
        return [[] for _ in names]
    if isinstance(metrics, dict):
        return [list(metrics.get(name, [])) if isinstance(metrics.get(name, []), (list, tuple))
                else [metrics[name]] for name in names]
    if isinstance(metrics, (list, tuple)) and metrics and all(isinstance(m, (list, tuple)) for m in metrics):
        return [list(m) for m in metrics]
    return [list(metrics) if isinstance(metrics, (list, tuple)) else [metrics] for _ in names]


def _metric_object(metric: Any, loss_fn: Any, output: Any, display: str) -> Any:
    if isinstance(metric, metrics_module.Metric):
        return metric
    if isinstance(metric, str) and metric in _ACCURACY_NAMES:
        fn = _accuracy_fn(loss_fn, output)
    elif isinstance(metric, str) and metric in _CROSSENTROPY_NAMES:
        fn = _crossentropy_fn(loss_fn, output)
    elif isinstance(metric, str):
        fn = metrics_module.get(metric)
        if isinstance(fn, metrics_module.Metric):
            return fn
        if isinstance(fn, type):
            return fn(name=display)
    else:
        fn = metric
    return metrics_module.MeanMetricWrapper(fn, name=display)


def build(model: Any) -> CompiledGraph:
    """Builds the loss, metric and update ops of `model` (compiled, with known outputs).

    Raises:
        ValueError: for a bad loss/metric specification or unknown names.
    """
    graph = model.outputs[0].graph
    names = model.output_names
    multi = len(names) > 1
    with graph.as_default():
        loss_fns = _resolve_losses(model)
        weights = [1.0] * len(names)
        if model.loss_weights is not None:
            weights = to_per_output(model.loss_weights, names)
        weights = [1.0 if w is None else float(w) for w in weights]
        targets, sample_weights, output_losses, loss_names = [], [], [], []
        for name, output, fn in zip(names, model.outputs, loss_fns):
            rank = output.shape.ndims or 2
            dtype = output.dtype.base_dtype
            targets.append(_tf.placeholder(dtype, shape=[None] * rank, name=f"{name}_target"))
            sample_weights.append(_tf.placeholder(K.floatx(), shape=[None], name=f"{name}_sample_weights"))
            loss_names.append(loss_name(fn) if fn is not None else "")
        with graph.name_scope("loss"):
            total = None
            for index, (name, output, fn) in enumerate(zip(names, model.outputs, loss_fns)):
                if fn is None:
                    output_losses.append(None)
                    continue
                with graph.name_scope(f"{name}_loss"):
                    weight = _masked_weight(output, sample_weights[index], for_loss=True)
                    if isinstance(fn, losses_module.Loss):
                        value = fn(targets[index], output, sample_weight=weight)
                    else:
                        value = losses_module.reduce_weighted_loss(fn(targets[index], output), weight)
                output_losses.append(value)
                term = value * weights[index] if weights[index] != 1.0 else value
                total = term if total is None else total + term
            if total is None:
                raise ValueError("The model cannot be compiled because it has no loss to optimize.")
            penalties = model.losses
            if penalties:
                total = total + _tf.add_n([_tf.cast(p, total.dtype) for p in penalties])
        metrics_names = ["loss"]
        fetches = [total]
        stateful: list[Any] = []
        with graph.name_scope("metrics"):
            if multi:
                for name, value in zip(names, output_losses):
                    if value is None:
                        continue
                    mean = metrics_module.Mean(name=f"{name}_loss")
                    stateful.append(mean)
                    metrics_names.append(f"{name}_loss")
                    fetches.append(mean(value))
            plain = _resolve_metric_lists(model._compile_metrics, names)
            weighted = _resolve_metric_lists(model._compile_weighted_metrics, names)
            for index, (name, output) in enumerate(zip(names, model.outputs)):
                for metric_list, use_weights in ((plain[index], False), (weighted[index], True)):
                    for metric in metric_list:
                        display = _metric_display_name(metric)
                        if use_weights:
                            display = f"weighted_{display}"
                        if multi:
                            display = f"{name}_{display}"
                        obj = _metric_object(metric, loss_fns[index], output, display)
                        obj.name = display
                        stateful.append(obj)
                        metrics_names.append(display)
                        weight = _masked_weight(output, sample_weights[index] if use_weights else None)
                        fetches.append(obj(targets[index], output, sample_weight=weight))
        reset = _tf.group(*[m.reset_op() for m in stateful]) if stateful else None
    return CompiledGraph(targets=targets, sample_weights=sample_weights, total_loss=total, fetches=fetches,
                         metrics_names=metrics_names, stateful=stateful, loss_names=loss_names, reset_op=reset)


def add_training_updates(model: Any, compiled: CompiledGraph) -> None:
    """Adds the optimizer's updates and the layers' updates (one `train_op`)."""
    graph = model.outputs[0].graph
    with graph.as_default():
        params = model._collected_trainable_weights
        updates = model.optimizer.get_updates(compiled.total_loss, params) if params else []
        updates += list(model.updates)
        with graph.name_scope("training"):
            compiled.train_op = _tf.group(*updates) if updates else _tf.no_op()


def _masked_weight(output: Any, sample_weight: Any, for_loss: bool = False) -> Any:
    """The sample weights times the output's Keras mask (`_keras_mask`, e.g. a recurrent layer's
    `return_sequences` output after `Masking`): masked steps weigh zero. For the loss the mask is
    rescaled by (steps / valid steps), so that the mean over every step equals the mean over the
    valid ones (tf_keras' `apply_valid_mask`, and standalone Keras 2's division by the mask mean);
    metrics (weighted means) need no rescaling."""
    mask = getattr(output, "_keras_mask", None)
    if mask is None:
        return sample_weight
    mask = _tf.cast(mask, K.floatx())
    if for_loss:
        valid = _tf.maximum(_tf.reduce_sum(mask), 1.0)
        mask = mask * (_tf.cast(_tf.size(mask), mask.dtype) / valid)
    if sample_weight is None:
        return mask
    return _tf.expand_dims(sample_weight, -1) * mask if mask.shape.ndims == 2 else sample_weight * mask
