"""Events of the flow, one value per layer, located on a solver step's dense output (SKA-2 §2.4).

- ``tensor_net_zero``: Net_l(t) = 0 for t > 0, where Net_l is the running Tensor Net (eq. 8, continuous
  form eqs. 26–27). The event function is Net_l(t)/t: same roots and signs for t > 0, and its limit at
  t = 0 is the Tensor Net rate, so the trivial zero at the start is not an event and a crossing in the
  first step still has a bracket.
- ``entropy_rate_min``: minima in t of dH_l/dt, i.e. zeros of d/dt (dH_l/dt) going from - to +. That
  derivative is the central difference of the entropy-rate function along the flow,
  [r(y + δ f(y)) - r(y - δ f(y))] / 2δ, with δ = ε^{1/3}·T (ε of the flow's dtype): error O(δ²) from
  truncation and O(ε/δ) from rounding, balanced at that δ.

Location copies ``solve_ivp``: a sign change between two step ends (in the event's direction) is
refined by Brent's method on the step's interpolant to 4 ε in t. Like ``solve_ivp``, two roots inside
one step cancel and are not seen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from ska_theory.network.flow import Flow

EPS = float(np.finfo(float).eps)
EVENTS: tuple[str, ...] = ("tensor_net_zero", "entropy_rate_min")


@dataclass(frozen=True)
class Event:
    """A per-layer event: ``values(t, y)`` -> (L,); a root counts when its sign changes as ``direction``
    says (+1 from - to +, -1 from + to -, 0 either way)."""

    name: str
    values: Callable[[float, np.ndarray], np.ndarray]
    direction: int


def flow_events(flow: Flow, potential0: np.ndarray, rate0: np.ndarray, T: float) -> tuple[Event, ...]:
    """The events of :data:`EVENTS` for a run of ``flow`` over [0, T] from a state whose Tensor Net
    potential is ``potential0`` and whose Tensor Net rate is ``rate0`` (per layer)."""

    def tensor_net_over_t(t: float, y: np.ndarray) -> np.ndarray:
        if t == 0.0:
            return rate0
        return (flow.tensor_net_potential(y) - potential0) / t

    delta = float(np.cbrt(np.finfo(flow.dtype).eps)) * T

    def entropy_rate_slope(t: float, y: np.ndarray) -> np.ndarray:
        step = delta * flow(t, y)
        return (flow.entropy_rate(y + step) - flow.entropy_rate(y - step)) / (2 * delta)

    return (
        Event("tensor_net_zero", tensor_net_over_t, 0),
        Event("entropy_rate_min", entropy_rate_slope, +1),
    )


def crossings(g_old: np.ndarray, g_new: np.ndarray, direction: int) -> np.ndarray:
    """Layers whose event value changed sign between two step ends, in ``direction``."""
    up = (g_old <= 0) & (g_new > 0) | (g_old < 0) & (g_new >= 0)
    down = (g_old >= 0) & (g_new < 0) | (g_old > 0) & (g_new <= 0)
    mask = up if direction > 0 else down if direction < 0 else up | down
    return np.flatnonzero(mask)


def locate(event: Event, layer: int, sol: Callable[[float], np.ndarray], t_old: float, t_new: float) -> float:
    """The root of layer ``layer``'s event value on the step [t_old, t_new] (Brent, 4 ε in t)."""

    def g(t: float) -> float:
        return float(event.values(t, sol(t))[layer])

    g_old, g_new = g(t_old), g(t_new)
    if g_old == 0.0 or g_new == 0.0 or np.sign(g_old) == np.sign(g_new):
        # the interpolant's end values round differently from the step's own: take the smaller end
        return t_old if abs(g_old) < abs(g_new) else t_new
    return float(brentq(g, t_old, t_new, xtol=4 * EPS, rtol=4 * EPS))
