"""Filling configuration dataclasses from YAML, strictly.

:func:`from_dict` walks a dataclass's typed fields: nested dataclasses,
``X | None``, ``list[...]`` and ``dict[...]`` are followed, scalars are type
checked, and an unknown key is rejected with its dotted path and the closest
known key. Errors are :class:`~graphssl.errors.ConfigError` and name the file.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml

from graphssl.errors import ConfigError
from graphssl.registry import close_matches

T = TypeVar("T")


def load_yaml(path: str | Path) -> dict[str, Any]:
    """Read a YAML mapping; missing files and syntax errors name the file (and line)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{where}: invalid YAML ({problem})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the config must be a mapping of sections, got {type(data).__name__}")
    return data


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


def _fits_shape(value: Any, tp: Any) -> bool:
    """Whether ``value`` is the container kind ``tp`` expects (a list for ``list[...]``, a mapping otherwise)."""
    origin = typing.get_origin(tp)
    if origin in (list, tuple):
        return isinstance(value, (list, tuple))
    if dataclasses.is_dataclass(tp) or origin is dict:
        return isinstance(value, dict)
    return not isinstance(value, (list, tuple, dict))


def _convert(value: Any, tp: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(tp)
        if value is None and type(None) in options:
            return None
        errors = []
        # Options whose shape fits the value go first, so its error is the one reported.
        for option in sorted(options, key=lambda option: not _fits_shape(value, option)):
            if option is type(None):
                continue
            try:
                return _convert(value, option, where)
            except ConfigError as exc:
                errors.append(str(exc))
        raise ConfigError(errors[0] if errors else f"{where}: invalid value {value!r}")
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a mapping, got {value!r}")
        return from_dict(tp, value, where)
    if origin in (list, tuple):
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{where}: expected a list, got {value!r}")
        (item_type, *_) = typing.get_args(tp) or (Any,)
        items = [_convert(item, item_type, f"{where}[{i}]") for i, item in enumerate(value)]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a mapping, got {value!r}")
        key_type, value_type = typing.get_args(tp) or (Any, Any)
        return {_convert(k, key_type, where): _convert(v, value_type, f"{where}.{k}") for k, v in value.items()}
    if tp is Any:
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected an integer, got {value!r}")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string, got {value!r}")
        return value
    if isinstance(tp, type) and not isinstance(value, tp):
        raise ConfigError(f"{where}: expected {_type_name(tp)}, got {value!r}")
    return value


def from_dict(cls: type[T], data: dict[str, Any], where: str = "") -> T:
    """Build dataclass ``cls`` from ``data``, rejecting unknown keys and wrong types."""
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    kwargs = {}
    for key, value in data.items():
        path = f"{where}.{key}" if where else str(key)
        if key not in fields:
            raise ConfigError(f"{path}: unknown key{close_matches(key, fields, 1)}; known keys: {', '.join(fields)}")
        kwargs[key] = _convert(value, hints[key], path)
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, ConfigError):
            raise
        raise ConfigError(f"{where or cls.__name__}: {exc}") from None


def to_dict(config: Any) -> dict[str, Any]:
    """Plain nested dict of a config dataclass (YAML- and checkpoint-safe).

    A config with its own ``to_dict()`` method (one holding a registered
    encoder's config, which must record the encoder's name) is written by it.
    """
    own = getattr(config, "to_dict", None)
    return plain(own() if callable(own) else dataclasses.asdict(config))


def plain(value: Any) -> Any:
    """Tuples as lists, recursively: YAML's safe dumper writes lists only (:func:`from_dict` restores tuples)."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def check_range(where: str, value: float, *, low: float | None = None, high: float | None = None,
                low_inclusive: bool = True, high_inclusive: bool = True) -> None:
    """Raise :class:`ConfigError` naming ``where`` unless ``value`` lies in the given range.

    Every config dataclass and CLI argument checks its values with this when it
    is built, so a bad value fails before any data is read.
    """
    below = low is not None and (value < low if low_inclusive else value <= low)
    above = high is not None and (value > high if high_inclusive else value >= high)
    if below or above:
        left = "-inf" if low is None else f"{low:g}"
        right = "inf" if high is None else f"{high:g}"
        interval = f"{'[' if low_inclusive and low is not None else '('}{left}, {right}{']' if high_inclusive and high is not None else ')'}"
        raise ConfigError(f"{where}: must be in {interval}, got {value!r}")


def check_fraction(where: str, value: float) -> None:
    """A ratio strictly between 0 and 1 (a mask or drop fraction)."""
    check_range(where, value, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)


def check_positive(where: str, value: float) -> None:
    """A size or count that must be at least 1 (integers) or above 0 (floats)."""
    if isinstance(value, int) and not isinstance(value, bool):
        check_range(where, value, low=1)
    else:
        check_range(where, value, low=0.0, low_inclusive=False)
