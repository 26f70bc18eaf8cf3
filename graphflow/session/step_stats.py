"""TF1's `StepStats` message family (tensorflow/core/framework/step_stats.proto) as plain Python
objects with the proto's field names, filled by a traced `Session.run`.

Building protobuf messages per op would cost more than many kernels, and tensorboard (which
carries the compiled protos) is an optional extra, so a trace fills these light objects;
`to_proto()` / `SerializeToString()` give the real `StepStats` proto (needs tensorboard) for
`FileWriter.add_run_metadata` and anything else that wants bytes.

Repeated fields are lists with protobuf's `add(**fields)`; nested messages are attributes.
"""

from __future__ import annotations

from typing import Any, ClassVar


class _Repeated(list):
    """A repeated message field: a list whose `add(**fields)` appends a new element."""

    def __init__(self, kind: type) -> None:
        super().__init__()
        self._kind = kind

    def add(self, **fields: Any) -> Any:
        item = self._kind(**fields)
        self.append(item)
        return item


class _Message:
    """Fields come from `_fields`: {name: default value, message class, [message class] for a
    repeated field, or `dict` for a map}."""

    _fields: ClassVar[dict[str, Any]] = {}
    _scalars: ClassVar[dict[str, Any]] = {}
    _nested: ClassVar[tuple[tuple[str, Any], ...]] = ()

    def __init_subclass__(cls) -> None:
        # split once per class: a traced run builds thousands of these
        def nested(default: Any) -> bool:
            return isinstance(default, list) or default is dict or (
                isinstance(default, type) and issubclass(default, _Message))

        cls._scalars = {k: v for k, v in cls._fields.items() if not nested(v)}
        cls._nested = tuple((k, v) for k, v in cls._fields.items() if nested(v))

    def __init__(self, **fields: Any) -> None:
        values = self.__dict__
        values.update(self._scalars)
        for name, kind in self._nested:
            values[name] = _Repeated(kind[0]) if isinstance(kind, list) else kind()
        for name, value in fields.items():
            setattr(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._fields:
            raise AttributeError(f'Protocol message {type(self).__name__} has no "{name}" field.')
        object.__setattr__(self, name, value)

    def to_dict(self) -> dict[str, Any]:
        """The message as nested dicts and lists (the field names of the proto's JSON form),
        leaving out fields that hold their defaults."""
        out: dict[str, Any] = {}
        for name, default in self._fields.items():
            value = getattr(self, name)
            if isinstance(value, _Message):
                value = value.to_dict()
                if value:
                    out[name] = value
            elif isinstance(value, list):
                if value:
                    out[name] = [v.to_dict() if isinstance(v, _Message) else v for v in value]
            elif isinstance(value, dict):
                if value:
                    out[name] = {str(k): v for k, v in value.items()}
            elif value != default:
                out[name] = value
        return out

    def __eq__(self, other: object) -> bool:
        same_kind = isinstance(other, _Message) and other._fields is self._fields
        return same_kind and self.to_dict() == other.to_dict()  # type: ignore[union-attr]

    __hash__ = None  # type: ignore[assignment]  # mutable, as protobuf messages

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.to_dict()!r})"


class TensorShapeDim(_Message):
    _fields: ClassVar[dict[str, Any]] = {"size": 0, "name": ""}


class TensorShapeProto(_Message):
    _fields: ClassVar[dict[str, Any]] = {"dim": [TensorShapeDim], "unknown_rank": False}


class AllocationDescription(_Message):
    _fields: ClassVar[dict[str, Any]] = {"requested_bytes": 0, "allocated_bytes": 0, "allocator_name": "",
                                         "allocation_id": 0, "has_single_reference": False, "ptr": 0}


class TensorDescription(_Message):
    """`dtype` is the DataType enum number (1 for float32), as in the proto."""

    _fields: ClassVar[dict[str, Any]] = {"dtype": 0, "shape": TensorShapeProto,
                                         "allocation_description": AllocationDescription}


class NodeOutput(_Message):
    _fields: ClassVar[dict[str, Any]] = {"slot": 0, "tensor_description": TensorDescription}


class NodeExecStats(_Message):
    """One executed kernel: times are absolute (`all_start_*`, since the epoch) or relative to
    that start (`*_rel_*`); `timeline_label` reads `name = Type(input, ...)`."""

    _fields: ClassVar[dict[str, Any]] = {
        "node_name": "", "all_start_micros": 0, "op_start_rel_micros": 0, "op_end_rel_micros": 0,
        "all_end_rel_micros": 0, "output": [NodeOutput], "timeline_label": "",
        "scheduled_micros": 0, "thread_id": 0, "all_start_nanos": 0, "op_start_rel_nanos": 0,
        "op_end_rel_nanos": 0, "all_end_rel_nanos": 0, "scheduled_nanos": 0,
    }


class DeviceStepStats(_Message):
    _fields: ClassVar[dict[str, Any]] = {"device": "", "node_stats": [NodeExecStats], "thread_names": dict}


class StepStats(_Message):
    """The per-device kernel statistics of one traced run (`RunMetadata.step_stats`)."""

    _fields: ClassVar[dict[str, Any]] = {"dev_stats": [DeviceStepStats]}

    def to_proto(self) -> Any:
        """The same statistics as tensorboard's compiled `StepStats` proto.

        Raises:
            ImportError: naming the tensorboard extra when tensorboard is absent.
        """
        from google.protobuf import json_format

        from graphflow.summary.protos import INSTALL_HINT

        try:
            from tensorboard.compat.proto import step_stats_pb2
        except ImportError as e:
            raise ImportError(f"{INSTALL_HINT} ({e})") from e
        return json_format.ParseDict(self.to_dict(), step_stats_pb2.StepStats())

    def SerializeToString(self) -> bytes:  # noqa: N802 - protobuf's name
        """The `StepStats` proto's wire bytes (see `to_proto`)."""
        return self.to_proto().SerializeToString()

    def CopyFrom(self, other: StepStats) -> None:  # noqa: N802 - protobuf's name
        """Replaces this message's content with `other`'s (as protobuf messages do)."""
        object.__setattr__(self, "dev_stats", other.dev_stats)
