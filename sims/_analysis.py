"""Turning runs into numbers: trajectory errors, convergence orders, peaks, crossings, linear rates, probes.

Pure functions of arrays, each tested on hand-computed cases (tests/test_sims_analysis.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.linalg import cho_factor, cho_solve

from ska_theory.network.forward import forward
from ska_theory.network.params import Params

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
    h, e = np.log(np.asarray(steps, float)), np.log(np.asarray(errors, float))
    if len(h) < 2 or not np.all(np.isfinite(e)):
        return float("nan")
    return float(np.polyfit(h, e, 1)[0])


def power_law_exponent(x: Sequence[float], y: Sequence[float]) -> float:
    """Exponent a of y ∝ x^a fitted in log-log (NaN when a value is missing or not positive)."""
    xa, ya = np.asarray(x, float), np.asarray(y, float)
    if len(xa) < 2 or not np.all(np.isfinite(ya)) or np.any(ya <= 0):
        return float("nan")
    return float(np.polyfit(np.log(xa), np.log(ya), 1)[0])


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
