"""Registries by name: one behaviour for encoders, layers, input modules, objectives, datasets and transforms.

A :class:`Registry` maps a name to a class or factory, given directly or as a
lazy ``"module:attribute"`` string (imported only when first used, so naming
a chemistry dataset in a config does not make ``import graphssl`` import
RDKit). Every registry behaves the same way:

- registering a name twice raises :class:`~graphssl.errors.ConfigError`
  (pass ``replace=True`` to override on purpose);
- an unknown name raises :class:`~graphssl.errors.ConfigError` with
  close-match suggestions and the known names;
- :meth:`Registry.build` checks keyword parameters against the target's
  signature, with a close-match suggestion for a misspelt one.

:func:`import_plugins` imports the modules a config lists under
``imports:``, so a user's own classes register themselves without any edit
to graphssl. Installed packages (and graphssl's own systems, which the core
never imports) can instead declare an entry point in the group
:data:`PLUGIN_GROUP`; a name not found in any registry loads those modules
once and looks again, so ``encoder: {name: gfse}`` works with no
``imports:`` line::

    [project.entry-points."graphssl.plugins"]
    gfse = "graphssl.gfse"

Example::

    from graphssl.objectives import register_objective

    @register_objective("my_loss")
    class MyLoss(Objective): ...
"""

from __future__ import annotations

import difflib
import importlib
import inspect
from typing import Any, Callable, Generic, Iterable, Iterator, TypeVar

from graphssl.errors import ConfigError

T = TypeVar("T")

#: Entry-point group whose modules register encoders, objectives, datasets or transforms on import.
PLUGIN_GROUP = "graphssl.plugins"
_plugins_loaded = False


def load_entry_point_plugins() -> bool:
    """Import every module declared in the :data:`PLUGIN_GROUP` entry-point group, once per process.

    Returns ``True`` the first time (modules were imported), ``False`` after.
    A plugin that fails to import raises :class:`ConfigError` naming it.
    """
    global _plugins_loaded
    if _plugins_loaded:
        return False
    _plugins_loaded = True
    from importlib.metadata import entry_points

    for entry in entry_points(group=PLUGIN_GROUP):
        try:
            entry.load()
        except ImportError as exc:
            raise ConfigError(f"graphssl plugin {entry.name!r} ({entry.value}) cannot be imported: {exc}") from None
    return True


def close_matches(word: str, choices: Iterable[str], n: int = 3) -> str:
    """`` (did you mean 'a', 'b'?)`` for the closest choices, or an empty string."""
    close = difflib.get_close_matches(str(word), list(choices), n=n)
    return f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""


def check_params(what: str, factory: Callable, params: dict[str, Any], skip: Iterable[str] = ()) -> None:
    """Raise :class:`ConfigError` if ``params`` names a keyword ``factory`` does not take.

    ``what`` names the thing in the message (``"objective 'jepa'"``); ``skip``
    lists positional parameters the caller supplies itself (``encoder``, ``spec``).
    """
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):
        return
    parameters = signature.parameters
    if any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
        return
    skipped = {"self", *skip}
    allowed = [p for p in parameters if p not in skipped]
    for key in params:
        if key not in allowed:
            raise ConfigError(f"{what} has no parameter {key!r}{close_matches(key, allowed, 1)}; "
                              f"it takes: {', '.join(allowed) or 'no parameters'}")


class Registry(Generic[T]):
    """Names to classes or factories, for one ``kind`` of thing (``"objective"``, ``"dataset"``, ...).

    Args:
        kind: what the entries are, used in messages.
        hint: how a user lists the entries, appended to unknown-name errors
            (e.g. ``"run `graphssl objectives` for the list"``).
    """

    def __init__(self, kind: str, hint: str = "") -> None:
        self.kind, self.hint = kind, hint
        self._entries: dict[str, T | str] = {}

    def register(self, name: str, target: T | str | None = None, *, replace: bool = False):
        """Add ``target`` under ``name``; without ``target`` this is a class decorator.

        ``target`` may be a ``"module:attribute"`` string, resolved on first use.
        """
        if not isinstance(name, str) or not name:
            raise ConfigError(f"{self.kind} names must be non-empty strings, got {name!r}")

        def add(obj):
            if name in self._entries and not replace:
                existing = self._entries[name]
                where = existing if isinstance(existing, str) else getattr(existing, "__qualname__", repr(existing))
                raise ConfigError(f"{self.kind} {name!r} is already registered (by {where}); choose another name")
            self._entries[name] = obj
            return obj

        return add if target is None else add(target)

    def get(self, name: str) -> T:
        """The entry registered as ``name`` (imported if it was registered lazily)."""
        if name not in self._entries and load_entry_point_plugins():
            return self.get(name)
        if name not in self._entries:
            known = ", ".join(sorted(self._entries)) or "none"
            tail = f"; {self.hint}" if self.hint else ""
            raise ConfigError(f"unknown {self.kind} {name!r}{close_matches(name, self._entries)}; known: {known}{tail}")
        entry = self._entries[name]
        if isinstance(entry, str):
            module, _, attribute = entry.partition(":")
            entry = getattr(importlib.import_module(module), attribute)
            self._entries[name] = entry
        return entry

    def build(self, name: str, params: dict[str, Any] | None = None, *args: Any, skip: Iterable[str] = ()) -> Any:
        """Call the entry ``name`` with ``*args`` and keyword ``params``, parameters checked first.

        ``skip`` names the parameters ``*args`` fill, so they are not offered as suggestions.
        """
        factory = self.get(name)
        params = dict(params or {})
        check_params(f"{self.kind} {name!r}", factory, params, skip=skip)
        try:
            return factory(*args, **params)
        except ConfigError:
            raise
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{self.kind} {name!r}: {exc}") from exc

    def names(self) -> list[str]:
        """Registered names, sorted."""
        return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, name: str) -> T:
        return self.get(name)

    def values(self) -> list[T]:
        return [self.get(name) for name in self.names()]

    def items(self) -> list[tuple[str, T]]:
        return [(name, self.get(name)) for name in self.names()]

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, {len(self)} entries)"


def import_plugins(modules: Iterable[str], where: str = "imports") -> None:
    """Import each named module so the classes it defines register themselves.

    A module that cannot be imported raises :class:`ConfigError` naming it
    and the config key ``where``.
    """
    for index, module in enumerate(modules):
        if not isinstance(module, str) or not module:
            raise ConfigError(f"{where}[{index}]: expected a module name, got {module!r}")
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise ConfigError(f"{where}[{index}]: cannot import {module!r} ({exc})") from None
