"""Confusion-matrix metrics of `keras.metrics`: `Precision`, `Recall` and `AUC`, accumulating
true/false positives/negatives at fixed thresholds (a prediction above a threshold is positive)."""

from __future__ import annotations

from typing import Any

import numpy as np

import graphflow as _tf
from graphflow.keras import backend as K
from graphflow.keras.metrics import Metric


class _Confusion(Metric):
    """Accumulates counts of `kinds` ('tp', 'fp', 'tn', 'fn') at each threshold."""

    kinds: tuple[str, ...] = ()

    def __init__(self, thresholds: Any, name: str | None, dtype: Any) -> None:
        super().__init__(name=name, dtype=dtype)
        self.thresholds = [float(t) for t in np.atleast_1d(thresholds)]
        self._scalar = np.ndim(thresholds) == 0
        names = {"tp": "true_positives", "fp": "false_positives", "tn": "true_negatives",
                 "fn": "false_negatives"}
        self._acc = {kind: self.add_weight(names[kind], shape=(len(self.thresholds),)) for kind in self.kinds}

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> list[Any]:
        y_pred = _tf.reshape(_tf.cast(y_pred, self.dtype), [-1, 1])
        y_true = _tf.reshape(_tf.cast(y_true, "bool"), [-1, 1])
        thresholds = _tf.constant(np.asarray(self.thresholds, np.float32).reshape(1, -1))
        above = _tf.greater(y_pred, thresholds)
        weight = _tf.constant(1.0) if sample_weight is None else \
            _tf.reshape(_tf.cast(sample_weight, self.dtype), [-1, 1])
        conditions = {"tp": _tf.logical_and(y_true, above),
                      "fp": _tf.logical_and(_tf.logical_not(y_true), above),
                      "tn": _tf.logical_and(_tf.logical_not(y_true), _tf.logical_not(above)),
                      "fn": _tf.logical_and(y_true, _tf.logical_not(above))}
        return [_tf.assign_add(self._acc[kind], _tf.reduce_sum(_tf.cast(conditions[kind], self.dtype) * weight,
                                                                axis=0))
                for kind in self.kinds]

    def _scalarize(self, value: Any) -> Any:
        return value[0] if self._scalar else value


class _TruePositiveRatio(_Confusion):
    """tp / (tp + `kinds[1]`) at `thresholds` (default 0.5): Precision and Recall differ only in
    the second count."""

    def __init__(self, thresholds: Any = None, top_k: Any = None, class_id: Any = None,
                 name: str | None = None, dtype: Any = None) -> None:
        super().__init__(0.5 if thresholds is None else thresholds, name, dtype)

    def result_of(self, values: list[Any]) -> Any:
        return self._scalarize(_tf.div_no_nan(values[0], values[0] + values[1]))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "thresholds": self.thresholds[0] if self._scalar else self.thresholds}


class Precision(_TruePositiveRatio):
    """tp / (tp + fp) at `thresholds` (default 0.5)."""

    kinds = ("tp", "fp")


class Recall(_TruePositiveRatio):
    """tp / (tp + fn) at `thresholds` (default 0.5)."""

    kinds = ("tp", "fn")


class AUC(_Confusion):
    """Area under the ROC (or PR) curve by the trapezoidal rule over `num_thresholds` thresholds
    evenly spaced in [0, 1] (the end ones pushed just outside, as Keras 2)."""

    kinds = ("tp", "fp", "tn", "fn")

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC", summation_method: str = "interpolation",
                 name: str | None = None, dtype: Any = None, thresholds: Any = None) -> None:
        if num_thresholds <= 1:
            raise ValueError("`num_thresholds` must be > 1.")
        self.num_thresholds, self.curve, self.summation_method = num_thresholds, curve.upper(), summation_method
        inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        super().__init__([0.0 - K.epsilon()] + inner + [1.0 + K.epsilon()], name, dtype)
        self._scalar = False

    def result_of(self, values: list[Any]) -> Any:
        tp, fp, tn, fn = values
        if self.curve == "PR":
            x = _tf.div_no_nan(tp, tp + fn)
            y = _tf.div_no_nan(tp, tp + fp)
        else:
            x = _tf.div_no_nan(fp, fp + tn)
            y = _tf.div_no_nan(tp, tp + fn)
        n = self.num_thresholds
        if self.summation_method == "interpolation":
            heights = (y[:n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = _tf.minimum(y[:n - 1], y[1:])
        else:
            heights = _tf.maximum(y[:n - 1], y[1:])
        return _tf.reduce_sum((x[:n - 1] - x[1:]) * heights)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
                "summation_method": self.summation_method}
