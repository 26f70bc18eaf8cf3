"""`keras.optimizers.schedules`: learning rates as functions of the step (the optimizer's
`iterations`), built on graphflow's `tf.train` decay functions."""

from __future__ import annotations

from typing import Any

from graphflow.train import learning_rate_decay as _decay


class LearningRateSchedule:
    """Base class: `schedule(step)` returns the learning rate tensor for `step`."""

    def __call__(self, step: Any) -> Any:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments."""
        return dict(self._config)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LearningRateSchedule:
        """A schedule from its config."""
        return cls(**config)


class _RateDecay(LearningRateSchedule):
    """A schedule of (initial_learning_rate, decay_steps, decay_rate, staircase) that calls the
    `tf.train` decay function named by `_decay_function`."""

    _decay_function = ""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False, name: str | None = None) -> None:
        self._config = {"initial_learning_rate": initial_learning_rate, "decay_steps": decay_steps,
                        "decay_rate": decay_rate, "staircase": staircase, "name": name}

    def __call__(self, step: Any) -> Any:
        c = self._config
        decay = getattr(_decay, self._decay_function)
        return decay(float(c["initial_learning_rate"]), step, float(c["decay_steps"]),
                     float(c["decay_rate"]), c["staircase"], c["name"])


class ExponentialDecay(_RateDecay):
    """initial_learning_rate * decay_rate ** (step / decay_steps) (floored when `staircase`)."""

    _decay_function = "exponential_decay"


class InverseTimeDecay(_RateDecay):
    """initial_learning_rate / (1 + decay_rate * step / decay_steps)."""

    _decay_function = "inverse_time_decay"


class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from `initial_learning_rate` to `end_learning_rate` over `decay_steps`."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, end_learning_rate: float = 0.0001,
                 power: float = 1.0, cycle: bool = False, name: str | None = None) -> None:
        self._config = {"initial_learning_rate": initial_learning_rate, "decay_steps": decay_steps,
                        "end_learning_rate": end_learning_rate, "power": power, "cycle": cycle, "name": name}

    def __call__(self, step: Any) -> Any:
        c = self._config
        return _decay.polynomial_decay(float(c["initial_learning_rate"]), step, float(c["decay_steps"]),
                                       float(c["end_learning_rate"]), float(c["power"]), c["cycle"], c["name"])


class PiecewiseConstantDecay(LearningRateSchedule):
    """values[i] while step is in (boundaries[i-1], boundaries[i]]."""

    def __init__(self, boundaries: list[Any], values: list[Any], name: str | None = None) -> None:
        if len(values) != len(boundaries) + 1:
            raise ValueError("The length of boundaries should be 1 less than the length of values")
        self._config = {"boundaries": list(boundaries), "values": list(values), "name": name}

    def __call__(self, step: Any) -> Any:
        c = self._config
        return _decay.piecewise_constant(step, [float(b) for b in c["boundaries"]],
                                         [float(v) for v in c["values"]], c["name"])


_CLASSES = {c.__name__: c for c in (ExponentialDecay, InverseTimeDecay, PolynomialDecay,
                                    PiecewiseConstantDecay)}


def serialize(schedule: LearningRateSchedule) -> dict[str, Any]:
    """`{'class_name': ..., 'config': ...}`."""
    return {"class_name": type(schedule).__name__, "config": schedule.get_config()}


def deserialize(config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> LearningRateSchedule:
    """The schedule a config stands for.

    Raises:
        ValueError: for an unknown class name.
    """
    classes = {**_CLASSES, **(custom_objects or {})}
    if config.get("class_name") not in classes:
        raise ValueError(f"Unknown decay: {config.get('class_name')}")
    return classes[config["class_name"]].from_config(config["config"])
