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
    VarianceScaling,
    Zeros,
)
from graphflow.keras.utils.generic_utils import deserialize_keras_object


class RandomNormal(_init.RandomNormal):
    """N(mean, stddev^2) samples with Keras 2's defaults (stddev 0.05, not TF1's 1.0)."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None,
                 dtype: Any = None) -> None:
        super().__init__(mean, stddev, seed, dtype or "float32")


class TruncatedNormal(_init.TruncatedNormal):
    """Normal samples re-drawn beyond two standard deviations, Keras 2's stddev 0.05."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None,
                 dtype: Any = None) -> None:
        super().__init__(mean, stddev, seed, dtype or "float32")


class RandomUniform(_init.RandomUniform):
    """Uniform samples in [minval, maxval), Keras 2's defaults -0.05 and 0.05."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None,
                 dtype: Any = None) -> None:
        super().__init__(minval, maxval, seed, dtype or "float32")



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
    "lecun_normal": lecun_normal, "lecun_uniform": lecun_uniform, "uniform": RandomUniform,
    "normal": RandomNormal,
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


class Orthogonal(Initializer):
    """A (scaled) random orthogonal matrix, the QR factor of a normal draw (Keras' default for
    recurrent kernels); shapes of more than two dims are flattened to (prod(leading), last).

    Args:
        gain: the scale.
        seed: the numpy seed of the draw (None: numpy's global state).
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None, dtype: Any = None) -> None:
        super().__init__(dtype or "float32")
        self.gain, self.seed = float(gain), seed

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Any:
        import numpy as np

        import graphflow as _tf
        dims = [int(d) for d in shape]
        rows = int(np.prod(dims[:-1])) if len(dims) > 1 else 1
        cols = dims[-1]
        rng = np.random.RandomState(self.seed) if self.seed is not None else np.random
        flat = rng.normal(0.0, 1.0, (max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(flat)
        q = q * np.sign(np.diag(r))  # a uniform draw over orthogonal matrices
        if rows < cols:
            q = q.T
        value = (self.gain * q[:rows, :cols]).reshape(dims)
        return _tf.constant(value, dtype=self._dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain, "seed": self.seed}


orthogonal = Orthogonal
_BY_NAME.update(Orthogonal=Orthogonal, orthogonal=Orthogonal)


class Identity(Initializer):
    """`gain` times the identity matrix (Keras 2's `Identity`; IRNN recurrent kernels).

    Args:
        gain: the multiplier of the identity.

    Raises:
        ValueError: on a shape that is not 2-D (a non-square matrix gets ones on its diagonal).
    """

    def __init__(self, gain: float = 1.0, dtype: Any = None) -> None:
        super().__init__(dtype or "float32")
        self.gain = float(gain)

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Any:
        import numpy as np

        import graphflow as _tf
        dims = [int(d) for d in shape]
        if len(dims) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices.")
        return _tf.constant(self.gain * np.eye(*dims), dtype=self._dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain}


identity = Identity
_BY_NAME.update(Identity=Identity, identity=Identity)
