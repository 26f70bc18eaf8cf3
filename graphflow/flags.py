"""`tf.flags` / `tf.app.flags`: TF1's command-line flags (absl's behaviour, written without absl).

Flags are defined at import time (`DEFINE_string("data_dir", "/tmp", "help")`) and read through
`FLAGS.data_dir`. As TF1's wrapper of absl, the first attribute access parses `sys.argv` when no
parse happened yet, keeping unknown flags; `tf.app.run` parses explicitly. Accepted forms:
`--name=value`, `--name value`, `-name value`, booleans as `--name`, `--noname`, `--name=false`;
`--` ends the flags (what follows it is kept as arguments).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any


class Error(Exception):
    """Base class of the flag errors (absl's `flags.Error`)."""


class IllegalFlagValueError(Error):
    """A flag's value could not be parsed or is out of its allowed range."""


class UnrecognizedFlagError(Error):
    """A `--name` on the command line that no DEFINE_* declared (only when not `known_only`)."""


class DuplicateFlagError(Error):
    """A flag name defined twice."""


class UnparsedFlagAccessError(Error):
    """A flag read before the command line was parsed."""


_TRUE = ("true", "t", "1")
_FALSE = ("false", "f", "0")


def _parse_bool(text: Any) -> bool:
    if isinstance(text, bool):
        return text
    lowered = str(text).lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"Non-boolean argument to boolean flag: {text!r}")


class _Flag:
    """One flag: its name, help, converter from text and current value."""

    def __init__(self, name: str, default: Any, help_text: str, parse: Callable[[Any], Any],
                 is_bool: bool = False) -> None:
        self.name = name
        self.help = help_text
        self.parse = parse
        self.is_bool = is_bool
        self.default = None if default is None else self.convert(default, "default ")
        self.value = self.default

    def convert(self, text: Any, where: str = "") -> Any:
        try:
            return self.parse(text)
        except (ValueError, TypeError) as err:
            raise IllegalFlagValueError(f"flag --{self.name}={text}: {where}{err}") from None


class FlagValues:
    """The registry of defined flags; `FLAGS` is its one instance."""

    def __init__(self) -> None:
        object.__setattr__(self, "_flags", {})
        object.__setattr__(self, "_parsed", False)
        object.__setattr__(self, "_required", [])

    def _define(self, flag: _Flag) -> None:
        if flag.name in self._flags:
            raise DuplicateFlagError(f"The flag '{flag.name}' is defined twice.")
        self._flags[flag.name] = flag

    def __getattr__(self, name: str) -> Any:
        flags = object.__getattribute__(self, "_flags")
        if name not in flags:
            raise AttributeError(name)
        if not self._parsed:
            # TF1's tf.flags wrapper parses sys.argv on the first access, tolerating unknown flags.
            self(sys.argv, known_only=True)
        return flags[name].value

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._flags:
            raise AttributeError(f"no flag named {name!r}; define it with a DEFINE_* function first")
        self._flags[name].value = value

    def __contains__(self, name: str) -> bool:
        return name in self._flags

    def __iter__(self):
        return iter(self._flags)

    def is_parsed(self) -> bool:
        """Whether the command line was parsed."""
        return self._parsed

    def mark_as_parsed(self) -> None:
        """Lets flags be read with their defaults without parsing a command line."""
        object.__setattr__(self, "_parsed", True)

    def unparse_flags(self) -> None:
        """Resets every flag to its default and marks the command line as not parsed."""
        for flag in self._flags.values():
            flag.value = flag.default
        object.__setattr__(self, "_parsed", False)

    def flag_values_dict(self) -> dict[str, Any]:
        """{name: current value} of every flag."""
        return {name: flag.value for name, flag in self._flags.items()}

    def get_help(self) -> str:
        """One line per flag: `--name: help (default: ...)`."""
        lines = []
        for name, flag in sorted(self._flags.items()):
            prefix = f"--[no]{name}" if flag.is_bool else f"--{name}"
            lines.append(f"  {prefix}: {flag.help}\n    (default: {flag.default!r})")
        return "\n".join(lines)

    def __call__(self, argv: Sequence[str], known_only: bool = False) -> list[str]:
        """Parses the flags in `argv[1:]` and returns argv[0] followed by the arguments left.

        Args:
            argv: the command line, program name first.
            known_only: keep unknown `--flags` in the result instead of raising.

        Returns:
            argv[0] plus the positional arguments (and unknown flags when `known_only`).

        Raises:
            IllegalFlagValueError: a value that does not parse (or a missing one), or a required flag
                left None.
            UnrecognizedFlagError: an unknown flag when not `known_only`.
        """
        args = list(argv)
        if not args:
            raise ValueError("argv must hold at least the program name")
        remaining = [args[0]]
        i = 1
        while i < len(args):
            arg = args[i]
            i += 1
            if arg == "--":
                remaining.extend(args[i:])
                break
            if not arg.startswith("-") or arg == "-":
                remaining.append(arg)
                continue
            name, has_value, value = arg.lstrip("-").partition("=")
            flag = self._flags.get(name)
            if flag is None and name.startswith("no") and not has_value:
                negated = self._flags.get(name[2:])
                if negated is not None and negated.is_bool:
                    negated.value = False
                    continue
            if flag is None:
                if known_only:
                    remaining.append(arg)
                    continue
                raise UnrecognizedFlagError(f"Unknown command line flag '{name}'")
            if not has_value:
                if flag.is_bool:
                    flag.value = True
                    continue
                if i >= len(args):
                    raise IllegalFlagValueError(f"Missing value for flag {arg}")
                value = args[i]
                i += 1
            flag.value = flag.convert(value)
        for name in self._required:
            if self._flags[name].value is None:
                raise IllegalFlagValueError(f"flag --{name}=None: Flag --{name} must have a value other "
                                            "than None.")
        object.__setattr__(self, "_parsed", True)
        return remaining


