"""Events of the flow, one per layer and crossing, found from what the run records (SKA-2 §2.4).

- ``tensor_net_zero``: Net_l(t) = 0 for t > 0, where Net_l is the running Tensor Net (eq. 8, continuous
  form eqs. 26–27). The event function is Net_l(t)/t: same roots and signs for t > 0, and its limit at
  t = 0 is the Tensor Net rate, so the trivial zero at the start is not an event.
- ``entropy_rate_min``: minima in t of r_l = dH_l/dt, i.e. zeros of dr_l/dt going from - to +.

Detection costs nothing beyond the run: every grid observation already gives Net_l and r_l, and a
solver step with no grid time in it adds its end as a detection point, so detection is at least as
fine as the solver's steps (which is where ``solve_ivp`` looks). A sign change of Net_l/t between
consecutive points, or a discrete minimum of r_l (r at a point below both neighbours), brackets an
event; at the ends of [0, T] the sign of dr_l/dt decides. As in ``solve_ivp``, two crossings between
consecutive points cancel and are not seen.

Location, on the steps' interpolants, to ``xtol`` = 1e-9·T, of a root of Net_l or of dr_l/dt: the
polynomial through up to six recorded values gives a first guess and the derivative there; Newton's
step from it is accepted when its error bound is below xtol, else secant steps follow, and Brent's
method on the whole bracket if they leave it.
dr_l/dt is the central difference of r_l along the solution, with step δ = ε^{1/3}·T (ε of the flow's
dtype): error O(δ²) from truncation and O(ε/δ) from rounding, balanced at that δ. Values are computed
for layers 1..l only, the part of the network layer l depends on.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping

import numpy as np
from scipy.optimize import brentq

from ska_theory.network.flow import Flow

EPS = float(np.finfo(float).eps)
EVENTS: tuple[str, ...] = ("tensor_net_zero", "entropy_rate_min")
XTOL = 1e-9  # event times are located to XTOL·T
MAX_SECANT = 8


class Pieces:
    """The solution on the last few solver steps: their interpolants, ``y(t)`` for t in their union."""

    def __init__(self, keep: int = 4) -> None:
        self._steps: deque[tuple[float, float, Callable[[float], np.ndarray]]] = deque(maxlen=keep)

    def add(self, t_old: float, t_new: float, sol: Callable[[float], np.ndarray]) -> None:
        self._steps.append((t_old, t_new, sol))

    def __call__(self, t: float) -> np.ndarray:
        for t_old, t_new, sol in reversed(self._steps):
            if t_old <= t <= t_new:
                return sol(t)
        first, last = self._steps[0][0], self._steps[-1][1]
        raise ValueError(f"t={t} is outside the kept steps [{first}, {last}]")


def crossings(g_old: np.ndarray, g_new: np.ndarray) -> np.ndarray:
    """Layers whose value changed sign (either way) between two points."""
    up = (g_old <= 0) & (g_new > 0) | (g_old < 0) & (g_new >= 0)
    down = (g_old >= 0) & (g_new < 0) | (g_old > 0) & (g_new <= 0)
    return np.flatnonzero(up | down)


class EventTracker:
    """Collects detection points (t, Net_l/t, r_l) and locates the events they bracket."""

    def __init__(self, flow: Flow, T: float, pieces: Pieces, start: Mapping[str, np.ndarray], y0: np.ndarray):
        """``start``: the observation at t = 0 (``flow.observe(y0)``)."""
        self.flow, self.T, self.pieces, self._y0 = flow, T, pieces, y0
        self.potential0, self.xtol = start["tensor_net_potential"], XTOL * T
        self.delta = float(np.cbrt(np.finfo(flow.dtype).eps)) * T
        self.t: list[float] = [0.0]
        self.g: list[np.ndarray] = [np.asarray(start["tensor_net_rate"], dtype=float)]  # Net/t at 0
        self.r: list[np.ndarray] = [np.asarray(start["entropy_rate"], dtype=float)]
        self.found: dict[str, list[list[float]]] = {
            name: [[] for _ in range(flow.n_layers)] for name in EVENTS
        }

    # -- detection ----------------------------------------------------------------------------

    def add_point(self, t: float, potential: np.ndarray, rate: np.ndarray) -> None:
        """A detection point at t > 0 with the recorded potentials and entropy rates."""
        g = (np.asarray(potential) - self.potential0) / t
        for layer in crossings(self.g[-1], g):
            self._add(
                "tensor_net_zero", int(layer), self._locate_zero(int(layer), self.t[-1], t, self.g[-1], g)
            )
        self.t.append(t)
        self.g.append(g)
        self.r.append(np.asarray(rate, dtype=float))
        r = self.r
        if len(r) == 2:  # rising from the start: a minimum inside (0, t_1) iff dr/dt(0) < 0
            for layer in np.flatnonzero(r[1] > r[0]):
                if self._slope_at_state(int(layer), self._y0, 0.0) < 0:
                    self._add("entropy_rate_min", int(layer), self._locate_min(int(layer), 0))
        if len(r) >= 3:
            for layer in np.flatnonzero((r[-3] > r[-2]) & (r[-1] > r[-2])):
                self._add("entropy_rate_min", int(layer), self._locate_min(int(layer), len(r) - 2))

    def finish(self, y_T: np.ndarray) -> dict[str, list[np.ndarray]]:
        """Close at T (falling into T: a minimum inside iff dr/dt(T) > 0); the events per layer."""
        r = self.r
        if len(r) >= 2:
            for layer in np.flatnonzero(r[-1] < r[-2]):
                if self._slope_at_state(int(layer), y_T, self.t[-1]) > 0:
                    self._add("entropy_rate_min", int(layer), self._locate_min(int(layer), len(r) - 1))
        return self.events()

    def events(self) -> dict[str, list[np.ndarray]]:
        """The events found so far: per name, per layer, sorted times."""
        return {k: [np.array(sorted(v)) for v in per_layer] for k, per_layer in self.found.items()}

    def _add(self, name: str, layer: int, t: float | None) -> None:
        if t is not None and t > 0.0:  # never the start itself (a layer at rest there)
            self.found[name][layer].append(t)

    # -- location -----------------------------------------------------------------------------

    def _locate_zero(self, layer: int, a: float, b: float, g_a: np.ndarray, g_b: np.ndarray) -> float | None:
        """The root of Net_l(t)/t in [a, b]; the end values are the recorded ones."""
        if g_a[layer] == 0.0 or g_b[layer] == 0.0:
            return a if g_a[layer] == 0.0 else b
        n = len(self.t)  # b is not recorded yet: the window is the last points and b
        t = np.array([*self.t[max(n - 5, 0) :], b])
        net = np.array(
            [
                *(row[layer] * tt for row, tt in zip(self.g[max(n - 5, 0) :], t[:-1], strict=True)),
                g_b[layer] * b,
            ]
        )
        guess = _interpolated_root(t, net, a, b)

        def net_at(s: float) -> float:
            y = self.pieces(s)
            return float(self.flow.tensor_net_potential(y, layer + 1)[layer] - self.potential0[layer])

        g = _Memo(lambda s: float(g_a[layer]) if s == a else float(g_b[layer]) if s == b else net_at(s) / s)
        if guess is not None:  # Newton on Net from the interpolated root, Net' from the interpolant
            t0, slope, uncertainty = guess
            root = self._newton_secant(_Memo(net_at), a, b, t0, slope, uncertainty)
            if root is not None:
                return root
        return float(brentq(g, a, b, xtol=self.xtol, rtol=4 * EPS))

    def _rate(self, layer: int, y: np.ndarray) -> float:
        return float(self.flow.entropy_rate(y, layer + 1)[layer])

    def _slope(self, layer: int, t: float) -> float:
        """dr_l/dt at t: central difference of r_l along the interpolated solution."""
        c = min(max(t, self.delta), self.t[-1] - self.delta)
        d = self.delta
        return (self._rate(layer, self.pieces(c + d)) - self._rate(layer, self.pieces(c - d))) / (2 * d)

    def _slope_at_state(self, layer: int, y: np.ndarray, t: float) -> float:
        """dr_l/dt at a stored state: central difference along the flow direction f(y)."""
        step = self.delta * self.flow(t, y)
        return (self._rate(layer, y + step) - self._rate(layer, y - step)) / (2 * self.delta)

    def _locate_min(self, layer: int, i: int) -> float | None:
        """The minimum of r_l bracketed by detection points i-1, i+1 (clipped to [0, t_last]): a root of
        dr_l/dt from the minimum of the polynomial through the recorded rates (Brent's if that fails)."""
        t, r = np.array(self.t), np.array([row[layer] for row in self.r])
        lo, hi = t[max(i - 1, 0)], t[min(i + 1, len(t) - 1)]
        window = slice(max(i - 4, 0), min(i + 2, len(t)))
        t0, curvature, uncertainty = _interpolated_minimum(t[window], r[window], lo, hi)
        slope = _Memo(lambda s: self._slope(layer, s))
        root = self._newton_secant(slope, lo, hi, t0, curvature, uncertainty)
        return root if root is not None else self._bracketed_min(slope, lo, hi)

    def _newton_secant(
        self, f: Callable[[float], float], lo: float, hi: float, t0: float, slope: float, uncertainty: float
    ) -> float | None:
        """A root of f in [lo, hi] from the guess t0, with ``slope`` ≈ f'(t0) known to ``uncertainty``
        (relative): Newton's step is accepted after one evaluation when its error bound, step x
        uncertainty (twice over), is below xtol; else secant steps to xtol. None if they leave [lo, hi]."""
        f0 = f(t0)
        if f0 == 0.0:
            return t0
        if slope != 0.0:
            step = -f0 / slope
            if lo <= t0 + step <= hi and abs(step) * 2 * max(uncertainty, 1e-6) < self.xtol:
                return float(t0 + step)
        else:
            step = -np.sign(f0) * (hi - lo) / 8
        t1 = min(max(t0 + step, lo), hi)
        for _ in range(MAX_SECANT):
            f1 = f(t1)
            if f1 == f0 or t1 == t0:
                return None
            t2 = t1 - f1 * (t1 - t0) / (f1 - f0)
            if not lo <= t2 <= hi:
                return None
            if abs(t2 - t1) < self.xtol:
                return float(t2)
            t0, f0, t1 = t1, f1, t2
        return None

    def _bracketed_min(self, slope: Callable[[float], float], lo: float, hi: float) -> float | None:
        """Brent's method on dr/dt over the whole bracket (the secant's fallback)."""
        s_lo, s_hi = slope(lo), slope(hi)
        if not s_lo < 0 < s_hi:
            return None  # the recorded minimum has no - to + zero of the slope under it
        return float(brentq(slope, lo, hi, xtol=self.xtol, rtol=4 * EPS))


class _Memo:
    """A function of t with its values kept (Brent asks again for the bracket's ends)."""

    def __init__(self, f: Callable[[float], float]) -> None:
        self.f = f
        self.seen: dict[float, float] = {}

    def __call__(self, t: float) -> float:
        t = float(t)
        if t not in self.seen:
            self.seen[t] = self.f(t)
        return float(self.seen[t])


def _interpolated_root(
    t: np.ndarray, v: np.ndarray, lo: float, hi: float
) -> tuple[float, float, float] | None:
    """A first guess of a root of v in (lo, hi]: the root of the polynomial through the points (up to
    six), its slope there and that slope's relative uncertainty (its change without the first point)."""

    def fit(tt: np.ndarray, vv: np.ndarray) -> tuple[float, float] | None:
        if len(tt) < 2:
            return None
        p = np.polynomial.Polynomial.fit(tt, vv, len(tt) - 1)
        roots = [complex(x) for x in p.roots()]
        inside = [x.real for x in roots if abs(x.imag) < 1e-12 and lo < x.real <= hi]
        if len(inside) != 1:
            return None
        return inside[0], float(p.deriv()(inside[0]))

    best = fit(t, v)
    if best is None or best[1] == 0.0:
        return None
    coarser = fit(t[1:], v[1:]) if len(t) > 2 else None
    uncertainty = abs(coarser[1] / best[1] - 1) if coarser is not None else 1.0
    return best[0], best[1], uncertainty


def _interpolated_minimum(t: np.ndarray, r: np.ndarray, lo: float, hi: float) -> tuple[float, float, float]:
    """A first guess of a minimum of r in [lo, hi]: the minimum of the polynomial through the points
    (up to six), its second derivative there, and that curvature's relative uncertainty (its change
    when the farthest point is left out); the lowest point if the polynomial has no minimum inside."""

    def fit(tt: np.ndarray, rr: np.ndarray) -> tuple[float, float] | None:
        if len(tt) < 3:
            return None
        p = np.polynomial.Polynomial.fit(tt, rr, len(tt) - 1)
        roots = [complex(x) for x in p.deriv().roots()]
        inside = [
            x.real for x in roots if abs(x.imag) < 1e-12 and lo <= x.real <= hi and p.deriv(2)(x.real) > 0
        ]
        if not inside:
            return None
        x = min(inside, key=p)
        return x, float(p.deriv(2)(x))

    best = fit(t, r)
    if best is None:
        x = float(t[np.argmin(r)])
        return min(max(x, lo), hi), 0.0, 1.0
    coarser = fit(t[1:], r[1:]) if len(t) > 3 else None
    uncertainty = abs(coarser[1] / best[1] - 1) if coarser is not None else 1.0
    return best[0], best[1], uncertainty
