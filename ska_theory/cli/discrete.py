"""``ska-theory discrete``: run the discrete SKA algorithm and write its metric histories to an .npz."""

from __future__ import annotations

import argparse
import sys

import numpy as np

from ska_theory.cli.model_options import add_model_options, add_output_options, model_fields
from ska_theory.errors import UsageError
from ska_theory.io import atomic_write_npz, check_writable
from ska_theory.network import defaults
from ska_theory.network.discrete import VARIANTS
from ska_theory.network.params import save_params
from ska_theory.runs import DiscreteConfig, RunResult, run

EPILOG = """\
output (.npz), L = number of layers, K = --steps, every array in the run's dtype:
  key                    paper        reference-code   what (per layer; sums over samples and neurons)
  t                      (K,)         (K-1,)           times η·k of the step columns
  t_state                (K+1,)       (K,)             times η·k of the state columns / output_mean rows
  entropy                (L, K)       (L, K-1)         step: -(1/ln2) Σ Z_k ⊙ (D_k - D_{k-1})
  cosine                 (L, K)       (L, K-1)         step: Frobenius cosine of Z_k and ΔD_k
  knowledge_flow         (L, K)       (L, K-1)         step: ‖Z_k - Z_{k-1}‖_F / η
  tensor_net             (L, K)       (L, K-1)         step: Σ (D_k - ∇_z H) ⊙ ΔZ_k, ∇_z H = -(1/ln2) Z D(1-D)
  tensor_net_code_sign   (L, K)       (L, K-1)         step: same with the authors' code's +(1/ln2) Z D(1-D)
  z_fro                  (L, K+1)     (L, K)           state: ‖Z_k‖_F
  shannon_entropy        (L, K+1)     (L, K)           state: Σ H_b(D_k) in bits
  weight_fro             (L, K+1)     (L, K-1)         ‖W‖_F; paper: of W_0..W_K; reference-code:
                                                       after each update (as the authors record it)
  output_mean            (K+1, n_out) (K, n_out)       mean output of each output neuron per pass
  W0.., b0..             final weights (fan_in, fan_out) and biases

paper: K Euler steps W_{k+1} = W_k + η dW/dt (SKA-2 eq. 1), passes on W_0..W_K; step k compares
pass k with pass k-1 (k = 1..K). reference-code: the authors' loop, K passes k = 0..K-1, updates
after passes 1..K-1 with the previous pass's inputs and an extra ΔD term; step columns k = 1..K-1
(the first is exactly 0: no update before it). Default --dtype: float64 for paper, float32 for
reference-code (the authors' PyTorch precision).

exit status: 0 written, 2 usage or input error (nothing written)."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "discrete",
        help="run the discrete SKA algorithm (paper or the authors' code) and save its histories",
        description="Run K steps of the discrete SKA algorithm with step size η and write the "
        "per-layer metric histories and final weights to an .npz.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--variant", required=True, choices=tuple(VARIANTS), help="which algorithm")
    p.add_argument("--eta", type=float, default=defaults.ETA, help=f"step size η (default: {defaults.ETA})")
    p.add_argument(
        "--steps",
        type=int,
        default=defaults.STEPS,
        metavar="K",
        help=f"number of steps K (default: {defaults.STEPS})",
    )
    add_model_options(p)
    add_output_options(p)
    p.set_defaults(func=run_command)


def run_arrays(result: RunResult[DiscreteConfig]) -> dict[str, np.ndarray]:
    """The .npz content of a run: the keys and shapes documented in ``--help``."""
    assert result.t_state is not None and result.output_mean is not None
    return {
        "t": result.t,
        "t_state": result.t_state,
        **result.metrics,
        "output_mean": result.output_mean,
        **save_params(result.params),
    }


def run_command(args: argparse.Namespace) -> int:
    check_writable(args.out)
    config = DiscreteConfig(**model_fields(args), variant=args.variant, eta=args.eta, steps=args.steps)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run is reported below
        result = run(config, progress=not args.quiet)
    arrays = run_arrays(result)
    bad = [k for k, a in arrays.items() if not np.all(np.isfinite(a))]
    if bad:
        raise UsageError(f"--eta {args.eta}: the run diverged (non-finite values in {', '.join(bad)})")
    atomic_write_npz(args.out, arrays)
    if not args.quiet:
        print(f"wrote {args.out} ({args.variant}, η={args.eta}, K={args.steps})", file=sys.stderr)
    return 0
