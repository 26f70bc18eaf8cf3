"""TF1 configuration objects (`tf.ConfigProto`, `tf.GPUOptions`, `tf.RunOptions`,
`tf.RunMetadata`): plain attribute holders with TF1's field names and defaults."""

from __future__ import annotations

from typing import Any


class _Proto:
    _defaults: dict[str, Any] = {}

    def __init__(self, **kwargs: Any) -> None:
        for k, v in self._defaults.items():
            setattr(self, k, v() if callable(v) else v)
        for k, v in kwargs.items():
            if k not in self._defaults:
                raise ValueError(f'Protocol message {type(self).__name__} has no "{k}" field.')
            setattr(self, k, v)

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._defaults)
        return f"{type(self).__name__}({fields})"


class GPUOptions(_Proto):
    """GPU settings (accepted for compatibility; graphflow manages device memory itself)."""

    _defaults = {"allow_growth": False, "per_process_gpu_memory_fraction": 0.0,
                 "visible_device_list": ""}


class ConfigProto(_Proto):
    """Session configuration: `device_count={"GPU": 0}` forces the CPU, `allow_soft_placement`
    falls back to the CPU when a pinned GPU is missing, `log_device_placement` logs placement."""

    _defaults = {"device_count": dict, "allow_soft_placement": False,
                 "log_device_placement": False, "intra_op_parallelism_threads": 0,
                 "inter_op_parallelism_threads": 0, "gpu_options": GPUOptions,
                 "graph_options": None, "operation_timeout_in_ms": 0}


class RunOptions(_Proto):
    """Per-run options: `trace_level` above NO_TRACE makes `Session.run` time every kernel into
    its `run_metadata.step_stats` (`timeout_in_ms` is accepted)."""

    NO_TRACE = 0
    SOFTWARE_TRACE = 1
    HARDWARE_TRACE = 2
    FULL_TRACE = 3
    _defaults = {"trace_level": 0, "timeout_in_ms": 0, "inter_op_thread_pool": 0,
                 "output_partition_graphs": False, "report_tensor_allocations_upon_oom": False}


def _step_stats() -> Any:
    from .step_stats import StepStats

    return StepStats()


class RunMetadata(_Proto):
    """Per-run metadata: a traced run fills `step_stats` (graphflow.session.step_stats, TF1's
    StepStats fields); `cost_graph` and `partition_graphs` stay empty."""

    _defaults = {"step_stats": _step_stats, "cost_graph": None, "partition_graphs": list}

    def SerializeToString(self) -> bytes:  # noqa: N802 - protobuf's name
        """The RunMetadata proto's bytes (needs tensorboard's protos, as summaries do)."""
        from graphflow.summary.protos import INSTALL_HINT

        try:
            from tensorboard.compat.proto import config_pb2
        except ImportError as e:
            raise ImportError(f"{INSTALL_HINT} ({e})") from e
        proto = config_pb2.RunMetadata()
        proto.step_stats.CopyFrom(self.step_stats.to_proto())
        return proto.SerializeToString()
