"""Keras 2's (de)serialization helpers: `{'class_name': ..., 'config': ...}` dicts, lookups by
name with `custom_objects`, and `custom_object_scope`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_GLOBAL_CUSTOM_OBJECTS: dict[str, Any] = {}


@contextmanager
def custom_object_scope(*scopes: dict[str, Any]) -> Iterator[None]:
    """Within the block, deserialization also finds the names of the given dicts."""
    saved = dict(_GLOBAL_CUSTOM_OBJECTS)
    for scope in scopes:
        _GLOBAL_CUSTOM_OBJECTS.update(scope)
    try:
        yield
    finally:
        _GLOBAL_CUSTOM_OBJECTS.clear()
        _GLOBAL_CUSTOM_OBJECTS.update(saved)


def get_custom_objects() -> dict[str, Any]:
    """The global custom objects dict (mutable)."""
    return _GLOBAL_CUSTOM_OBJECTS


def serialize_keras_object(instance: Any) -> Any:
    """`{'class_name': type name, 'config': instance.get_config()}`, or a function's name."""
    if instance is None:
        return None
    if hasattr(instance, "get_config"):
        return {"class_name": type(instance).__name__, "config": instance.get_config()}
    if hasattr(instance, "__name__"):
        return instance.__name__
    raise ValueError(f"Cannot serialize {instance!r}")


def unknown_message(what: str, name: str) -> str:
    """Keras 2's message for a name it cannot resolve (`Unknown optimizer: 'adamz'. ...`)."""
    return (f"Unknown {what}: {name!r}. Please ensure you are using a `keras.utils.custom_object_scope` "
            "and that this object is included in the scope. See "
            "https://www.tensorflow.org/guide/keras/save_and_serialize#registering_the_custom_object "
            "for details.")


def deserialize_keras_object(identifier: Any, module_objects: dict[str, Any] | None = None,
                             custom_objects: dict[str, Any] | None = None,
                             printable_module_name: str = "object") -> Any:
    """The object a name or a `{'class_name', 'config'}` dict stands for.

    Raises:
        ValueError: naming the unknown `printable_module_name`.
    """
    objects = dict(module_objects or {})
    objects.update(_GLOBAL_CUSTOM_OBJECTS)
    objects.update(custom_objects or {})
    if isinstance(identifier, dict):
        if "class_name" not in identifier or "config" not in identifier:
            raise ValueError(f"Improper config format: {identifier}")
        name = identifier["class_name"]
        cls = objects.get(name)
        if cls is None:
            raise ValueError(unknown_message(printable_module_name, name))
        config = identifier["config"]
        if hasattr(cls, "from_config"):
            import inspect
            if "custom_objects" in inspect.signature(cls.from_config).parameters:
                return cls.from_config(config, custom_objects=dict(custom_objects or {}))
            return cls.from_config(config)
        return cls(**config)
    if isinstance(identifier, str):
        found = objects.get(identifier)
        if found is None:
            raise ValueError(unknown_message(printable_module_name, identifier))
        return found
    raise ValueError(f"Could not interpret serialized {printable_module_name}: {identifier}")


def get_keras_object(identifier: Any, deserialize: Any, what: str, none_value: Any = None) -> Any:
    """What a module's `get(identifier)` returns: `none_value` for None, `deserialize(identifier)`
    for a name or config dict, a callable unchanged.

    Args:
        identifier: None, a name, a `{'class_name', 'config'}` dict or a callable.
        deserialize: the module's `deserialize`.
        what: the kind of object, for the error (`constraint`, `loss function`, ...).
        none_value: what None stands for (`linear` for activations).

    Returns:
        The object.

    Raises:
        ValueError: `Could not interpret {what} identifier` for anything else.
    """
    if identifier is None:
        return none_value
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret {what} identifier: {identifier}")
