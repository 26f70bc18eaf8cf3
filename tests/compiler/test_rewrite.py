"""The rebuild every rewriting pass shares (compiler/rewrite.py): what `visit(original, current)`
may return (keep, a new node, an existing value, nothing, a Replacement for two-into-one
fusions), and how the later nodes' inputs, control inputs and the fetched values follow."""

from __future__ import annotations

import graphflow as tf
from graphflow.compiler.ir import Node
from graphflow.compiler.rewrite import Replacement, Rewriter, rewrite
from graphflow.ops.registry import REGISTRY

from .ir_helpers import compilation, golden, listing, lowered

# The graph every test rewrites, as lowered (ids from 0):
#   %0 = _Feed() -> float32[2]   # x
#   %1 = Neg(%0) -> float32[2]   # a
#   %2 = Exp(%0) -> float32[2]   # b
#   %3 = Add(%1, %2) -> float32[2]   # c
#   %4 = Identity(%3) -> float32[2]   # d
#   %5 = Square(%0) ^%1 -> float32[2]   # e   (under control_dependencies([a]))
#   %6 = Add(%4, %5) -> float32[2]   # f
# fetched: f, d, a and the target op e (marker (e, -1)).


def _lowered():
    x = tf.placeholder(tf.float32, [2], name="x")
    a = tf.negative(x, name="a")
    b = tf.exp(x, name="b")
    c = tf.add(a, b, name="c")
    with tf.control_dependencies([a.op]):
        e = tf.square(x, name="e")
    d = tf.identity(c, name="d")
    f = tf.add(d, e, name="f")
    return lowered([f, d, a, e.op], {x: [2]})


def _fetched(fetched) -> list[tuple[int, int]]:
    return [(node.id, index) for node, index in fetched]


def test_keeping_every_node_returns_the_same_nodes_and_values(graph):
    seen = []

    def keep(original: Node, current: Node) -> Node:
        seen.append((original, current))
        return current

    with compilation():
        nodes, fetched = _lowered()
        out, out_fetched = rewrite(nodes, fetched, keep)
    assert out == nodes and out_fetched == fetched
    assert all(original is current for original, current in seen)


def test_a_new_node_takes_the_place_and_the_readers_inputs_controls_and_fetches_follow(graph):
    def negate_to_abs(original: Node, current: Node) -> Node:
        return current.replace(opdef=REGISTRY["Abs"]) if original.name == "a" else current

    with compilation():
        nodes, fetched = _lowered()
        out, out_fetched = rewrite(nodes, fetched, negate_to_abs)
    # a is %7; c and e read it (a new id each), f reads the new c's Identity and e
    assert listing(out) == golden("""
        %0 = _Feed() -> float32[2]   # x
        %7 = Abs(%0) -> float32[2]   # a
        %2 = Exp(%0) -> float32[2]   # b
        %8 = Add(%7, %2) -> float32[2]   # c
        %9 = Identity(%8) -> float32[2]   # d
        %10 = Square(%0) ^%7 -> float32[2]   # e
        %11 = Add(%9, %10) -> float32[2]   # f
    """)
    assert _fetched(out_fetched) == [(11, 0), (9, 0), (7, 0), (10, -1)]


def test_a_value_replaces_a_dropped_node_for_readers_and_fetches(graph):
    def drop_identity(original: Node, current: Node) -> Node | tuple[Node, int]:
        return current.inputs[0] if original.type == "Identity" else current

    with compilation():
        nodes, fetched = _lowered()
        out, out_fetched = rewrite(nodes, fetched, drop_identity)
    assert listing(out) == golden("""
        %0 = _Feed() -> float32[2]   # x
        %1 = Neg(%0) -> float32[2]   # a
        %2 = Exp(%0) -> float32[2]   # b
        %3 = Add(%1, %2) -> float32[2]   # c
        %5 = Square(%0) ^%1 -> float32[2]   # e
        %7 = Add(%3, %5) -> float32[2]   # f
    """)
    assert _fetched(out_fetched) == [(7, 0), (3, 0), (1, 0), (5, -1)]


def test_a_control_edge_on_a_node_replaced_by_a_value_waits_for_its_producer(graph):
    def a_is_b(original: Node, current: Node) -> Node | tuple[Node, int]:
        if original.name == "a":
            return current.inputs[0]  # x
        return current

    with compilation():
        nodes, fetched = _lowered()
        out, out_fetched = rewrite(nodes, fetched, a_is_b)
    assert listing(out) == golden("""
        %0 = _Feed() -> float32[2]   # x
        %2 = Exp(%0) -> float32[2]   # b
        %7 = Add(%0, %2) -> float32[2]   # c
        %8 = Identity(%7) -> float32[2]   # d
        %9 = Square(%0) ^%0 -> float32[2]   # e
        %10 = Add(%8, %9) -> float32[2]   # f
    """)
    assert _fetched(out_fetched) == [(10, 0), (8, 0), (0, 0), (9, -1)]


