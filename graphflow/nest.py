"""`tf.nest`: nested structures of values (lists, tuples, namedtuples, dicts) as TF1 walks them.

Control flow (`tf.cond`, `tf.while_loop`), RNN cells (`LSTMStateTuple` states) and Keras (inputs
given as lists or dicts) all take and return nested structures; this module is the one place that
says what a structure is:

  * sequences are lists, tuples, namedtuples and mappings; everything else is a leaf (tensors,
    arrays, numbers, strings, None, TensorArrays);
  * a mapping is walked in sorted key order (TF1's rule, so the flat order does not depend on
    insertion order), and `pack_sequence_as` rebuilds it with the keys of the given structure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

__all__ = ["assert_same_structure", "flatten", "is_nested", "map_structure", "pack_sequence_as"]


def _is_namedtuple(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def is_nested(x: Any) -> bool:
    """Whether `x` is a structure (list, tuple, namedtuple or mapping) rather than a leaf."""
    return isinstance(x, (list, tuple, Mapping))


is_sequence = is_nested  # TF 1.x's older name


def _children(x: Any) -> list[Any]:
    if isinstance(x, Mapping):
        return [x[k] for k in _sorted_keys(x)]
    return list(x)


def _sorted_keys(mapping: Mapping[Any, Any]) -> list[Any]:
    try:
        return sorted(mapping)
    except TypeError as e:
        raise TypeError(f"nest only supports dicts with sortable keys, got keys {list(mapping)!r}") from e


def _rebuild(like: Any, children: Sequence[Any]) -> Any:
    """A structure of `like`'s type holding `children` (in flat order)."""
    if isinstance(like, Mapping):
        by_key = dict(zip(_sorted_keys(like), children))
        return type(like)((k, by_key[k]) for k in like)
    if _is_namedtuple(like):
        return type(like)(*children)
    return type(like)(children)


def _leaves(x: Any) -> Iterator[Any]:
    if is_nested(x):
        for child in _children(x):
            yield from _leaves(child)
    else:
        yield x


def flatten(structure: Any) -> list[Any]:
    """The leaves of `structure` in TF1's order (a leaf alone gives `[leaf]`).

    Args:
        structure: a leaf or a nested structure.

    Returns:
        A flat list of leaves.
    """
    return list(_leaves(structure))


def _count(structure: Any) -> int:
    return sum(_count(c) for c in _children(structure)) if is_nested(structure) else 1


def pack_sequence_as(structure: Any, flat_sequence: Sequence[Any]) -> Any:
    """Rebuilds `structure` with the leaves of `flat_sequence`, in flatten's order.

    Args:
        structure: the template (a leaf or a nested structure).
        flat_sequence: a list or tuple with as many entries as `structure` has leaves.

    Returns:
        The new structure (or the single leaf when `structure` is a leaf).

    Raises:
        TypeError: `flat_sequence` is not a sequence.
        ValueError: the number of leaves differs.
    """
    if not isinstance(flat_sequence, (list, tuple)):
        raise TypeError(f"flat_sequence must be a sequence, got {type(flat_sequence).__name__}")
    expected = _count(structure)
    if len(flat_sequence) != expected:
        raise ValueError(
            f"Could not pack sequence. Structure had {expected} elements, but flat_sequence had "
            f"{len(flat_sequence)} elements. Structure: {structure!r}, flat_sequence: {flat_sequence!r}.")
    if not is_nested(structure):
        return flat_sequence[0]
    leaves = iter(flat_sequence)

    def build(template: Any) -> Any:
        if not is_nested(template):
            return next(leaves)
        return _rebuild(template, [build(c) for c in _children(template)])

    return build(structure)


def assert_same_structure(nest1: Any, nest2: Any, check_types: bool = True) -> None:
    """Checks that two structures have the same nesting (and, by default, sequence types).

    Raises:
        ValueError: the nestings or numbers of leaves differ.
        TypeError: `check_types` and a sequence's type differs (list vs tuple, two namedtuples).
    """
    def walk(a: Any, b: Any) -> None:
        if is_nested(a) != is_nested(b):
            raise ValueError(
                "The two structures don't have the same nested structure.\n\n"
                f"First structure: {nest1!r}\n\nSecond structure: {nest2!r}")
        if not is_nested(a):
            return
        if check_types and type(a) is not type(b) and not (
                isinstance(a, Mapping) and isinstance(b, Mapping)):
            raise TypeError(
                "The two structures don't have the same sequence type. First structure has type "
                f"{type(a)}, while second structure has type {type(b)}.")
        if isinstance(a, Mapping) and set(a) != set(b):
            raise ValueError(
                "The two dictionaries don't have the same set of keys. First structure has keys "
                f"{sorted(a)}, while second structure has keys {sorted(b)}.")
        ca, cb = _children(a), _children(b)
        if len(ca) != len(cb):
            raise ValueError(
                "The two structures don't have the same number of elements.\n\n"
                f"First structure: {nest1!r}\n\nSecond structure: {nest2!r}")
        for x, y in zip(ca, cb):
            walk(x, y)

    walk(nest1, nest2)


def map_structure(func: Callable[..., Any], *structures: Any, check_types: bool = True) -> Any:
    """Applies `func` leaf-wise to structures of the same nesting.

    Args:
        func: called with one leaf of each structure.
        *structures: at least one structure; all must match `structures[0]`.
        check_types: passed to `assert_same_structure`.

    Returns:
        A structure like `structures[0]` holding `func`'s results.

    Raises:
        ValueError / TypeError: as `assert_same_structure`; ValueError when no structure is given.
    """
    if not structures:
        raise ValueError("Must provide at least one structure")
    for other in structures[1:]:
        assert_same_structure(structures[0], other, check_types=check_types)
    flat = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [func(*leaves) for leaves in zip(*flat)])
