"""Test helper: reads a logdir back with TensorBoard's own EventAccumulator (tensorboard is
in the "dev" extra)."""

from __future__ import annotations

from tensorboard.backend.event_processing import event_accumulator


def accumulate(logdir: str):
    """A reloaded EventAccumulator of `logdir` keeping every event (no sampling)."""
    acc = event_accumulator.EventAccumulator(str(logdir), size_guidance={
        event_accumulator.SCALARS: 0, event_accumulator.HISTOGRAMS: 0,
        event_accumulator.IMAGES: 0, event_accumulator.TENSORS: 0,
        event_accumulator.AUDIO: 0})
    acc.Reload()
    return acc
