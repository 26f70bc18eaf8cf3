"""Prune + lower: the ops a `run` needs, as IR nodes with concrete specs; merges duplicates.

Consumes the fetched tensors/ops and the fed tensors (with their concrete specs). Walks back from
the fetches, stops at fed tensors, and produces IR nodes in dependency order:
  * shapes are re-inferred from the actual feed shapes, so most become fully known;
  * identical pure nodes (same type, attributes and inputs) become one node (CSE);
  * a variable is read in its consumer's control context (consumers in the same context share
    the read node): a read placed after an assignment by `tf.control_dependencies` sees the new
    value, as in TF1; so does a consumer of the variable's `v/read` snapshot (TF1 forwards the
    variable's buffer through it, the value is read when the consumer runs);
  * an unfed Placeholder on the path is an InvalidArgumentError, raised before anything runs;
  * placement: a stateless op created under `tf.device("/cpu:0")` is marked `host` (a device
    backend runs it on the host, as TF1); the framework ops the run needs are collected for the
    session's device checks (`Lowering.ops`), so nothing walks the graph a second time.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import Any

from graphflow.framework import errors
from graphflow.framework.device import names_host
from graphflow.framework.tensor import Operation, Tensor
from graphflow.framework.tensor_shape import TensorShape, format_dims
from graphflow.ops.registry import OpDef, Spec

from .ir import Node, Value, attr_key


class FeedOp(OpDef):
    """Pseudo-op standing for a value supplied by `feed_dict` (slot `attrs["index"]`)."""

    type = "_Feed"
    stateful = True


FEED = FeedOp()


def pinned_to_host(opdef: OpDef, op: Operation | None) -> bool:
    """Whether `op` runs on the host in a session that has a device: it was created under
    `tf.device("/cpu:...")` and is stateless. Variables, their updates and random ops stay with
    the session's storage and streams on the device wherever they are pinned.

    Raises:
        ValueError: for a device string graphflow cannot read.
    """
    return op is not None and bool(op.device) and not opdef.stateful and names_host(op.device)


class Lowering:
    """One lowering of a fetch/feed signature. Use `lower()`."""

    def __init__(self, feeds: Sequence[Tensor], feed_specs: Sequence[Spec]) -> None:
        self.nodes: list[Node] = []
        self.feed_values: dict[Tensor, Value] = {}
        #: every framework op the run needs, fed ones included (for placement checks)
        self.ops: dict[Operation, None] = {}
        for i, (t, s) in enumerate(zip(feeds, feed_specs)):
            self.ops[t.op] = None
            node = self._add(Node(FEED, t.op.name, {"index": i, "tensor": t.name}, (), (), (),
                                  (s,), t.op))
            self.feed_values[t] = (node, 0)
        self.op_nodes: dict[Operation, Node] = {}
        #: (variable op, control node ids) -> the read node consumers in that context share
        self.reads: dict[tuple[Operation, tuple[int, ...]], Node] = {}
        self.cse: dict[Any, Node] = {}

    def _add(self, node: Node) -> Node:
        self.nodes.append(node)
        return node

    # The walk back from the fetches is a depth-first recursion (it fixes the order, hence the
    # numbering, of the nodes). Written as generators driven by `_drive`, whose explicit stack
    # replaces Python's: a chain of 100,000 ops needs no recursion limit. A generator yields
    # the generator of a sub-step and receives its result.

    def value(self, t: Tensor, consumer_control: tuple[Node, ...] = ()) -> Value:
        """The IR value of tensor `t` (a feed, or an output of a lowered op)."""
        return _drive(self._value(t, consumer_control))

    def lower_op(self, op: Operation) -> Node:
        """The IR node of `op` (lowered once, with everything it needs)."""
        return _drive(self._memo(op))

    def _value(self, t: Tensor, consumer_control: tuple[Node, ...] = ()) -> Step:
        fed = self.feed_values.get(t)
        if fed is not None:
            return fed
        if t.op.type == "VariableV2":  # a read in the consumer's control context
            key = (t.op, tuple(c.id for c in consumer_control))
            read = self.reads.get(key)
            if read is None:
                read = yield self._lower_op(t.op, extra_control=consumer_control, memo=False)
                self.reads[key] = read
            return (read, 0)
        if _is_variable_read(t):
            # TF1's `v/read` forwards the variable's buffer, so its consumer sees the value of
            # when the consumer runs: the read moves into the consumer's control context, and
            # the scheduler orders it after the writes all its consumers depend on.
            own = []
            for c in t.op.control_inputs:
                own.append((yield self._memo(c)))
            return (yield self._value(t.op.inputs[0],
                                      tuple(dict.fromkeys(tuple(own) + consumer_control))))
        return ((yield self._memo(t.op)), t.value_index)

    def _memo(self, op: Operation) -> Step:
        node = self.op_nodes.get(op)
        if node is None:
            node = yield self._lower_op(op)
            self.op_nodes[op] = node
        return node

    def _lower_op(self, op: Operation, extra_control: tuple[Node, ...] = (),
                  memo: bool = True) -> Step:
        from graphflow.ops import registry

        opdef = registry.get(op.type)
        self.ops[op] = None
        if op.type == "Placeholder":
            raise errors.InvalidArgumentError(
                None, op,
                f"You must feed a value for placeholder tensor '{op.name}' with dtype "
                f"{op.get_attr('dtype').name} and shape "
                f"{format_dims(op.get_attr('shape')) if op.get_attr('shape') is not None else '<unknown>'}",
            )
        own_control = []
        for c in op.control_inputs:
            own_control.append((yield self._memo(c)))
        control = tuple(dict.fromkeys(own_control + list(extra_control)))
        inputs: list[Value] = []
        ref_vars: list[str] = []
        for i, t in enumerate(op.inputs):
            if opdef.is_ref_input(i):
                ref_vars.append(t.op.name)
            else:
                inputs.append((yield self._value(t, control)))
        in_specs = [src.out_specs[idx] for src, idx in inputs]
        ref_specs = [Spec(t.shape, t.dtype) for i, t in enumerate(op.inputs) if opdef.is_ref_input(i)]
        all_specs = _merge_specs(opdef, op, in_specs, ref_specs)
        try:
            out_specs = opdef.infer(all_specs, op.attrs)
        except (ValueError, TypeError) as e:
            raise errors.InvalidArgumentError(
                None, op, f"{e} (input shapes: "
                f"{', '.join(format_dims(s.dims) for s in all_specs)})"
            ) from None
        out_specs = [_refine(s, t) for s, t in zip(out_specs, op.outputs)]
        key = None
        if not opdef.stateful:
            key = (op.type, attr_key(dict(op.attrs)), tuple((n.id, i) for n, i in inputs),
                   tuple(c.id for c in control), pinned_to_host(opdef, op))
            hit = self.cse.get(key)
            if hit is not None:
                return hit
        node = self._add(Node(opdef, op.name, op.attrs, inputs, control, all_specs, out_specs,
                              op, ref_vars, pinned_to_host(opdef, op)))
        if key is not None:
            self.cse[key] = node
        return node


#: A step of the lowering walk: a generator yielding sub-steps and returning its result.
Step = Generator[Any, Any, Any]


def _drive(step: Step) -> Any:
    """Runs a lowering step and its sub-steps with an explicit stack; returns its result."""
    stack = [step]
    result = None
    while stack:
        try:
            sub = stack[-1].send(result)
        except StopIteration as done:
            stack.pop()
            result = done.value
            continue
        stack.append(sub)
        result = None
    return result


def _is_variable_read(t: Tensor) -> bool:
    """Whether `t` is a variable's value read by an Identity of it (`v/read`, `read_value()`)."""
    return t.op.type == "Identity" and t.op.inputs[0].op.type == "VariableV2"


