"""Model options shared by the commands that run the network (``discrete``, ``integrate``).

Usage in a subcommand module::

    p = sub.add_parser(...)
    add_model_options(p)                       # --layers --data --init-weights --seed --init-scale --dtype
    ...
    dataset, params = model_from_args(args)    # validated; UsageError (exit 2) naming a bad value
    dtype = dtype_from_args(args, default=np.float64)

``params`` are in the chosen dtype; ``dataset.X`` stays float64 (the engines cast it).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ska_theory.errors import UsageError
from ska_theory.network.data import BUNDLED, DEFAULT_DATA, Dataset, load_dataset
from ska_theory.network.params import (
    DEFAULT_LAYERS,
    Params,
    check_layers,
    init_params,
    layer_sizes,
    load_params,
)

DTYPES: dict[str, type] = {"float64": np.float64, "float32": np.float32}
DEFAULT_SEED = 42
DEFAULT_INIT_SCALE = 0.01


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
        f"(default: {','.join(map(str, DEFAULT_LAYERS))}, or those of --init-weights)",
    )
    g.add_argument(
        "--data",
        default=DEFAULT_DATA,
        metavar="NAME|FILE.npz",
        help=f"bundled data set ({', '.join(BUNDLED)}: pixels/255) or an .npz with X (N, d) and "
        f"optional labels (N,) (default: {DEFAULT_DATA})",
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
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"seed of W ~ N(0, s²), b = 0 (default: {DEFAULT_SEED})",
    )
    g.add_argument(
        "--init-scale",
        type=float,
        default=DEFAULT_INIT_SCALE,
        metavar="S",
        help=f"standard deviation s of the initial weights (default: {DEFAULT_INIT_SCALE})",
    )
    g.add_argument(
        "--dtype",
        choices=tuple(DTYPES),
        default=None,
        help="floating-point type of the whole computation (default: float64 unless the command says)",
    )


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """``--out FILE.npz`` (written atomically, exactly as named) and ``-q/--quiet``."""
    parser.add_argument(
        "--out", type=Path, required=True, metavar="FILE.npz", help="output file, written as named"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar on stderr")


def dtype_from_args(args: argparse.Namespace, *, default: type = np.float64) -> type:
    """The --dtype scalar type, or ``default`` when the option was not given."""
    return DTYPES[args.dtype] if args.dtype is not None else default


def model_from_args(args: argparse.Namespace, *, default_dtype: type = np.float64) -> tuple[Dataset, Params]:
    """Load the data and build the initial parameters (in the --dtype) that fit it; UsageError if not."""
    dtype = dtype_from_args(args, default=default_dtype)
    dataset = load_dataset(args.data)
    if args.init_weights is not None:
        params = load_params(args.init_weights, dtype=dtype)
        sizes = layer_sizes(params)
        if args.layers is not None and tuple(args.layers) != sizes:
            raise UsageError(
                f"--layers {','.join(map(str, args.layers))}: differs from --init-weights "
                f"{str(args.init_weights)!r} ({','.join(map(str, sizes))})"
            )
        if sizes[0] != dataset.n_features:
            raise UsageError(
                f"--init-weights {str(args.init_weights)!r}: input size {sizes[0]} does not fit the data "
                f"({dataset.n_features} features)"
            )
        return dataset, params
    if args.seed < 0:
        raise UsageError(f"--seed {args.seed}: must be >= 0")
    sizes = check_layers(args.layers if args.layers is not None else DEFAULT_LAYERS, dataset.n_features)
    return dataset, init_params(sizes, seed=args.seed, scale=args.init_scale, dtype=dtype)
