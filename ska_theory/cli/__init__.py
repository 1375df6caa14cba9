"""The ``ska-theory`` command: one module per subcommand, each with ``register`` and ``run``.

The library names arguments as Python does (``T``, ``layers``, ``eta``); :data:`FLAGS` is the one place
that maps them to command-line flags, and :func:`main` turns every bad input into one line on stderr
and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ska_theory import __version__
from ska_theory.errors import ArgumentError, InputError, UsageError

# Subcommand modules under ska_theory.cli, in --help order.
COMMANDS: tuple[str, ...] = ("check", "matrix", "report", "discrete", "integrate", "sweep", "cache")

# Library argument (RunConfig field, engine parameter) -> the flag that sets it.
FLAGS: dict[str, str] = {
    "T": "--T",
    "method": "--method",
    "rtol": "--rtol",
    "atol": "--atol",
    "grid": "--grid",
    "events": "--events",
    "variant": "--variant",
    "eta": "--eta",
    "steps": "--steps",
    "layers": "--layers",
    "data": "--data",
    "X": "--data",
    "seed": "--seed",
    "scale": "--init-scale",
    "weights": "--init-weights",
    "params0": "--init-weights",
    "dtype": "--dtype",
    "jobs": "--jobs",
    "scheduler": "--scheduler",
    "cache_dir": "--cache-dir",
}


def _written(value: object, shown: str) -> str:
    """A value as it would be typed: layer lists comma-separated, else the library's rendering."""
    if isinstance(value, tuple | list) and all(isinstance(v, int) for v in value):
        return ",".join(map(str, value))
    return shown


def flag_message(e: ArgumentError) -> str:
    """The library's message with its argument names written as this command's flags."""
    flag = FLAGS.get(e.name)
    if flag is None:
        return str(e)

    def write(name: str, value: object) -> str:
        other = FLAGS.get(name)
        return f"{other} {_written(value, repr(value))}" if other else f"{name}={value!r}"

    head = f"{flag} {_written(e.value, e.shown)}" if e.shown else flag
    return f"{head}: {e.render_reason(write)}"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ska-theory",
        description="Verify the claims of the SKA papers: symbolic proofs, network simulations, "
        "derivation reports.",
    )
    parser.add_argument("--version", action="version", version=f"ska-theory {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(f"ska_theory.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 1 verdict changed/failed, 2 usage or input error)."""
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args))
    except (UsageError, ArgumentError, InputError) as e:
        message = flag_message(e) if isinstance(e, ArgumentError) else str(e)
        print(f"ska-theory: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ska-theory: interrupted", file=sys.stderr)
        return 130


def entry() -> None:
    sys.exit(main())
