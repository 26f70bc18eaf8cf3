"""Images come one at a time ([H, W, C]) or in batches ([N, H, W, C]); the ops work on
batches, so single images are expanded and squeezed back."""

from __future__ import annotations

from typing import Any

from graphflow.api.indexing import expand_dims, squeeze
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.tensor import Tensor


def as_batch(image: Any) -> tuple[Tensor, bool]:
    """(a 4-D tensor, whether the input was a single 3-D image).

    Raises:
        ValueError: unless the rank is 3 or 4.
    """
    image = convert_to_tensor(image)
    rank = image.shape.ndims
    if rank not in (3, 4):
        raise ValueError(f"'image' must be 3-D [height, width, channels] or 4-D [batch, "
                         f"height, width, channels], got shape {image.shape}")
    return (expand_dims(image, 0), True) if rank == 3 else (image, False)


def restore(batch: Tensor, single: bool) -> Tensor:
    return squeeze(batch, [0]) if single else batch