FLAGS = FlagValues()


def _define(name: str, default: Any, help_text: str, parse: Callable[[Any], Any],
            flag_values: FlagValues | None, is_bool: bool = False) -> None:
    (flag_values if flag_values is not None else FLAGS)._define(
        _Flag(name, default, help_text, parse, is_bool))


def DEFINE_string(name: str, default: str | None, help: str, flag_values: FlagValues | None = None,
                  **_: Any) -> None:
    """Defines a string flag."""
    _define(name, default, help, str, flag_values)


def _bounded(kind: type, lower_bound: Any, upper_bound: Any) -> Callable[[Any], Any]:
    def parse(text: Any) -> Any:
        value = kind(text)
        if lower_bound is not None and value < lower_bound:
            raise ValueError(f"{value} is less than the lower bound {lower_bound}")
        if upper_bound is not None and value > upper_bound:
            raise ValueError(f"{value} is greater than the upper bound {upper_bound}")
        return value

    return parse


def DEFINE_integer(name: str, default: int | None, help: str, lower_bound: int | None = None,
                   upper_bound: int | None = None, flag_values: FlagValues | None = None, **_: Any) -> None:
    """Defines an integer flag, optionally bounded (inclusive)."""
    _define(name, default, help, _bounded(int, lower_bound, upper_bound), flag_values)


def DEFINE_float(name: str, default: float | None, help: str, lower_bound: float | None = None,
                 upper_bound: float | None = None, flag_values: FlagValues | None = None, **_: Any) -> None:
    """Defines a float flag, optionally bounded (inclusive)."""
    _define(name, default, help, _bounded(float, lower_bound, upper_bound), flag_values)


def DEFINE_boolean(name: str, default: bool | None, help: str, flag_values: FlagValues | None = None,
                   **_: Any) -> None:
    """Defines a boolean flag: `--name`, `--noname`, `--name=true|false|t|f|1|0`."""
    _define(name, default, help, _parse_bool, flag_values, is_bool=True)


DEFINE_bool = DEFINE_boolean


def _parse_list(text: Any) -> list[str]:
    if isinstance(text, (list, tuple)):
        return list(text)
    return [item.strip() for item in str(text).split(",") if item.strip()]


def DEFINE_list(name: str, default: Any, help: str, flag_values: FlagValues | None = None,
                **_: Any) -> None:
    """Defines a comma-separated list flag (`--names=a,b` gives ['a', 'b'])."""
    _define(name, default, help, _parse_list, flag_values)


def DEFINE_enum(name: str, default: str | None, enum_values: Sequence[str], help: str,
                flag_values: FlagValues | None = None, case_sensitive: bool = True, **_: Any) -> None:
    """Defines a flag whose value must be one of `enum_values`."""
    choices = list(enum_values)

    def parse(text: Any) -> str:
        for choice in choices:
            if text == choice or (not case_sensitive and str(text).lower() == choice.lower()):
                return choice
        raise ValueError(f"value should be one of <{'|'.join(choices)}>")

    _define(name, default, help, parse, flag_values)


def mark_flag_as_required(name: str, flag_values: FlagValues | None = None) -> None:
    """Makes parsing fail unless flag `name` ends up with a value other than None.

    Raises:
        KeyError: when no flag `name` is defined.
    """
    values = flag_values if flag_values is not None else FLAGS
    if name not in values:
        raise KeyError(f"mark_flag_as_required: no flag named {name!r} is defined")
    values._required.append(name)