def _merge_specs(opdef: OpDef, op: Operation, values: list[Spec], refs: list[Spec]) -> list[Spec]:
    """Input specs in the op's input order (ref inputs get the variable's static spec)."""
    out, vi, ri = [], iter(values), iter(refs)
    for i in range(len(op.inputs)):
        out.append(next(ri) if opdef.is_ref_input(i) else next(vi))
    return out


def _refine(spec: Spec, t: Tensor) -> Spec:
    """Keeps the user's `set_shape` information when re-inference knows less."""
    if spec.shape.is_fully_defined():
        return spec
    try:
        return Spec(TensorShape(spec.shape.merge_with(t.shape)), spec.dtype, spec.value)
    except ValueError:
        return spec


def lower(fetch_tensors: Sequence[Tensor], target_ops: Sequence[Operation],
          feeds: Sequence[Tensor], feed_specs: Sequence[Spec]
          ) -> tuple[list[Node], list[Value], list[Operation]]:
    """Lowers what the fetches need.

    Returns:
        (nodes in dependency order, the IR value of each fetched tensor followed by one
        `(node, -1)` entry per target op: "run this node", no value, the framework ops the run
        needs including fed ones).

    Raises:
        InvalidArgumentError: an unfed placeholder is needed, shapes conflict, or the needed
            ops contain a cycle (possible only through `_add_control_input`).
    """
    from graphflow.framework.graph_cycles import check_acyclic

    check_acyclic([t.op for t in fetch_tensors] + list(target_ops), feeds)
    lowering = Lowering(feeds, feed_specs)
    fetched = [lowering.value(t) for t in fetch_tensors]
    fetched += [(lowering.lower_op(op), -1) for op in target_ops]
    return lowering.nodes, fetched, list(lowering.ops)
