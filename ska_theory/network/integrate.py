"""Integrate the continuous SKA flow of a whole network with SciPy's explicit adaptive solvers.

The front door is :func:`integrate_flow`. It drives the same ``OdeSolver`` classes as
``scipy.integrate.solve_ivp``, but records the per-layer metrics at the grid times as the solver
passes them (``solve_ivp(t_eval=...)`` would keep the whole state at every grid time: grid x ~235k
numbers), and finds the events from those records (:mod:`ska_theory.network.events`).

Cost, in right-hand sides (RHS): the integration is the solver's own evaluations (DOP853: 12 a step)
and its vector arithmetic (about one RHS a step on the paper's network); an observation is an RHS,
the dZ/dt products and the metrics, about 1.8 RHS; DOP853's interpolant, built for a step with a grid
time inside it (or for every step when events are on), is 3 evaluations and about 2 RHS of
arithmetic; an event costs a few slopes or potentials on the layers up to its own.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.integrate import DOP853, RK23, RK45, OdeSolver
from tqdm import tqdm

from ska_theory.errors import ArgumentError
from ska_theory.network import checks, defaults
from ska_theory.network.events import EVENTS, EventTracker, Pieces
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


def check_flow_arguments(T: float, method: str, rtol: float, atol: float, grid: int) -> None:
    """ArgumentError naming ``T``, ``method``, ``rtol``, ``atol`` or ``grid`` when one is unusable."""
    if method in IMPLICIT:
        raise ArgumentError(
            "method",
            method,
            f"implicit methods need a dense Jacobian of the whole state; use one of {', '.join(EXPLICIT)}",
            shown=str(method),
        )
    if method not in EXPLICIT:
        raise ArgumentError("method", method, f"unknown; use one of {', '.join(EXPLICIT)}")
    for name, value in (("T", T), ("rtol", rtol), ("atol", atol)):
        checks.positive(name, value)
    if checks.integer("grid", grid, 1) < 2:
        raise ArgumentError("grid", grid, "need at least 2 times (0 and T)")


def _check_start(params0: Params, X: np.ndarray) -> None:
    checks.finite("X", X)
    for i, lay in enumerate(params0):
        if not (np.all(np.isfinite(lay.W)) and np.all(np.isfinite(lay.b))):
            raise ArgumentError("params0", f"layer {i}", "has non-finite values", shown=f"<layer {i}>")


def integrate_flow(
    params0: Params,
    X: np.ndarray,
    *,
    T: float,
    method: str = defaults.METHOD,
    rtol: float = defaults.RTOL,
    atol: float = defaults.ATOL,
    grid: int = defaults.GRID,
    dtype: type = np.float64,
    progress: bool = False,
    events: bool = defaults.EVENTS,
) -> FlowRun:
    """Solve dW_l/dt = -D_{l-1}ᵀ G_l / N, db_l/dt = -mean G_l (SKA-2 eqs. 2–4, 31) on [0, T].

    Metrics (flow.METRICS) are recorded at ``np.linspace(0, T, grid)``; ``tensor_net`` is the running
    Tensor Net ∫ Σ (D - ∇_z H) ⊙ dZ/dt dt, computed in closed form from Z at t and at 0 (its integrand
    is an exact derivative, see ``metrics.tensor_net_potential``), so it is as accurate as the state.
    A NaN or infinity stops the run with status 'failed' and a message naming t and the layer; what
    was computed up to the last accepted step is returned. With float32, rtol and atol are raised to
    at least :data:`FLOAT32_TOL_FLOOR` (with a warning), below which steps only chase rounding noise.
    ``events=False`` skips the events (their lists stay empty). Bad arguments raise ArgumentError (a
    ValueError) naming ``T``, ``method``, ``rtol``, ``atol``, ``grid``, ``dtype``, ``X`` or ``params0``.
    """
    X = np.asarray(X)
    check_flow_arguments(T, method, rtol, atol, grid)
    _check_start(params0, X)
    flow = Flow(layer_sizes(params0), X, dtype=dtype)
    note = ""
    if flow.dtype == np.float32 and (rtol < FLOAT32_TOL_FLOOR[0] or atol < FLOAT32_TOL_FLOOR[1]):
        rtol, atol = max(rtol, FLOAT32_TOL_FLOOR[0]), max(atol, FLOAT32_TOL_FLOOR[1])
        note = f"; float32: tolerances raised to rtol {rtol:g}, atol {atol:g}"
        warnings.warn(note[2:], stacklevel=2)
    rtol_v, atol_v = layer_tolerances(flow, rtol, atol)
    run = _Integration(flow, flow.pack(params0).astype(np.float64), float(T), grid, events)
    return run.solve(lambda: EXPLICIT[method](flow, 0.0, run.y0, T, rtol=rtol_v, atol=atol_v), progress, note)


class _Integration:
    """One run: the solver's steps, the grid observations, the events."""

    def __init__(self, flow: Flow, y0: np.ndarray, T: float, grid: int, events: bool) -> None:
        self.flow, self.y0, self.T = flow, y0, T
        self.t_grid = np.linspace(0.0, T, grid)
        obs0 = flow.observe(y0)
        self.potential0 = obs0["tensor_net_potential"]
        self.rows: list[dict[str, np.ndarray]] = [obs0 | {"tensor_net": np.zeros(flow.n_layers)}]
        self.pieces = Pieces()
        self.tracker = EventTracker(flow, T, self.pieces, obs0, y0) if events else None

    def observe(self, t: float, y: np.ndarray) -> None:
        """Record the grid time t; its Net and entropy rates are a detection point for the events."""
        obs = self.flow.observe(y)
        potential = obs.pop("tensor_net_potential")
        obs["tensor_net"] = potential - self.potential0
        self.rows.append(obs)
        if self.tracker is not None:
            self.tracker.add_point(t, potential, obs["entropy_rate"])

    def step_done(self, solver: OdeSolver) -> None:
        """Observe the grid times the step passed; a step with none is a detection point itself."""
        t_old, t_new = solver.t_old, solver.t
        sol = _LazyDenseOutput(solver)
        if self.tracker is not None:
            sol.build()  # the events may need this step after the solver has moved on
            self.pieces.add(t_old, t_new, sol)
        passed = 0
        while len(self.rows) < len(self.t_grid) and self.t_grid[len(self.rows)] <= t_new:
            tg = float(self.t_grid[len(self.rows)])
            self.observe(tg, solver.y if tg == t_new else sol(tg))
            passed += 1
        if self.tracker is not None and passed == 0:
            obs = self.flow.observe(solver.y)
            self.tracker.add_point(t_new, obs["tensor_net_potential"], obs["entropy_rate"])

    def solve(self, make_solver: Callable[[], OdeSolver], progress: bool, note: str) -> FlowRun:
        status, message, n_steps = "finished", "", 0
        y_now, t_now = self.y0, 0.0
        solver: OdeSolver | None = None
        found: dict[str, list[np.ndarray]] | None = None
        bar = tqdm(total=self.T, unit="t", delay=1.0, disable=not progress, file=sys.stderr, leave=False)
        try:
            solver = make_solver()
            while solver.status == "running":
                step_message = solver.step()
                if solver.status == "failed":
                    status, message = (
                        "failed",
                        f"{solver.__class__.__name__} failed at t={solver.t:.6g}: {step_message}",
                    )
                    break
                n_steps += 1
                self.step_done(solver)
                t_now, y_now = solver.t, solver.y
                bar.update(t_now - bar.n)
            found = self.tracker.finish(y_now) if self.tracker is not None and status == "finished" else None
        except NonFiniteState as e:
            status = "failed"
            message = f"{e}; stopped, the state is kept from the last accepted step t={t_now:.6g}"
        finally:
            bar.close()
        nfev = int(solver.nfev) if solver is not None else 0
        if status == "finished" and solver is not None:
            message = f"{solver.__class__.__name__}: {n_steps} steps, {nfev} evaluations"
        if found is None:
            found = self.tracker.events() if self.tracker is not None else _no_events(self.flow)
        n = len(self.rows)
        return FlowRun(
            t=self.t_grid[:n],
            metrics={k: np.stack([r[k] for r in self.rows], axis=1) for k in METRICS},
            events=found,
            nfev=nfev,
            params=self.flow.unpack(y_now),
            status=status,
            message=message + note,
            n_steps=n_steps,
            t_final=float(t_now),
        )


def _no_events(flow: Flow) -> dict[str, list[np.ndarray]]:
    return {name: [np.array([]) for _ in range(flow.n_layers)] for name in EVENTS}


class _LazyDenseOutput:
    """The last step's interpolant, built on first use (DOP853's costs 3 more evaluations)."""

    def __init__(self, solver: OdeSolver):
        self._solver = solver
        self._sol: Callable[[float], np.ndarray] | None = None

    def build(self) -> None:
        if self._sol is None:
            self._sol = self._solver.dense_output()

    def __call__(self, t: float) -> np.ndarray:
        self.build()
        assert self._sol is not None
        return self._sol(t)
