"""Exceptions shared across the package.

The library (``ska_theory.network``, ``ska_theory.runs``) rejects a bad value with :class:`ArgumentError`,
a ``ValueError`` naming the Python argument, as SciPy does. Only ``ska_theory.cli`` knows command-line
flags: it maps argument names to its flags and reports a :class:`UsageError` (one line, exit status 2).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping


class UsageError(Exception):
    """Bad command-line input; the CLI prints the message on one line and exits 2."""


class ArgumentError(ValueError):
    """A rejected argument: ``str(e)`` is ``name=value: reason``, in Python's names.

    ``shown`` is how the value is written (default ``repr``; ``""`` for a missing value: ``name: reason``).
    ``reason`` may name other arguments as
    ``{other}`` placeholders, given in ``refs`` (name -> value): Python's message writes them as
    ``other=value``, the CLI as its flag and value.
    """

    def __init__(
        self,
        name: str,
        value: object,
        reason: str,
        *,
        shown: str | None = None,
        refs: Mapping[str, object] | None = None,
    ) -> None:
        self.name, self.value, self.reason = name, value, reason
        self.shown = repr(value) if shown is None else shown
        self.refs: dict[str, object] = dict(refs or {})
        head = f"{name}={self.shown}" if self.shown else name
        super().__init__(f"{head}: {self.render_reason(lambda k, v: f'{k}={v!r}')}")

    def render_reason(self, write: Callable[[str, object], str]) -> str:
        """The reason with each ``{other}`` written by ``write(name, value)``."""
        return (
            self.reason.format(**{k: write(k, v) for k, v in self.refs.items()}) if self.refs else self.reason
        )


class InputError(ValueError):
    """Bad input that is not one argument's value (a sweep file's content); the message says where."""