def test_none_drops_a_node_nothing_reads(graph):
    with compilation():
        nodes, fetched = _lowered()
        f = nodes[-1]
        out, out_fetched = rewrite(nodes, fetched[1:], lambda original, current: None
                                   if original is f else current)
    assert [n.name for n in out] == ["x", "a", "b", "c", "d", "e"]
    assert out == nodes[:-1] and _fetched(out_fetched) == [(4, 0), (1, 0), (5, -1)]


def _fused(a: Node, b: Node) -> Node:
    """A two-output node computing a's and b's values (the shape of a two-into-one fusion)."""
    return Node(REGISTRY["Split"], "a_b", {"num_split": 2}, a.inputs, a.control, a.in_specs,
                (*a.out_specs, *b.out_specs))


def test_two_into_one_drops_the_later_node_and_its_readers_read_the_second_output(graph):
    with compilation():
        nodes, fetched = _lowered()
        b = next(n for n in nodes if n.name == "b")
        made: dict[int, Node] = {}

        def fuse(original: Node, current: Node) -> Node | Replacement:
            if original.name == "a":
                made[b.id] = _fused(current, b)
                return made[b.id]  # a's output 0 is output 0 of the fused node
            if original.id in made:
                return Replacement(None, {0: (made[original.id], 1)})
            return current

        out, out_fetched = rewrite(nodes, fetched, fuse)
    assert listing(out) == golden("""
        %0 = _Feed() -> float32[2]   # x
        %7 = Split(%0) -> float32[2] float32[2]   # a_b
        %8 = Add(%7.0, %7.1) -> float32[2]   # c
        %9 = Identity(%8) -> float32[2]   # d
        %10 = Square(%0) ^%7 -> float32[2]   # e
        %11 = Add(%9, %10) -> float32[2]   # f
    """)
    assert _fetched(out_fetched) == [(11, 0), (9, 0), (7, 0), (10, -1)]


def test_a_replacement_may_keep_the_later_node_unread_and_map_outputs_across(graph):
    """The fused node's outputs need not line up with the visited node's: here the first
    node of the pattern reads output 1, and the later one stays in the list, unread."""
    with compilation():
        nodes, fetched = _lowered()
        b = next(n for n in nodes if n.name == "b")
        made: dict[int, Node] = {}

        def fuse(original: Node, current: Node) -> Node | Replacement:
            if original.name == "a":
                made[b.id] = new = _fused(current, b)
                return Replacement(new, {0: (new, 1)})
            if original.id in made:
                return Replacement(current, {0: (made[original.id], 0)})
            return current

        out, out_fetched = rewrite(nodes, fetched, fuse)
    assert listing(out) == golden("""
        %0 = _Feed() -> float32[2]   # x
        %7 = Split(%0) -> float32[2] float32[2]   # a_b
        %2 = Exp(%0) -> float32[2]   # b
        %8 = Add(%7.1, %7.0) -> float32[2]   # c
        %9 = Identity(%8) -> float32[2]   # d
        %10 = Square(%0) ^%7 -> float32[2]   # e
        %11 = Add(%9, %10) -> float32[2]   # f
    """)
    assert _fetched(out_fetched) == [(11, 0), (9, 0), (7, 1), (10, -1)]


def test_a_visit_reads_values_of_nodes_already_visited_through_its_rewriter(graph):
    """Visiting f (the last node), a pass can ask what b's and c's values and a control edge on
    a are now: c was rebuilt (it reads the new a), b was kept, a became an Abs node."""
    with compilation():
        nodes, fetched = _lowered()
        b, c = (next(n for n in nodes if n.name == name) for name in ("b", "c"))
        answers = {}

        def look(original: Node, current: Node) -> Node:
            if original.name == "a":
                return current.replace(opdef=REGISTRY["Abs"])
            if original.name == "f":
                answers["c"] = rebuild.read((c, 0))
                answers["b"] = rebuild.read((b, 0))
                answers["a"] = rebuild.waited_for(nodes[1])
            return current

        rebuild = Rewriter(look)
        out, _ = rebuild(nodes, fetched)
    by_name = {n.name: n for n in out}
    assert answers == {"c": (by_name["c"], 0), "b": (b, 0), "a": by_name["a"]}
    assert by_name["c"] is not c and by_name["a"].type == "Abs"
