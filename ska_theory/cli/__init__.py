"""The ``ska-theory`` command: one module per subcommand, each with ``register`` and ``run``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ska_theory import __version__
from ska_theory.errors import UsageError

# Subcommand modules under ska_theory.cli, in --help order.
COMMANDS: tuple[str, ...] = ("check", "matrix", "report", "discrete", "integrate", "sweep", "cache")


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
    except UsageError as e:
        print(f"ska-theory: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ska-theory: interrupted", file=sys.stderr)
        return 130


def entry() -> None:
    sys.exit(main())
