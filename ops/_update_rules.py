"""The update rules of TF1's fused optimizer ops (ApplyAdam, ApplyMomentum, ...), written once.

Each rule is a few statements over scalars: `prep` runs once per call on the op's scalar inputs
(learning rate, decay rates, ...), `body` once per element on the element of every variable
reference (the variable and its slots) and of `grad`. The same text becomes the numpy reference
(evaluated on whole arrays), the CPU kernel (a generated numba loop, ops/training_ops.py) and the
CUDA kernel (graphflow.cuda.apply_updates), so the three cannot drift apart. The arithmetic
follows TensorFlow's kernels (tensorflow/core/kernels/training_ops.cc), e.g. Adam's moments as
`m += (grad - m) * (1 - beta1)`, so float32 results match TF's to the last bits as far as the
order of operations decides them.

Names a rule may use besides its inputs: `one` (1 in the variable's dtype), `sqrt`, `maximum`
(of two values) and `absolute`; every scalar stays in the variable's dtype.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class UpdateRule:
    """One fused update op.

    Attributes:
        op_type: TF1's op type.
        inputs: the op's input names in TF1's order.
        refs: the inputs that are variable references, in input order (the first is `var`).
        prep: statements run once on the scalar inputs (the inputs neither in `refs` nor grad).
        body: statements run per element, updating the names of `refs`.
        variants: an attribute name -> the body used when that boolean attribute is set
            (use_nesterov) or cleared (update_slots, prefixed with "!").
        defaults: the op's attribute defaults (TF1's).
        grad_name: the gradient input (`delta` for gradient descent).
    """

    op_type: str
    inputs: tuple[str, ...]
    refs: tuple[str, ...]
    prep: str
    body: str
    variants: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    grad_name: str = "grad"

    @property
    def scalars(self) -> tuple[str, ...]:
        """The scalar inputs, in input order."""
        return tuple(n for n in self.inputs if n not in self.refs and n != self.grad_name)

    def body_for(self, attrs: Any) -> str:
        """The per-element statements for the op's attributes."""
        for attr, body in self.variants.items():
            wanted = not attr.startswith("!")
            name = attr.lstrip("!")
            if bool(attrs.get(name, self.defaults.get(name))) == wanted:
                return body
        return self.body


_LOCKING = {"use_locking": False}
_NESTEROV = {"use_locking": False, "use_nesterov": False}

RULES: dict[str, UpdateRule] = {r.op_type: r for r in [
    UpdateRule("ApplyGradientDescent", ("var", "alpha", "delta"), ("var",), "",
               "var = var - delta * alpha", defaults=_LOCKING, grad_name="delta"),
    UpdateRule("ApplyMomentum", ("var", "accum", "lr", "grad", "momentum"), ("var", "accum"), "",
               "accum = accum * momentum + grad\nvar = var - accum * lr",
               {"use_nesterov": "accum = accum * momentum + grad\n"
                                "var = var - (grad * lr + accum * momentum * lr)"}, _NESTEROV),
    UpdateRule("ApplyKerasMomentum", ("var", "accum", "lr", "grad", "momentum"), ("var", "accum"),
               "", "accum = accum * momentum - grad * lr\nvar = var + accum",
               {"use_nesterov": "accum = accum * momentum - grad * lr\n"
                                "var = var + (accum * momentum - grad * lr)"}, _NESTEROV),
    UpdateRule("ApplyAdam", ("var", "m", "v", "beta1_power", "beta2_power", "lr", "beta1", "beta2",
                             "epsilon", "grad"), ("var", "m", "v"),
               "alpha = lr * sqrt(one - beta2_power) / (one - beta1_power)\n"
               "c1 = one - beta1\nc2 = one - beta2",
               "m = m + (grad - m) * c1\nv = v + (grad * grad - v) * c2\n"
               "var = var - (m * alpha) / (sqrt(v) + epsilon)",
               {"use_nesterov": "m = m + (grad - m) * c1\nv = v + (grad * grad - v) * c2\n"
                                "var = var - ((grad * c1 + beta1 * m) * alpha) / (sqrt(v) + epsilon)"},
               _NESTEROV),
    UpdateRule("ApplyAdaMax", ("var", "m", "v", "beta1_power", "lr", "beta1", "beta2", "epsilon",
                               "grad"), ("var", "m", "v"),
               "c1 = one - beta1\nscale = lr / (one - beta1_power)",
               "m = m + (grad - m) * c1\nv = maximum(beta2 * v, absolute(grad))\n"
               "var = var - scale * (m / (v + epsilon))", defaults=_LOCKING),
    UpdateRule("ApplyRMSProp", ("var", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad"),
               ("var", "ms", "mom"), "c = one - rho",
               "ms = ms + (grad * grad - ms) * c\n"
               "mom = mom * momentum + (grad * lr) / sqrt(ms + epsilon)\nvar = var - mom",
               defaults=_LOCKING),
    UpdateRule("ApplyCenteredRMSProp", ("var", "mg", "ms", "mom", "lr", "rho", "momentum", "epsilon",
                                        "grad"), ("var", "mg", "ms", "mom"), "c = one - rho",
               "ms = ms + (grad * grad - ms) * c\nmg = mg + (grad - mg) * c\n"
               "mom = mom * momentum + (grad * lr) / sqrt((ms - mg * mg) + epsilon)\nvar = var - mom",
               defaults=_LOCKING),
    UpdateRule("ApplyAdagrad", ("var", "accum", "lr", "grad"), ("var", "accum"), "",
               "accum = accum + grad * grad\nvar = var - grad * lr * (one / sqrt(accum))",
               {"!update_slots": "var = var - grad * lr * (one / sqrt(accum))"},
               {"use_locking": False, "update_slots": True}),
    UpdateRule("ApplyAdagradV2", ("var", "accum", "lr", "epsilon", "grad"), ("var", "accum"), "",
               "accum = accum + grad * grad\nvar = var - grad * lr / (sqrt(accum) + epsilon)",
               {"!update_slots": "var = var - grad * lr / (sqrt(accum) + epsilon)"},
               {"use_locking": False, "update_slots": True}),
    UpdateRule("ApplyAdadelta", ("var", "accum", "accum_update", "lr", "rho", "epsilon", "grad"),
               ("var", "accum", "accum_update"), "c = one - rho",
               "accum = accum * rho + grad * grad * c\n"
               "update = sqrt(accum_update + epsilon) * (one / sqrt(accum + epsilon)) * grad\n"
               "var = var - update * lr\n"
               "accum_update = accum_update * rho + update * update * c", defaults=_LOCKING),
]}


def indent(statements: str, spaces: int) -> str:
    """`statements` indented by `spaces` (an empty text gives `pass`)."""
    lines = [line for line in statements.split("\n") if line.strip()] or ["pass"]
    return "\n".join(" " * spaces + line for line in lines)
