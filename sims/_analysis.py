"""Turning runs into numbers: trajectory errors, convergence orders, peaks, crossings, linear rates, probes,
rate laws, U shapes, and the flow's exact identities evaluated on a state.

Pure functions of arrays, each tested on hand-computed cases (tests/test_sims_analysis.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.linalg import cho_factor, cho_solve
from scipy.signal import find_peaks

from ska_theory.network.forward import forward
from ska_theory.network.params import Params
from ska_theory.network.velocity import velocity

LN2 = float(np.log(2.0))


# --- trajectories ------------------------------------------------------------------------------


def relative_sup_error(t: np.ndarray, y: np.ndarray, t_ref: np.ndarray, y_ref: np.ndarray) -> float:
    """max_t |y(t) - y_ref(t)| / max |y_ref| over the times ``t`` inside ``t_ref`` (y_ref interpolated)."""
    inside = (t >= t_ref[0] - 1e-12) & (t <= t_ref[-1] + 1e-12)
    if not np.any(inside):
        raise ValueError("no common times")
    ref = np.interp(t[inside], t_ref, y_ref)
    scale = float(np.max(np.abs(y_ref)))
    return float(np.max(np.abs(y[inside] - ref)) / scale) if scale > 0 else 0.0


def absolute_sup_error(t: np.ndarray, y: np.ndarray, t_ref: np.ndarray, y_ref: np.ndarray) -> float:
    """max_t |y(t) - y_ref(t)| over the times ``t`` inside ``t_ref`` (for bounded quantities: cosines)."""
    inside = (t >= t_ref[0] - 1e-12) & (t <= t_ref[-1] + 1e-12)
    return float(np.max(np.abs(y[inside] - np.interp(t[inside], t_ref, y_ref))))


def convergence_order(steps: Sequence[float], errors: Sequence[float]) -> float:
    """Least-squares slope p of log(error) = p log(step) + c (the observed order of accuracy)."""
    with np.errstate(divide="ignore"):
        h, e = np.log(np.asarray(steps, float)), np.log(np.asarray(errors, float))
    if len(h) < 2 or not np.all(np.isfinite(e)):
        return float("nan")
    return float(np.polyfit(h, e, 1)[0])


def power_law_exponent(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    """Exponent a of y ∝ x^a fitted in log-log (NaN when a value is missing or not positive)."""
    xa, ya = np.asarray(x, float), np.asarray(y, float)
    if len(xa) < 2 or not np.all(np.isfinite(ya)) or np.any(ya <= 0):
        return float("nan")
    return float(np.polyfit(np.log(xa), np.log(ya), 1)[0])


def pair_orders(steps: Sequence[float], values: Sequence[float]) -> list[float]:
    """Exponent of value ∝ step^p between each pair of neighbouring steps (coarsest pair first)."""
    order = np.argsort(steps)[::-1]
    h, v = np.asarray(steps, float)[order], np.asarray(values, float)[order]
    return [power_law_exponent(h[i : i + 2], v[i : i + 2]) for i in range(len(h) - 1)]


def step_for_tolerance(steps: Sequence[float], errors: Sequence[float], tolerance: float) -> float:
    """The step at which the fitted error law C·step^p reaches ``tolerance`` (NaN if the error does not
    shrink with the step)."""
    h, e = np.log(np.asarray(steps, float)), np.log(np.asarray(errors, float))
    if len(h) < 2 or not np.all(np.isfinite(e)):
        return float("nan")
    p, c = np.polyfit(h, e, 1)
    return float(np.exp((np.log(tolerance) - c) / p)) if p > 0 else float("nan")


# --- rate laws --------------------------------------------------------------------------------------


def _window(t: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return (np.asarray(t) >= lo - 1e-12) & (np.asarray(t) <= hi + 1e-12)


def tail_exponent(t: np.ndarray, y: np.ndarray, lo: float, hi: float) -> float:
    """Exponent a of |y| ∝ t^a fitted in log-log on the samples with lo ≤ t ≤ hi."""
    w = _window(t, lo, hi)
    return power_law_exponent(np.asarray(t)[w], np.abs(np.asarray(y)[w]))


def log_slope(t: np.ndarray, y: np.ndarray, lo: float, hi: float) -> float:
    """Slope b of y ≈ a + b ln t fitted on the samples with lo ≤ t ≤ hi (growth per e-fold of t)."""
    w = _window(t, lo, hi)
    return float(np.polyfit(np.log(np.asarray(t)[w]), np.asarray(y)[w], 1)[0])


def threshold_time(t: np.ndarray, y: np.ndarray, fraction: float) -> float:
    """First time after the maximum of y at which y falls to ``fraction`` of it (linear interpolation);
    NaN when it does not within the samples."""
    t, y = np.asarray(t, float), np.asarray(y, float)
    i = int(np.argmax(y))
    level = fraction * y[i]
    below = np.flatnonzero(y[i:] <= level)
    if not below.size:
        return float("nan")
    j = i + int(below[0])
    return float(t[j - 1] + (t[j] - t[j - 1]) * (y[j - 1] - level) / (y[j - 1] - y[j]))


def turning_points(y: np.ndarray, rel: float = 1e-6) -> tuple[list[int], list[int]]:
    """Indices of the interior local maxima and minima of y whose prominence is at least ``rel`` times the
    range of y (rounding in a flat tail is not a turning point)."""
    y = np.asarray(y, float)
    floor = rel * float(np.max(y) - np.min(y))
    if floor == 0:
        return [], []
    maxima = find_peaks(y, prominence=floor)[0]
    minima = find_peaks(-y, prominence=floor)[0]
    return [int(i) for i in maxima], [int(i) for i in minima]


# --- U shapes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UShape:
    """A curve's lowest point and how far it rises on each side of it.

    ``arm_ratio`` = smaller rise / larger rise: 1 for a symmetric U, 0 when the minimum is at an end
    (no second arm). ``minima`` counts the interior local minima (1 for a single U).
    """

    i_min: int
    left_rise: float
    right_rise: float
    arm_ratio: float
    minima: int


def u_shape(y: np.ndarray, rel: float = 0.01) -> UShape:
    """The U of y over its samples (ordered by the abscissa); bumps below ``rel`` of the range ignored."""
    y = np.asarray(y, float)
    i = int(np.argmin(y))
    left, right = float(y[0] - y[i]), float(y[-1] - y[i])
    deeper = max(left, right)
    ratio = min(left, right) / deeper if deeper > 0 else 0.0
    return UShape(i, left, right, ratio, len(turning_points(y, rel)[1]))


# --- exact identities of the flow, evaluated on a state -------------------------------------------------


def weight_norm_rates(params: Params, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per layer, both sides of d/dt ‖A_l‖²/2 = Σ Z_l² σ'(Z_l) / (N ln 2), A_l = (W_l; b_l).

    Left: ⟨A_l, dA_l/dt⟩ from the flow's velocity (SKA-2 eqs. 3–4); right: from the knowledge alone.
    Equal because Z_l = U_l A_l with U_l = (D_(l-1), 1): ⟨A, Uᵀ S⟩ = ⟨U A, S⟩.
    """
    v = velocity(params, X)
    Zs, Ds = forward(params, X)
    lhs = np.array([np.vdot(p.W, q.W) + np.vdot(p.b, q.b) for p, q in zip(params, v, strict=True)])
    rhs = np.array([np.sum(Z**2 * D * (1 - D)) / (X.shape[0] * LN2) for Z, D in zip(Zs, Ds, strict=True)])
    return lhs, rhs


