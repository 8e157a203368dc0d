"""Error messages whose suggested fix names a parameter, spelt for whoever reads them.

The pe layer is called from Python (``CycleCounts(max_paths=...)``) and from
the ``graphssl pe`` command (``--max-paths``). A message that suggests a fix
must name the knob in the reader's language, so it is written once as a
template with one ``{field}`` per parameter::

    raise param_error(InvalidGraphError, "graph 3: ... raise {cap}", cap=Param("max_paths"))

(inside an f-string the field is written ``{{cap}}``). ``str(error)`` spells
the fields in Python (``raise max_paths``, ``pass directed='symmetrize'``);
:func:`spell` spells them with another vocabulary, e.g. the command line's
``{"max_paths": "--max-paths"}``, so the same error reads ``raise
--max-paths`` there. Errors without parameters are spelt by ``str``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

_UNSET = object()


@dataclass(frozen=True)
class Param:
    """A parameter named in a message, optionally with the value the message suggests or reports.

    Args:
        name: the Python keyword (``"max_nodes"``).
        value: shown after the name (``max_nodes=2048`` / ``--max-nodes 2048``); omitted by default.
    """

    name: str
    value: Any = _UNSET

    def python(self) -> str:
        return self.name if self.value is _UNSET else f"{self.name}={self.value!r}"

    def spelt(self, flag: str) -> str:
        return flag if self.value is _UNSET else f"{flag} {self.value}"


def param_error(error_class: type[Exception], template: str, **params: Param) -> Exception:
    """An ``error_class`` whose message is ``template`` with ``params`` spelt in Python.

    Only ``{key}`` fields naming one of ``params`` are filled; other braces
    are kept. The template and parameters stay on the error
    (``error.template``, ``error.params``) for :func:`spell`.
    """
    error = error_class(_fill(template, {key: param.python() for key, param in params.items()}))
    error.template, error.params = template, params
    return error


def _fill(template: str, fields: dict[str, str]) -> str:
    # Only ``{key}`` of a known field is replaced: other braces (a file name, a set) stay as they are.
    return re.sub(r"\{(\w+)\}", lambda m: fields.get(m.group(1), m.group(0)), template)


def spell(error: BaseException, flags: Mapping[str, str]) -> str:
    """The message of ``error`` with each parameter spelt as ``flags[name]`` (Python spelling if absent)."""
    params: dict[str, Param] | None = getattr(error, "params", None)
    if not params:
        return str(error)
    fields = {key: p.spelt(flags[p.name]) if p.name in flags else p.python() for key, p in params.items()}
    return _fill(error.template, fields)
