"""``ska-theory integrate``: integrate the continuous SKA flow and write its metrics to an .npz."""

from __future__ import annotations

import argparse
import sys
import warnings

import numpy as np

from ska_theory.cli.model_options import add_model_options, add_output_options, model_fields
from ska_theory.io import atomic_write_npz, check_writable
from ska_theory.network import defaults
from ska_theory.network.integrate import EXPLICIT
from ska_theory.runs import FlowConfig, RunResult, run

EPILOG = """\
output (.npz), L = number of layers, G = --grid; no object arrays (loads without allow_pickle):
  key                        shape     what (per layer; sums over samples and neurons)
  t                          (G,)      grid times linspace(0, T, G) (fewer if the run failed)
  shannon_entropy            (L, G)    Σ H_b(D) in bits
  entropy_rate               (L, G)    dH/dt = -(1/ln2) Σ Z ⊙ dD/dt
  z_fro                      (L, G)    ‖Z‖_F
  knowledge_flow             (L, G)    ‖dZ/dt‖_F (SKA-2 eq. 6), through the moving layer input
  cosine                     (L, G)    Frobenius cosine of Z and dD/dt
  tensor_net_rate            (L, G)    Σ (D - ∇_z H) ⊙ dZ/dt, ∇_z H = -(1/ln2) Z D(1-D) (eq. 8)
  tensor_net                 (L, G)    running ∫ tensor_net_rate dt from 0 (exact closed form)
  events_tensor_net_zero_l   (n_l,)    layer l (0-based): times t > 0 where tensor_net = 0
  events_entropy_rate_min_l  (n_l,)    layer l: times of the minima of entropy_rate
  nfev                       ()        right-hand-side evaluations by the solver
  n_steps                    ()        accepted solver steps
  t_final                    ()        time of W_T.., b_T.. (T unless the run failed)
  status                     ()        'finished' or 'failed' (str)
  message                    ()        the solver's or the failure's message (str)
  W_T0.., b_T0..                       weights (fan_in, fan_out) and biases at t_final

Events: zero crossings of each layer's running Tensor Net and minima of each layer's entropy rate
(zeros, - to +, of its time derivative). They are detected where the recorded grid (or a solver step
with no grid time) shows a sign change, and located on the steps' interpolants to 1e-9·T.
--no-events skips them (empty arrays). Only explicit methods: implicit ones would need a
dense Jacobian of the whole state (~235k numbers for 784,256,128,64,10). rtol and atol hold for
every layer in its own RMS norm. The metrics are float64 whatever --dtype (sums accumulated in
float64); with --dtype float32 every product of the flow is float32 (SciPy keeps its own state in
float64) and rtol, atol are raised to at least 1e-6, 1e-8 (tighter ones only chase rounding noise).

exit status: 0 written, 1 the run failed (a NaN or infinity, or the solver gave up: the part
computed is written, status 'failed'), 2 usage or input error (nothing written)."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "integrate",
        help="integrate the continuous SKA flow of the network (SciPy, adaptive) and save its metrics",
        description="Integrate dW_l/dt = -D_{l-1}ᵀ ∇_z H_l / N, db_l/dt = -mean ∇_z H_l (SKA-2 eqs. 2–4, 31) "
        "on [0, T] with an adaptive explicit Runge–Kutta method, and write the per-layer metrics on a "
        "uniform grid, the events and the final weights to an .npz.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--T", type=float, required=True, help="end time T (SKA-2's characteristic time: 0.5)")
    p.add_argument(
        "--method",
        default=defaults.METHOD,
        help=f"explicit Runge–Kutta method: {', '.join(EXPLICIT)} (default: {defaults.METHOD})",
    )
    p.add_argument(
        "--rtol",
        type=float,
        default=defaults.RTOL,
        help=f"relative tolerance per layer (default: {defaults.RTOL:g})",
    )
    p.add_argument(
        "--atol",
        type=float,
        default=defaults.ATOL,
        help=f"absolute tolerance per layer (default: {defaults.ATOL:g})",
    )
    p.add_argument(
        "--grid",
        type=int,
        default=defaults.GRID,
        metavar="G",
        help=f"number of grid times (default: {defaults.GRID})",
    )
    p.add_argument(
        "--events",
        action=argparse.BooleanOptionalAction,
        default=defaults.EVENTS,
        help="locate the events (Tensor Net zeros, entropy-rate minima); --no-events leaves their arrays "
        "empty and costs nothing beyond the grid (default: on)",
    )
    add_model_options(p)
    add_output_options(p)
    p.set_defaults(func=run_command)


def run_arrays(run: RunResult[FlowConfig]) -> dict[str, np.ndarray]:
    """The .npz content of a run: the keys documented in ``--help``."""
    arrays: dict[str, np.ndarray] = {"t": run.t, **run.metrics}
    for name, per_layer in run.events.items():
        for i, times in enumerate(per_layer):
            arrays[f"events_{name}_{i}"] = np.asarray(times, dtype=np.float64)
    arrays |= {
        "nfev": np.array(run.nfev),
        "n_steps": np.array(run.n_steps),
        "t_final": np.array(run.t_final),
        "status": np.array(run.status),
        "message": np.array(run.message),
    }
    for i, lay in enumerate(run.params):
        arrays[f"W_T{i}"], arrays[f"b_T{i}"] = lay.W, lay.b
    return arrays


def run_command(args: argparse.Namespace) -> int:
    check_writable(args.out)
    config = FlowConfig(
        **model_fields(args),
        T=args.T,
        method=args.method,
        rtol=args.rtol,
        atol=args.atol,
        grid=args.grid,
        events=args.events,
    )
    with warnings.catch_warnings():  # a raised float32 tolerance is told in the closing message
        warnings.simplefilter("ignore", UserWarning)
        result = run(config, progress=not args.quiet)
    atomic_write_npz(args.out, run_arrays(result))
    if result.status != "finished":
        print(f"ska-theory: integrate: {result.message}; partial run written to {args.out}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"wrote {args.out} ({result.message})", file=sys.stderr)
    return 0
