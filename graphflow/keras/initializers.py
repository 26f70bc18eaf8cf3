"""`keras.initializers`: graphflow's initializers under Keras 2's names (`glorot_uniform`,
`he_normal`, `Zeros`, ...), with `get`/`serialize`/`deserialize`."""

from __future__ import annotations

from typing import Any

from graphflow.framework import initializers as _init
from graphflow.framework.initializers import (  # noqa: F401  (re-exported under Keras' names)
    Constant,
    GlorotNormal,
    GlorotUniform,
    Initializer,
    Ones,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    Zeros,
)
from graphflow.keras.utils.generic_utils import deserialize_keras_object


def _variance_scaling(scale: float, mode: str, distribution: str) -> Any:
    def make(seed: int | None = None) -> VarianceScaling:
        return VarianceScaling(scale, mode, distribution, seed)
    return make


he_normal = _variance_scaling(2.0, "fan_in", "truncated_normal")
he_uniform = _variance_scaling(2.0, "fan_in", "uniform")
lecun_normal = _variance_scaling(1.0, "fan_in", "truncated_normal")
lecun_uniform = _variance_scaling(1.0, "fan_in", "uniform")
zeros, ones, constant = Zeros, Ones, Constant
glorot_uniform, glorot_normal = GlorotUniform, GlorotNormal
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal

_BY_NAME: dict[str, Any] = {
    "Zeros": Zeros, "Ones": Ones, "Constant": Constant, "GlorotUniform": GlorotUniform,
    "GlorotNormal": GlorotNormal, "RandomNormal": RandomNormal, "RandomUniform": RandomUniform,
    "TruncatedNormal": TruncatedNormal, "VarianceScaling": VarianceScaling,
    "zeros": Zeros, "ones": Ones, "constant": Constant, "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal, "random_normal": RandomNormal, "random_uniform": RandomUniform,
    "truncated_normal": TruncatedNormal, "he_normal": he_normal, "he_uniform": he_uniform,
    "lecun_normal": lecun_normal, "lecun_uniform": lecun_uniform,
}



def serialize(initializer: Any) -> dict[str, Any]:
    """`{'class_name': ..., 'config': ...}` of an initializer (dtype left out, as Keras 2)."""
    config = {k: v for k, v in initializer.get_config().items() if k != "dtype"}
    name = type(initializer).__name__
    if name in ("GlorotUniform", "GlorotNormal"):
        config = {"seed": config.get("seed")}
    return {"class_name": name, "config": config}


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """The initializer a config dict or name stands for."""
    found = deserialize_keras_object(config, _BY_NAME, custom_objects, "initializer")
    return found() if isinstance(config, str) else found


def get(identifier: Any) -> Any:
    """An initializer from None, a name, a config dict, a class or an instance.

    Raises:
        ValueError: for an unknown name.
    """
    if identifier is None or isinstance(identifier, _init.Initializer):
        return identifier
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if isinstance(identifier, type):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer identifier: {identifier}")
