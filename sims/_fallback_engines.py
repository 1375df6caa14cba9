"""Stand-ins for the engines being built on other branches (removed once they are merged)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

from ska_theory.network.forward import forward
from ska_theory.network.metrics import INV_LN2, cosine, entropy_gradient_z, shannon_entropy_bits
from ska_theory.network.params import Layer, Params
from ska_theory.network.velocity import velocity


@dataclass
class DiscreteRun:
    variant: str
    eta: float
    steps: int
    t: np.ndarray
    metrics: dict[str, np.ndarray]
    params: Params
    output_mean: np.ndarray
    t_state: np.ndarray

    def times(self, name: str) -> np.ndarray:
        return self.t_state if name in ("z_fro", "shannon_entropy") else self.t


@dataclass
class FlowRun:
    t: np.ndarray
    metrics: dict[str, np.ndarray]
    events: dict[str, list[np.ndarray]]
    nfev: int
    params: Params
    status: int
    message: str


def run_discrete(params0, X, *, variant, eta, steps, dtype=np.float64, progress=False):  # type: ignore[no-untyped-def]
    params = params0
    L = len(params)
    keys = [
        "entropy",
        "cosine",
        "z_fro",
        "knowledge_flow",
        "weight_fro",
        "shannon_entropy",
        "tensor_net",
        "tensor_net_code_sign",
    ]
    rows: dict[str, list[list[float]]] = {k: [[] for _ in range(L)] for k in keys}
    Zp = Dp = None
    ts = []
    for k in range(steps + 1 if variant == "paper" else steps):
        Zs, Ds = forward(params, X)
        if Zp is not None:
            ts.append(k * eta)
            for i in range(L):
                dD = Ds[i] - Dp[i]
                dZ = Zs[i] - Zp[i]
                rows["entropy"][i].append(-INV_LN2 * float(np.vdot(Zs[i], dD)))
                rows["cosine"][i].append(cosine(Zs[i], dD))
                rows["z_fro"][i].append(float(np.linalg.norm(Zs[i])))
                rows["knowledge_flow"][i].append(float(np.linalg.norm(dZ)) / eta)
                rows["weight_fro"][i].append(float(np.linalg.norm(params[i].W)))
                rows["shannon_entropy"][i].append(shannon_entropy_bits(Ds[i]))
                rows["tensor_net"][i].append(float(np.vdot(Ds[i] - entropy_gradient_z(Zs[i], Ds[i]), dZ)))
                rows["tensor_net_code_sign"][i].append(
                    float(np.vdot(Ds[i] + entropy_gradient_z(Zs[i], Ds[i]), dZ))
                )
        if variant == "paper":
            v = velocity(params, X)
            params = tuple(Layer(p.W + eta * d.W, p.b + eta * d.b) for p, d in zip(params, v, strict=True))
        elif Zp is not None:
            inputs = [X, *Dp[:-1]]
            new = []
            for i, p in enumerate(params):
                g = -INV_LN2 * (Zs[i] * Ds[i] * (1 - Ds[i]) + (Ds[i] - Dp[i]))
                new.append(Layer(p.W - eta * inputs[i].T @ g / len(X), p.b - eta * g.mean(axis=0)))
            params = tuple(new)
        Zp, Dp = Zs, Ds
    metrics = {k: np.array(v) for k, v in rows.items()}
    st = {"z_fro", "shannon_entropy"}
    Zs, Ds = forward(params0, X)
    for k in st:
        f = (
            (lambda Z, D: float(np.linalg.norm(Z)))
            if k == "z_fro"
            else (lambda Z, D: shannon_entropy_bits(D))
        )
        first = np.array([[f(Zs[i], Ds[i])] for i in range(L)])
        metrics[k] = np.concatenate([first, metrics[k]], axis=1)
    return DiscreteRun(
        variant, eta, steps, np.array(ts), metrics, params, np.zeros(0), np.r_[0.0, np.array(ts)]
    )


def _z_rates(params: Params, X: np.ndarray):  # type: ignore[no-untyped-def]
    Zs, Ds = forward(params, X)
    v = velocity(params, X)
    dZs, dDs = [], []
    dprev = np.zeros_like(X)
    inp = X
    for i, p in enumerate(params):
        dZ = dprev @ p.W + inp @ v[i].W + v[i].b
        dD = Ds[i] * (1 - Ds[i]) * dZ
        dZs.append(dZ)
        dDs.append(dD)
        dprev, inp = dD, Ds[i]
    return Zs, Ds, dZs, dDs


def integrate_flow(
    params0, X, *, T, method="DOP853", rtol=1e-8, atol=1e-10, grid=501, dtype=np.float64, progress=False
):  # type: ignore[no-untyped-def]
    shapes = [(p.W.shape, p.b.shape) for p in params0]

    def unpack(y):  # type: ignore[no-untyped-def]
        out, o = [], 0
        for ws, bs in shapes:
            nw, nb = int(np.prod(ws)), int(np.prod(bs))
            out.append(Layer(y[o : o + nw].reshape(ws), y[o + nw : o + nw + nb]))
            o += nw + nb
        return tuple(out)

    def pack(ps):  # type: ignore[no-untyped-def]
        return np.concatenate([np.concatenate([p.W.ravel(), p.b.ravel()]) for p in ps])

    def rhs(_t, y):  # type: ignore[no-untyped-def]
        return pack(velocity(unpack(y), X))

    tg = np.linspace(0, T, grid)
    sol = solve_ivp(rhs, (0, T), pack(params0), method=method, rtol=rtol, atol=atol, t_eval=tg)
    L = len(params0)
    m = {
        k: np.zeros((L, len(tg)))
        for k in ["shannon_entropy", "entropy_rate", "z_fro", "knowledge_flow", "cosine", "tensor_net_rate"]
    }
    for j in range(len(tg)):
        Zs, Ds, dZs, dDs = _z_rates(unpack(sol.y[:, j]), X)
        for i in range(L):
            m["shannon_entropy"][i, j] = shannon_entropy_bits(Ds[i])
            m["entropy_rate"][i, j] = float(np.vdot(entropy_gradient_z(Zs[i], Ds[i]), dZs[i]))
            m["z_fro"][i, j] = np.linalg.norm(Zs[i])
            m["knowledge_flow"][i, j] = np.linalg.norm(dZs[i])
            m["cosine"][i, j] = cosine(Zs[i], dDs[i])
            m["tensor_net_rate"][i, j] = float(np.vdot(Ds[i] - entropy_gradient_z(Zs[i], Ds[i]), dZs[i]))
    from scipy.integrate import cumulative_trapezoid

    m["tensor_net"] = cumulative_trapezoid(m["tensor_net_rate"], tg, axis=1, initial=0)
    return FlowRun(tg, m, {}, sol.nfev, unpack(sol.y[:, -1]), sol.status, sol.message)