def layer_one_rates(params: Params, X: np.ndarray, eig: np.ndarray | None = None) -> dict[str, float]:
    """Layer 1's Shannon-entropy rate and its two exact forms, at one state of the flow.

    ``rate``: Σ H_b'(Z) ⊙ dZ/dt with H_b' = σ'(z) log2((1-σ)/σ) (the Shannon entropy's own derivative,
    not the SKA gradient formula); ``minus_N_speed2``: -N ‖dA_1/dt‖²; ``knowledge_flow2``: ‖dZ_1/dt‖²;
    ``rayleigh``: ‖dZ_1/dt‖² / (N ‖dA_1/dt‖²), the Rayleigh quotient of M_1 = E[u uᵀ] at the weight
    velocity, which lies in [λ_min(M_1), λ_max(M_1)] (``lambda_min``, ``lambda_max``; ``eig``: the
    eigenvalues of M_1 when already computed).
    """
    lay, v = params[0], velocity(params, X)[0]
    Z = X @ lay.W + lay.b
    D = 1 / (1 + np.exp(-Z))
    dZ = X @ v.W + v.b
    h_prime = D * (1 - D) * np.log2((1 - D) / D)
    n = X.shape[0]
    speed2 = float(np.sum(v.W**2) + np.sum(v.b**2))
    eig = np.linalg.eigvalsh(second_moment(X)) if eig is None else eig
    return {
        "rate": float(np.sum(h_prime * dZ)),
        "minus_N_speed2": -n * speed2,
        "knowledge_flow2": float(np.sum(dZ**2)),
        "rayleigh": float(np.sum(dZ**2) / (n * speed2)),
        "lambda_min": float(eig[0]),
        "lambda_max": float(eig[-1]),
    }


