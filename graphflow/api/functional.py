"""`tf.map_fn`, `tf.scan`, `tf.foldl`, `tf.foldr`: TF1's higher-order functions, built as TF1
builds them, from `tf.while_loop` and `tf.TensorArray`: the elements are unstacked into
TensorArrays read once per iteration, the results written to TensorArrays stacked after the
loop. Their gradients are the loop's and the TensorArrays' gradients.

Nested `elems` (tuples, lists, dicts; flattened in tf.nest's order) and nested results are
supported with TF1's rules: `map_fn`'s results have `elems`' structure unless `dtype` gives
another; `scan`'s have `initializer`'s (or `elems`').
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphflow import nest
from graphflow.framework import dtypes
from graphflow.framework.constant import constant, convert_to_tensor
from graphflow.framework.graph import get_default_graph
from graphflow.framework.tensor import Tensor
from graphflow.framework.tensor_shape import TensorShape
from graphflow.tensor_array import TensorArray


def _while_loop(*args: Any, **kwargs: Any) -> Any:
    from graphflow.api.control_flow import while_loop

    return while_loop(*args, **kwargs)


def _flattener(structure: Any) -> tuple[Callable[[Any], list[Any]], Callable[[list[Any]], Any]]:
    """(flatten, pack) for values shaped like `structure` (a single value when not nested)."""
    if nest.is_nested(structure):
        return nest.flatten, lambda flat: nest.pack_sequence_as(structure, flat)
    return (lambda x: [x]), (lambda flat: flat[0])


def _leading_size(elems_flat: list[Tensor], what: str) -> Any:
    """The number of elements along dimension 0: static when known, else a tensor.

    Raises:
        ValueError: TF1's message for scalar elems.
    """
    from graphflow.api.array import shape

    first = elems_flat[0].shape
    if first.ndims is not None and first.ndims < 1:
        if len(elems_flat) == 1:
            raise ValueError(f"{what} must be a 1+ dimensional Tensor, not a scalar")
        raise ValueError(f"elements in {what} must be 1+ dimensional Tensors, not scalars")
    static = first.dims[0] if first.ndims is not None else None
    return static if static is not None else shape(elems_flat[0])[0]


def _static_leading(elems_flat: list[Tensor]) -> int | None:
    """The leading dimension the elements agree on statically (None when unknown)."""
    found = None
    for elem in elems_flat:
        d = elem.shape.dims[0] if elem.shape.ndims else None
        if d is not None and found is not None and d != found:
            raise ValueError(f"Dimensions {found} and {d} are not compatible")
        found = d if d is not None else found
    return found


def _unstacked(elems_flat: list[Tensor], n: Any) -> list[TensorArray]:
    return [TensorArray(dtype=e.dtype, size=n, dynamic_size=False, infer_shape=True,
                        element_shape=e.shape[1:] if e.shape.ndims is not None else None).unstack(e)
            for e in elems_flat]


def _stacked(tas: list[TensorArray], n_static: int | None) -> list[Tensor]:
    results = [ta.stack() for ta in tas]
    for r in results:  # TF1 sets the leading dimension the elements had
        if r.shape.ndims is not None:
            r.set_shape(TensorShape([n_static]).concatenate(r.shape[1:]))
    return results


def map_fn(fn: Callable[..., Any], elems: Any, dtype: Any = None, parallel_iterations: int | None = None,
           back_prop: bool = True, swap_memory: bool = False, infer_shape: bool = True,
           name: str | None = None) -> Any:
    """Applies `fn` to each element of `elems` (unstacked along dimension 0) and stacks the
    results.

    Args:
        fn: callable of one element (of `elems`' structure) returning `dtype`'s structure.
        elems: a tensor or nested structure of tensors with the same leading dimension.
        dtype: the output dtypes' structure when it differs from `elems`'.
        parallel_iterations, swap_memory: passed to the while loop.
        back_prop: whether gradients flow through the loop.
        infer_shape: whether the results' TensorArrays require one element shape.
        name: name scope ("map" by default).

    Returns:
        The stacked results, in `dtype`'s (or `elems`') structure.

    Raises:
        TypeError: `fn` is not callable.
        ValueError: scalar elems; `fn`'s result does not have the expected structure.
    """
    if not callable(fn):
        raise TypeError("fn must be callable.")
    in_flatten, in_pack = _flattener(elems)
    out_flatten, out_pack = (in_flatten, in_pack) if dtype is None else _flattener(dtype)
    with get_default_graph().name_scope(name or "map"):
        elems_flat = [convert_to_tensor(e, name="elem") for e in in_flatten(elems)]
        dtype = dtype if dtype is not None else in_pack([e.dtype for e in elems_flat])
        dtype_flat = [dtypes.as_dtype(d) for d in out_flatten(dtype)]
        n = _leading_size(elems_flat, "elems")
        elems_ta = _unstacked(elems_flat, n)
        accs_ta = [TensorArray(dtype=d, size=n, dynamic_size=False, infer_shape=infer_shape)
                   for d in dtype_flat]

        def compute(i, tas):
            values = fn(in_pack([ta.read(i) for ta in elems_ta]))
            nest.assert_same_structure(dtype, values)
            return i + 1, [ta.write(i, v) for ta, v in zip(tas, out_flatten(values))]

        _, results = _while_loop(lambda i, _: i < n, compute, (constant(0, name="i"), accs_ta),
                                 parallel_iterations=parallel_iterations or 10,
                                 back_prop=back_prop, swap_memory=swap_memory, maximum_iterations=n)
        return out_pack(_stacked(list(results), _static_leading(elems_flat)))


def scan(fn: Callable[..., Any], elems: Any, initializer: Any = None, parallel_iterations: int = 10,
         back_prop: bool = True, swap_memory: bool = False, infer_shape: bool = True,
         reverse: bool = False, name: str | None = None) -> Any:
    """The running results of `fn(accumulator, element)` over `elems`' leading dimension.

    Args:
        fn: callable of (accumulator, element) returning the next accumulator.
        elems: a tensor or nested structure of tensors with the same leading dimension.
        initializer: the first accumulator (default: the first element, which is then also
            the first result).
        reverse: scan from the last element to the first.
        parallel_iterations, back_prop, swap_memory, infer_shape, name: as `map_fn`.

    Returns:
        The stacked accumulators, in `initializer`'s (or `elems`') structure.

    Raises:
        TypeError: `fn` is not callable.
    """
    if not callable(fn):
        raise TypeError("fn must be callable.")
    in_flatten, in_pack = _flattener(elems)
    structure = elems if initializer is None else initializer
    out_flatten, out_pack = _flattener(structure)
    with get_default_graph().name_scope(name or "scan"):
        elems_flat = [convert_to_tensor(e, name="elem") for e in in_flatten(elems)]
        n = _leading_size(elems_flat, "elems")
        elems_ta = _unstacked(elems_flat, n)
        last = n - 1
        if initializer is None:
            a_flat = [ta.read(last if reverse else 0) for ta in elems_ta]
            start = 1
        else:
            a_flat = [convert_to_tensor(v) for v in out_flatten(initializer)]
            start = 0
        accs_ta = [TensorArray(dtype=a.dtype, size=n, dynamic_size=False, infer_shape=infer_shape,
                               element_shape=a.shape if infer_shape else None) for a in a_flat]
        if initializer is None:
            accs_ta = [ta.write(last if reverse else 0, a) for ta, a in zip(accs_ta, a_flat)]

        def compute(i, a, tas):
            a_out = fn(out_pack(list(a)), in_pack([ta.read(i) for ta in elems_ta]))
            nest.assert_same_structure(structure, a_out)
            flat = out_flatten(a_out)
            return (i - 1 if reverse else i + 1), flat, [ta.write(i, v) for ta, v in zip(tas, flat)]

        i0 = last - start if reverse else start
        condition = (lambda i, _a, _t: i >= 0) if reverse else (lambda i, _a, _t: i < n)
        _, _, results = _while_loop(condition, compute,
                                    (convert_to_tensor(i0, dtype=dtypes.int32), a_flat, accs_ta),
                                    parallel_iterations=parallel_iterations, back_prop=back_prop,
                                    swap_memory=swap_memory, maximum_iterations=n)
        return out_pack(_stacked(list(results), _static_leading(elems_flat)))


def _fold(fn: Callable[..., Any], elems: Any, initializer: Any, parallel_iterations: int,
          back_prop: bool, swap_memory: bool, name: str, reverse: bool) -> Any:
    if not callable(fn):
        raise TypeError("fn must be callable.")
    with get_default_graph().name_scope(name):
        elems_flat = [convert_to_tensor(e, name="elem") for e in nest.flatten(elems)]
        n = _leading_size(elems_flat, "elems")
        tas = _unstacked(elems_flat, n)
        elems_ta = nest.pack_sequence_as(elems, tas) if nest.is_nested(elems) else tas[0]
        last = n - 1
        if initializer is None:
            a = nest.map_structure(lambda ta: ta.read(last if reverse else 0), elems_ta)
            i0 = last - 1 if reverse else 1
        else:
            a = initializer
            i0 = last if reverse else 0

        def compute(i, a):
            a = fn(a, nest.map_structure(lambda ta: ta.read(i), elems_ta))
            return [i - 1 if reverse else i + 1, a]

        condition = (lambda i, a: i >= 0) if reverse else (lambda i, a: i < n)
        _, result = _while_loop(condition, compute, [convert_to_tensor(i0, dtype=dtypes.int32), a],
                                parallel_iterations=parallel_iterations, back_prop=back_prop,
                                swap_memory=swap_memory, maximum_iterations=n)
        return result


def foldl(fn: Callable[..., Any], elems: Any, initializer: Any = None, parallel_iterations: int = 10,
          back_prop: bool = True, swap_memory: bool = False, name: str | None = None) -> Any:
    """`fn(accumulator, element)` folded over `elems` from the first element to the last.

    Args:
        fn: callable of (accumulator, element) returning the next accumulator.
        elems: a tensor or nested structure of tensors with the same leading dimension.
        initializer: the first accumulator (default: the first element).
        parallel_iterations, back_prop, swap_memory: passed to the while loop.
        name: name scope ("foldl" by default).

    Returns:
        The final accumulator.

    Raises:
        TypeError: `fn` is not callable.
    """
    return _fold(fn, elems, initializer, parallel_iterations, back_prop, swap_memory,
                 name or "foldl", reverse=False)


def foldr(fn: Callable[..., Any], elems: Any, initializer: Any = None, parallel_iterations: int = 10,
          back_prop: bool = True, swap_memory: bool = False, name: str | None = None) -> Any:
    """`fn(accumulator, element)` folded over `elems` from the last element to the first.

    Args and Returns: as `foldl`.

    Raises:
        TypeError: `fn` is not callable.
    """
    return _fold(fn, elems, initializer, parallel_iterations, back_prop, swap_memory,
                 name or "foldr", reverse=True)
