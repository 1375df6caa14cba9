"""Model options shared by the commands that run the network (``discrete``, ``integrate``).

Usage in a subcommand module::

    p = sub.add_parser(...)
    add_model_options(p)                  # --layers --data --init-weights --seed --init-scale --dtype
    ...
    config = DiscreteConfig(**model_fields(args), variant=..., eta=..., steps=...)

Options left out are passed as None, so the run config fills in its defaults (one place:
``ska_theory.network.defaults``); the config and the engines validate the values.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ska_theory.network import checks, defaults
from ska_theory.network.data import BUNDLED


def _layer_list(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(s) for s in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: not a comma-separated list of integers") from None


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """Add --layers, --data, --init-weights, --seed, --init-scale, --dtype (an argument group)."""
    g = parser.add_argument_group("model")
    g.add_argument(
        "--layers",
        type=_layer_list,
        default=None,
        metavar="N0,N1,...",
        help="layer sizes, input size first; must fit the data "
        f"(default: {','.join(map(str, defaults.LAYERS))}, or those of --init-weights)",
    )
    g.add_argument(
        "--data",
        default=defaults.DATA,
        metavar="NAME|FILE.npz",
        help=f"bundled data set ({', '.join(BUNDLED)}: pixels/255) or an .npz with X (N, d) and "
        f"optional labels (N,) (default: {defaults.DATA})",
    )
    g.add_argument(
        "--init-weights",
        type=Path,
        default=None,
        metavar="FILE.npz",
        help="initial W0, W1, ... (fan_in, fan_out) and optional b0, b1, ... (default biases 0); "
        "overrides --seed and --init-scale",
    )
    g.add_argument(
        "--seed", type=int, default=None, help=f"seed of W ~ N(0, s²), b = 0 (default: {defaults.SEED})"
    )
    g.add_argument(
        "--init-scale",
        type=float,
        default=None,
        metavar="S",
        help=f"standard deviation s of the initial weights (default: {defaults.INIT_SCALE})",
    )
    g.add_argument(
        "--dtype",
        choices=tuple(checks.DTYPES),
        default=None,
        help="floating-point type of the whole computation (default: float64 unless the command says)",
    )


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """``--out FILE.npz`` (written atomically, exactly as named) and ``-q/--quiet``."""
    parser.add_argument(
        "--out", type=Path, required=True, metavar="FILE.npz", help="output file, written as named"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar on stderr")


def model_fields(args: argparse.Namespace) -> dict[str, Any]:
    """The run-config fields the model options set (None: the config's default)."""
    fields: dict[str, Any] = {"data": args.data, "layers": args.layers, "dtype": args.dtype}
    if args.init_weights is not None:  # the file decides; --seed and --init-scale do not apply
        fields["weights"] = str(args.init_weights)
    else:
        fields |= {"seed": args.seed, "scale": args.init_scale}
    return fields