# --- events ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Peak:
    """Largest value of a sampled curve; ``interior`` is False when it sits at the first or last sample."""

    t: float
    value: float
    interior: bool


def peak(t: np.ndarray, y: np.ndarray) -> Peak:
    """Maximum of y(t), refined by the parabola through the three samples around it when interior."""
    i = int(np.argmax(y))
    if i == 0 or i == len(y) - 1:
        return Peak(float(t[i]), float(y[i]), False)
    t0, t1, t2 = t[i - 1 : i + 2]
    y0, y1, y2 = y[i - 1 : i + 2]
    # Vertex of the interpolating parabola (non-uniform spacing allowed).
    d1, d2 = (y1 - y0) / (t1 - t0), (y2 - y1) / (t2 - t1)
    curv = (d2 - d1) / (t2 - t0)
    if curv >= 0:
        return Peak(float(t1), float(y1), True)
    tv = 0.5 * (t0 + t1) - d1 / (2 * curv)
    yv = y1 + d1 * (tv - t1) + curv * (tv - t0) * (tv - t1)
    return Peak(float(tv), float(yv), True)


def zero_crossings(t: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Times where y changes sign, by linear interpolation; exact zeros at the ends are not crossings."""
    t, y = np.asarray(t, float), np.asarray(y, float)
    nz = np.flatnonzero(y != 0)
    out = []
    for a, b in itertools.pairwise(nz):
        if np.sign(y[a]) != np.sign(y[b]):
            out.append(t[a] + (t[b] - t[a]) * y[a] / (y[a] - y[b]))
    return np.asarray(out)


def sign_summary(y: np.ndarray) -> str:
    """'positive' / 'negative' when every nonzero sample has that sign, else 'mixed'."""
    y = np.asarray(y)[np.asarray(y) != 0]
    if y.size and np.all(y > 0):
        return "positive"
    if y.size and np.all(y < 0):
        return "negative"
    return "mixed"


# --- linearised flow --------------------------------------------------------------------------------


def second_moment(inp: np.ndarray) -> np.ndarray:
    """M = E_n[u uᵀ] of the bias-augmented inputs u = (d, 1) of a layer, shape (d+1, d+1)."""
    u = np.hstack([inp, np.ones((inp.shape[0], 1))])
    return u.T @ u / inp.shape[0]


def linearised_rates(params: Params, X: np.ndarray) -> np.ndarray:
    """Leading growth rate λ_l = λ_max(M_l)/(4 ln 2) of each layer of the flow near small knowledge.

    With Z small, Z σ'(Z) = Z/4 + O(Z³), so for A_l = [W_l; b_lᵀ] and inputs frozen at their current
    values, dA_l/dt = (1/(4 ln 2)) M_l A_l (SKA-2 eqs. 3–4): every column grows like exp(λ_l t).
    """
    _, Ds = forward(params, X)
    inputs = [X, *Ds[:-1]]
    return np.array([np.linalg.eigvalsh(second_moment(d))[-1] / (4 * LN2) for d in inputs])


def half_input_rate(fan_in: int) -> float:
    """λ for inputs all equal to 1/2 (deeper layers at small weights): M = v vᵀ, |v|² = n/4 + 1."""
    return (fan_in / 4 + 1) / (4 * LN2)


# --- separation -------------------------------------------------------------------------------------


def stratified_split(labels: np.ndarray, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, test) with ``test_fraction`` of every class in the test set, seeded."""
    rng = np.random.default_rng(seed)
    train, test = [], []
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        n_test = round(len(idx) * test_fraction)
        test.append(idx[:n_test])
        train.append(idx[n_test:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


def _standardise(F_train: np.ndarray, F_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mu, sd = F_train.mean(axis=0), F_train.std(axis=0)
    sd = np.where(sd > 1e-12, sd, 1.0)
    return (F_train - mu) / sd, (F_test - mu) / sd


def ridge_probe_accuracy(
    F_train: np.ndarray, y_train: np.ndarray, F_test: np.ndarray, y_test: np.ndarray, ridge: float = 1.0
) -> float:
    """Test accuracy of a one-vs-rest ridge least-squares linear probe on standardised features."""
    A, B = _standardise(F_train, F_test)
    classes = np.unique(y_train)
    A1 = np.hstack([A, np.ones((len(A), 1))])
    B1 = np.hstack([B, np.ones((len(B), 1))])
    Y = (y_train[:, None] == classes[None, :]).astype(float) * 2 - 1
    reg = ridge * np.eye(A1.shape[1])
    reg[-1, -1] = 0.0  # no penalty on the intercept
    coef = cho_solve(cho_factor(A1.T @ A1 + reg), A1.T @ Y)
    pred = classes[np.argmax(B1 @ coef, axis=1)]
    return float(np.mean(pred == y_test))


def nearest_centroid_accuracy(
    F_train: np.ndarray, y_train: np.ndarray, F_test: np.ndarray, y_test: np.ndarray
) -> float:
    """Test accuracy of the nearest class mean (Euclidean, raw features)."""
    classes = np.unique(y_train)
    C = np.stack([F_train[y_train == c].mean(axis=0) for c in classes])
    d2 = (F_test**2).sum(1)[:, None] - 2 * F_test @ C.T + (C**2).sum(1)[None, :]
    return float(np.mean(classes[np.argmin(d2, axis=1)] == y_test))


def _entropy_nats(counts: np.ndarray) -> float:
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log(p)).sum())


def normalized_mutual_info(a: np.ndarray, b: np.ndarray) -> float:
    """I(a; b) / ((H(a) + H(b))/2), 0 when either labelling is constant."""
    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    joint = np.zeros((ai.max() + 1, bi.max() + 1))
    np.add.at(joint, (ai, bi), 1)
    ha, hb = _entropy_nats(joint.sum(1)), _entropy_nats(joint.sum(0))
    if ha == 0 or hb == 0:
        return 0.0
    mi = ha + hb - _entropy_nats(joint.ravel())
    return float(max(mi, 0.0) / ((ha + hb) / 2))


def sign_patterns(D: np.ndarray) -> int:
    """Number of distinct binary codes (D > 1/2) over the samples."""
    return len({row.tobytes() for row in np.packbits(D > 0.5, axis=1)})


def json_safe(obj: Any) -> Any:
    """Evidence numbers as strict JSON: NaN/inf -> None, numpy scalars -> Python, keys -> str."""
    if isinstance(obj, dict):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | np.ndarray):
        return [json_safe(v) for v in obj]
    if isinstance(obj, np.bool_ | bool):
        return bool(obj)
    if isinstance(obj, np.integer | int):
        return int(obj)
    if isinstance(obj, np.floating | float):
        return float(obj) if np.isfinite(obj) else None
    return obj
