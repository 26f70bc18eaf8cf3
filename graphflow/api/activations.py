"""`tf.nn` activations: table ops (relu, relu6, elu, selu, softplus, softsign) and TF's
compositions (leaky_relu, swish, gelu)."""

from __future__ import annotations

import math
from typing import Any

from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.tensor import Tensor

from . import math as gmath
from ._build import op_scope, out


def _unary(op_type: str, doc: str):
    def activation(features: Any, name: str | None = None) -> Tensor:
        return out(op_type, [convert_to_tensor(features)], name=name)

    activation.__name__ = op_type.lower()
    activation.__doc__ = doc
    return activation


relu = _unary("Relu", "max(features, 0).")
relu6 = _unary("Relu6", "min(max(features, 0), 6).")
elu = _unary("Elu", "features if > 0 else exp(features) - 1 (Clevert et al., 2015).")
selu = _unary("Selu", "scale * (features if > 0 else alpha * (exp(features) - 1)), with the "
                      "self-normalizing constants of Klambauer et al. (2017).")
softplus = _unary("Softplus", "log(1 + exp(features)), computed without overflow.")
softsign = _unary("Softsign", "features / (1 + |features|).")


def leaky_relu(features: Any, alpha: float = 0.2, name: str | None = None) -> Tensor:
    """features if > 0 else alpha * features."""
    with op_scope([features], name, "LeakyRelu") as scope:
        features = convert_to_tensor(features)
        if alpha <= 1.0:
            return gmath.maximum(alpha * features, features, name=scope)
        return gmath.minimum(alpha * features, features, name=scope)


def swish(features: Any, beta: float = 1.0, name: str | None = None) -> Tensor:
    """features * sigmoid(beta * features) (Ramachandran et al., 2017; SiLU for beta = 1)."""
    with op_scope([features], name, "swish") as scope:
        features = convert_to_tensor(features)
        return gmath.multiply(features, gmath.sigmoid(beta * features), name=scope)


silu = swish


def gelu(features: Any, approximate: bool = False, name: str | None = None) -> Tensor:
    """0.5 x (1 + erf(x / sqrt(2))) (Hendrycks and Gimpel, 2016); with `approximate`, the
    tanh form 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))."""
    with op_scope([features], name, "Gelu") as scope:
        x = convert_to_tensor(features)
        if approximate:
            inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)
            return gmath.multiply(0.5 * x, 1.0 + gmath.tanh(inner), name=scope)
        return gmath.multiply(0.5 * x, 1.0 + gmath.erf(x * (1.0 / math.sqrt(2.0))), name=scope)
