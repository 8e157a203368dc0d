"""Exceptions for mistakes a user can fix.

The CLI prints these as one line (``graphssl: error: ...``) instead of a
traceback. Internal invariants use ``assert``; everything a user can cause
(a bad file, a bad config key, a malformed graph) raises one of these.
"""

from __future__ import annotations


class GraphSSLError(Exception):
    """Base class for errors caused by user input."""


class ConfigError(GraphSSLError, ValueError):
    """A configuration file or dictionary is invalid (unknown key, bad value)."""


class InvalidGraphError(GraphSSLError, ValueError):
    """A graph is malformed; the message names the graph index and the problem."""


class CheckpointError(GraphSSLError, ValueError):
    """A checkpoint file is missing, truncated, corrupt or incompatible."""


class InputFileError(GraphSSLError, ValueError):
    """An input file cannot be read; the message names the file (and line)."""


class MissingDependencyError(GraphSSLError, ImportError):
    """An optional dependency is not installed; the message names the extra."""
