"""CUDA kernel builders of the functional control-flow ops (If, While).

A branch or loop body runs as a sub-plan bound by the session's CUDA backend
(graphflow.backends.sub_plan): its values stay device arrays from iteration to iteration, and
only the predicate is copied to the host (TF1 keeps a loop's predicate in host memory). The
kernels are the ops' own (graphflow.ops.control_flow); binding them with a CUDA session's state
is what makes their sub-plans device plans.
"""

from __future__ import annotations

from typing import Any

from graphflow.cuda.builder_inputs import Kernel


def build_if(node: Any, state: Any) -> Kernel:
    """The If kernel on the device: the taken branch's sub-plan on device arrays."""
    from graphflow.ops.control_flow import bind_if

    return bind_if(node, state)


def build_while(node: Any, state: Any) -> Kernel:
    """The While kernel on the device: predicate and body sub-plans on device arrays."""
    from graphflow.ops.control_flow import bind_while

    return bind_while(node, state)
