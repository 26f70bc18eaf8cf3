"""Elementwise fusion (placeholder until the fused-kernel generator lands): returns the graph
unchanged."""

from __future__ import annotations

from collections.abc import Sequence

from .ir import Node, Value


def fuse_elementwise(nodes: Sequence[Node], fetched: Sequence[Value], backend: str
                     ) -> tuple[list[Node], list[Value]]:
    return list(nodes), list(fetched)
