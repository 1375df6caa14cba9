"""Integrate the continuous SKA flow of a whole network with SciPy's explicit adaptive solvers.

The front door is :func:`integrate_flow`. It drives the same ``OdeSolver`` classes and the same event
location as ``scipy.integrate.solve_ivp``, but records the per-layer metrics at the grid times as the
solver passes them: ``solve_ivp(t_eval=...)`` would keep the whole state at every grid time
(grid x ~235k numbers, ~1 GB for the default grid on the paper's network).
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.integrate import DOP853, RK23, RK45, OdeSolver
from tqdm import tqdm

from ska_theory.errors import UsageError
from ska_theory.network.events import EVENTS, crossings, flow_events, locate
from ska_theory.network.flow import METRICS, Flow, NonFiniteState
from ska_theory.network.params import Params, layer_sizes

EXPLICIT: dict[str, type[OdeSolver]] = {"DOP853": DOP853, "RK45": RK45, "RK23": RK23}
IMPLICIT = ("Radau", "BDF", "LSODA")
# A float32 RHS carries relative noise ~1e-7 (sums of ~1000 rounded products): tighter tolerances
# only make the error estimate chase that noise (20-layer test net: rtol 1e-6 -> 77 evaluations,
# 1e-8 -> 2213, 1e-10 -> 97169). SciPy raises rtol < 100 ε in float64 the same way.
FLOAT32_TOL_FLOOR = (1e-6, 1e-8)  # (rtol, atol)


@dataclass(frozen=True)
class FlowRun:
    """The result of :func:`integrate_flow`; arrays indexed by layer (0-based) then grid time."""

    t: np.ndarray  # the user grid (t_eval) up to where the run got, never the solver's own steps
    metrics: dict[str, np.ndarray]  # each (L, len(t)); keys: flow.METRICS
    events: dict[str, list[np.ndarray]]  # 'tensor_net_zero', 'entropy_rate_min': per layer, times
    nfev: int  # RHS evaluations by the solver, with DOP853's 3 per interpolated step; not metrics/events
    params: Params  # at T, or at the last accepted step when the run failed
    status: str  # 'finished' or 'failed'
    message: str
    n_steps: int = 0  # accepted solver steps
    t_final: float = 0.0  # time of ``params``


def layer_tolerances(flow: Flow, rtol: float, atol: float) -> tuple[np.ndarray, np.ndarray]:
    """Per-component (rtol, atol): each layer's share scaled by sqrt(n_l / n).

    SciPy accepts a step when the RMS over all n components of err_i / (atol_i + rtol_i |y_i|) is
    below 1. With both tolerances of layer l scaled by sqrt(n_l / n) (n_l its integrated components;
    the unused W_1 rows have error 0), that test becomes Σ_l RMS_l² < 1, where RMS_l is layer l's own
    RMS over its components: every layer meets (rtol, atol) on its own, and the 650 numbers of the
    output layer are not drowned by the 156k of the first.
    """
    weight = np.sqrt(flow.layer_counts() / flow.size)[flow.layer_of_component()]
    return rtol * weight, atol * weight


def _check(params0: Params, X: np.ndarray, T: float, method: str, rtol: float, atol: float, grid: int):
    if method in IMPLICIT:
        raise UsageError(
            f"--method {method}: implicit methods need a dense Jacobian of the whole state; "
            f"use one of {', '.join(EXPLICIT)}"
        )
    if method not in EXPLICIT:
        raise UsageError(f"--method {method!r}: unknown; use one of {', '.join(EXPLICIT)}")
    if not (np.isfinite(T) and T > 0):
        raise UsageError(f"--T {T}: must be a positive number")
    for name, v in (("rtol", rtol), ("atol", atol)):
        if not (np.isfinite(v) and v > 0):
            raise UsageError(f"--{name} {v}: must be a positive number")
    if grid < 2:
        raise UsageError(f"--grid {grid}: need at least 2 times (0 and T)")
    if not np.all(np.isfinite(X)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(X))[0])
        raise UsageError(f"data: non-finite value {X[bad]} at index {bad}")
    for i, lay in enumerate(params0):
        if not (np.all(np.isfinite(lay.W)) and np.all(np.isfinite(lay.b))):
            raise UsageError(f"initial weights: layer {i} has non-finite values")


def integrate_flow(
    params0: Params,
    X: np.ndarray,
    *,
    T: float,
    method: str = "DOP853",
    rtol: float = 1e-8,
    atol: float = 1e-10,
    grid: int = 501,
    dtype: type = np.float64,
    progress: bool = False,
    events: bool = True,
) -> FlowRun:
    """Solve dW_l/dt = -D_{l-1}ᵀ G_l / N, db_l/dt = -mean G_l (SKA-2 eqs. 2–4, 31) on [0, T].

    Metrics (flow.METRICS) are recorded at ``np.linspace(0, T, grid)``; ``tensor_net`` is the running
    Tensor Net ∫ Σ (D - ∇_z H) ⊙ dZ/dt dt, computed in closed form from Z at t and at 0 (its integrand
    is an exact derivative, see ``metrics.tensor_net_potential``), so it is as accurate as the state.
    A NaN or infinity stops the run with status 'failed' and a message naming t and the layer; what
    was computed up to the last accepted step is returned. With float32, rtol and atol are raised to
    at least :data:`FLOAT32_TOL_FLOOR` (with a warning), below which steps only chase rounding noise.
    ``events=False`` skips locating the events (their lists stay empty): each step then costs only the
    solver's own evaluations.
    """
    X = np.asarray(X)
    _check(params0, X, T, method, rtol, atol, grid)
    flow = Flow(layer_sizes(params0), X, dtype=dtype)
    note = ""
    if flow.dtype == np.float32 and (rtol < FLOAT32_TOL_FLOOR[0] or atol < FLOAT32_TOL_FLOOR[1]):
        rtol, atol = max(rtol, FLOAT32_TOL_FLOOR[0]), max(atol, FLOAT32_TOL_FLOOR[1])
        note = f"; float32: tolerances raised to rtol {rtol:g}, atol {atol:g}"
        warnings.warn(note[2:], stacklevel=2)
    y0 = flow.pack(params0).astype(np.float64)
    t_grid = np.linspace(0.0, T, grid)
    rtol_v, atol_v = layer_tolerances(flow, rtol, atol)

    obs0 = flow.observe(y0)
    potential0 = obs0.pop("tensor_net_potential")
    rows: list[dict[str, np.ndarray]] = [obs0 | {"tensor_net": np.zeros(flow.n_layers)}]

    def record(y: np.ndarray) -> None:
        obs = flow.observe(y)
        obs["tensor_net"] = obs.pop("tensor_net_potential") - potential0
        rows.append(obs)

    watched = flow_events(flow, potential0, obs0["tensor_net_rate"], T) if events else ()
    found: dict[str, list[list[float]]] = {name: [[] for _ in range(flow.n_layers)] for name in EVENTS}
    status, message, n_steps = "finished", "", 0
    t_now, y_now = 0.0, y0
    solver: OdeSolver | None = None
    bar = tqdm(total=T, unit="t", delay=1.0, disable=not progress, file=sys.stderr, leave=False)
    try:
        g_old = [e.values(0.0, y0) for e in watched]
        solver = EXPLICIT[method](flow, 0.0, y0, T, rtol=rtol_v, atol=atol_v)
        while solver.status == "running":
            step_message = solver.step()
            if solver.status == "failed":
                status, message = "failed", f"{method} failed at t={solver.t:.6g}: {step_message}"
                break
            n_steps += 1
            t_old, t_now, y_now = solver.t_old, solver.t, solver.y
            sol = _LazyDenseOutput(solver)  # DOP853's interpolant costs 3 more evaluations: only if used
            for j, e in enumerate(watched):
                new = e.values(t_now, y_now)
                for layer in crossings(g_old[j], new, e.direction):
                    root = locate(e, int(layer), sol, t_old, t_now)
                    if root > 0.0:  # never the start itself (a layer at rest there)
                        found[e.name][layer].append(root)
                g_old[j] = new
            while len(rows) < grid and t_grid[len(rows)] <= t_now:
                tg = t_grid[len(rows)]
                record(y_now if tg == t_now else sol(tg))
            bar.update(t_now - bar.n)
    except NonFiniteState as e:
        status = "failed"
        message = f"{e}; stopped, the state is kept from the last accepted step t={t_now:.6g}"
    finally:
        bar.close()
    if status == "finished":
        message = f"{method}: {n_steps} steps, {solver.nfev if solver else 0} evaluations"
    message += note

    n = len(rows)
    metrics = {k: np.stack([r[k] for r in rows], axis=1) for k in METRICS}
    return FlowRun(
        t=t_grid[:n],
        metrics=metrics,
        events={k: [np.array(v) for v in found[k]] for k in EVENTS},
        nfev=int(solver.nfev) if solver is not None else 0,
        params=flow.unpack(y_now),
        status=status,
        message=message,
        n_steps=n_steps,
        t_final=float(t_now),
    )


class _LazyDenseOutput:
    """The last step's interpolant, built on first use."""

    def __init__(self, solver: OdeSolver):
        self._solver = solver
        self._sol: Callable[[float], np.ndarray] | None = None

    def __call__(self, t: float) -> np.ndarray:
        if self._sol is None:
            self._sol = self._solver.dense_output()
        return self._sol(t)
