"""The `training_config` of a Keras 2 model file: what `compile` was called with (optimizer
config, loss, metrics, loss weights), and back to `compile` arguments on load."""

from __future__ import annotations

from typing import Any


def _compile_metrics(model: Any) -> Any:
    # the metrics as the user passed them to compile (names or functions, None when none were
    # given), not the model's metric objects or names
    if hasattr(model, "_compile_metrics"):
        return model._compile_metrics
    return getattr(model, "metrics", None)


def training_config(model: Any) -> dict:
    """The JSON-ready `training_config` of a compiled model (Keras 2's keys)."""
    from graphflow.keras import optimizers

    return {"optimizer_config": optimizers.serialize(model.optimizer),
            "loss": getattr(model, "loss", None),
            "metrics": _compile_metrics(model),
            "weighted_metrics": getattr(model, "_compile_weighted_metrics", None),
            "sample_weight_mode": getattr(model, "sample_weight_mode", None),
            "loss_weights": getattr(model, "loss_weights", None)}


def _with_custom_objects(value: Any, custom_objects: dict) -> Any:
    """Names that `custom_objects` defines replaced by the objects, through lists and dicts."""
    if isinstance(value, str):
        return custom_objects.get(value, value)
    if isinstance(value, list):
        return [_with_custom_objects(v, custom_objects) for v in value]
    if isinstance(value, dict):
        return {k: _with_custom_objects(v, custom_objects) for k, v in value.items()}
    return value


def _plain_metric(metric: Any) -> Any:
    """tf.keras 2.x files store metric objects (`{'class_name': 'MeanMetricWrapper', 'config':
    {'name': 'mae', ...}}`) nested per output; Keras 2 of TF 1.15 stored the names. A
    single-output list of wrapped metrics becomes the list of their names."""
    if isinstance(metric, dict) and "config" in metric:
        return metric["config"].get("name", metric.get("class_name"))
    return metric


def _plain_metrics(metrics: Any) -> Any:
    if isinstance(metrics, list) and len(metrics) == 1 and isinstance(metrics[0], list):
        metrics = metrics[0]  # one output's list
    if isinstance(metrics, list):
        return [_plain_metric(m) for m in metrics]
    return metrics


def compile_args_from_training_config(config: dict, custom_objects: dict | None = None) -> dict:
    """The `model.compile` keyword arguments a `training_config` describes."""
    from graphflow.keras import optimizers

    custom_objects = custom_objects or {}
    args = {"optimizer": optimizers.deserialize(config["optimizer_config"], custom_objects=custom_objects),
            "loss": _with_custom_objects(config.get("loss"), custom_objects),
            "metrics": _with_custom_objects(_plain_metrics(config.get("metrics")), custom_objects),
            "loss_weights": config.get("loss_weights")}
    if config.get("weighted_metrics"):
        weighted = _plain_metrics(config["weighted_metrics"])
        args["weighted_metrics"] = _with_custom_objects(weighted, custom_objects)
    if config.get("sample_weight_mode"):
        args["sample_weight_mode"] = config["sample_weight_mode"]
    return args
