"""Benchmarks of the continuous-flow engine; prints ratios measured in this one run (not a test).

    python benchmarks/run.py [--rounds 15] [--sections 1,2,3,4] [--threads 1]

1. RHS efficiency on 784-256-128-64-10 / MNIST subset, float64 and float32: one ``Flow`` evaluation
   against (a) only the dense matrix products of the plain formula (forward X W_l and backward
   D_{l-1}ᵀ G_l, all 784 input columns) and (b) the plain-formula RHS (``velocity`` on a flat state).
2. Adaptive vs Euler at T = 0.5: the cheapest RK45/DOP853 setting (sweeping rtol) whose worst-layer
   relative Shannon-entropy error at T is at most that of Euler (paper variant) with K = 500,
   against a DOP853 reference at rtol 1e-12: RHS evaluations and wall time.
3. The discrete reference-code run (η = 0.01, K = 50, float32) wall time.
4. ``integrate_flow`` at T = 0.5 with its defaults (DOP853, rtol 1e-8, atol 1e-10, grid 501, events).

Timings interleave the contenders round by round and report the minimum over rounds (the least
disturbed by other processes) and the median. The machine is shared: read the ratios, not the ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ska_theory.network.data import load_dataset
from ska_theory.network.discrete import run_discrete
from ska_theory.network.flow import Flow
from ska_theory.network.integrate import integrate_flow
from ska_theory.network.params import Layer, Params, layer_sizes, load_params
from ska_theory.network.velocity import velocity

WEIGHTS = Path(__file__).resolve().parent.parent / "tests" / "data" / "initial_weights_seed42.npz"
T = 0.5
R = TypeVar("R")


def interleaved(fns: dict[str, Callable[[], object]], rounds: int) -> dict[str, tuple[float, float, float]]:
    """(min wall, median wall, min CPU) seconds of each callable, timed in turn in every round.

    The CPU time of this process is the steadier measure on a shared machine with ``--threads 1``
    (with several BLAS threads it also counts their busy-waiting).
    """
    for f in fns.values():
        f()  # warm-up: buffers, BLAS threads
    times: dict[str, list[float]] = {k: [] for k in fns}
    cpu: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(rounds):
        for k, f in fns.items():
            t0, c0 = time.perf_counter(), time.process_time()
            f()
            times[k].append(time.perf_counter() - t0)
            cpu[k].append(time.process_time() - c0)
    return {k: (min(v), statistics.median(v), min(cpu[k])) for k, v in times.items()}


def wall(f: Callable[[], R]) -> tuple[float, R]:
    t0 = time.perf_counter()
    out = f()
    return time.perf_counter() - t0, out


def plain_rhs_factory(params: Params, X: np.ndarray) -> tuple[Callable[[np.ndarray], np.ndarray], np.ndarray]:
    """The plain-formula RHS on a flat state [W_1, b_1, W_2, ...]: unpack, ``velocity``, concatenate."""
    shapes = [lay.W.shape for lay in params]
    y0 = np.concatenate([np.concatenate([lay.W.ravel(), lay.b]) for lay in params])

    def rhs(y: np.ndarray) -> np.ndarray:
        layers, at = [], 0
        for fan_in, fan_out in shapes:
            W = y[at : at + fan_in * fan_out].reshape(fan_in, fan_out)
            at += fan_in * fan_out
            layers.append(Layer(W, y[at : at + fan_out]))
            at += fan_out
        v = velocity(tuple(layers), X)
        return np.concatenate([np.concatenate([d.W.ravel(), d.b]) for d in v])

    return rhs, y0


def rhs_contenders(X64: np.ndarray, dtype: type) -> dict[str, Callable[[], object]]:
    """One Flow evaluation, the dense products of the plain formula, the plain-formula RHS."""
    params = load_params(WEIGHTS, dtype=dtype)
    X: np.ndarray = X64.astype(dtype)
    flow = Flow(layer_sizes(params), X64, dtype=dtype)
    y = flow.pack(params).astype(np.float64)
    plain, y_plain = plain_rhs_factory(params, X)
    rng = np.random.default_rng(0)
    outs: list[np.ndarray] = [np.empty((X.shape[0], lay.W.shape[1]), dtype) for lay in params]
    Gs: list[np.ndarray] = [rng.random(o.shape).astype(dtype) for o in outs]
    inputs = [X, *(rng.random(o.shape).astype(dtype) for o in outs[:-1])]
    grads = [np.empty_like(lay.W) for lay in params]

    def dense_products() -> None:
        for inp, lay, Z, G, dW in zip(inputs, params, outs, Gs, grads, strict=True):
            np.matmul(inp, lay.W, out=Z)
            np.matmul(inp.T, G, out=dW)

    return {"rhs": lambda: flow(0.0, y), "dense": dense_products, "plain": lambda: plain(y_plain)}


def rhs_efficiency(X64: np.ndarray, rounds: int) -> None:
    print("\n1. RHS efficiency (784-256-128-64-10, MNIST subset, N = 1000)")
    for dtype in (np.float64, np.float32):
        res = interleaved(rhs_contenders(X64, dtype), rounds)
        r, d, p = res["rhs"], res["dense"], res["plain"]
        name = np.dtype(dtype).name
        print(
            f"  {name}: RHS {r[0] * 1e3:.2f} ms (median {r[1] * 1e3:.2f}), dense products {d[0] * 1e3:.2f} "
            f"({d[1] * 1e3:.2f}), plain RHS {p[0] * 1e3:.2f} ({p[1] * 1e3:.2f})"
        )
        print(
            f"  {name}: RHS / dense products = {r[0] / d[0]:.3f} (medians {r[1] / d[1]:.3f}, "
            f"CPU {r[2] / d[2]:.3f}; goal <= 1.0); RHS / plain RHS = {r[0] / p[0]:.3f} "
            f"(medians {r[1] / p[1]:.3f}, CPU {r[2] / p[2]:.3f}; goal <= 0.65)"
        )


def entropy_error(H: np.ndarray, H_ref: np.ndarray) -> float:
    """Worst layer's relative Shannon-entropy error."""
    return float(np.max(np.abs(H - H_ref) / np.abs(H_ref)))


def adaptive_vs_euler(X: np.ndarray, params: Params, rounds: int) -> None:
    print(f"\n2. Adaptive vs Euler (paper variant, K = 500) at T = {T}, float64")
    t_ref, ref = wall(lambda: integrate_flow(params, X, T=T, rtol=1e-12, atol=1e-14, grid=2, events=False))
    H_ref = ref.metrics["shannon_entropy"][:, -1]
    print(f"  reference DOP853 rtol 1e-12: {ref.nfev} evaluations, {t_ref:.1f} s")

    K = 500
    eta = T / K
    t_disc, disc = wall(lambda: run_discrete(params, X, variant="paper", eta=eta, steps=K))
    err_euler = entropy_error(disc.metrics["shannon_entropy"][:, -1], H_ref)
    flow = Flow(layer_sizes(params), X)

    def euler() -> np.ndarray:
        """The paper variant's K Euler steps on the optimised RHS, and the entropy at T."""
        y = flow.pack(params)
        for k in range(K):
            y += eta * flow(k * eta, y)
        flow.observe(y)
        return y

    same = np.max(np.abs(flow.pack(disc.params) - euler()))
    print(
        f"  Euler K = {K}: worst-layer entropy error {err_euler:.2e}, {K} evaluations; "
        f"run_discrete {t_disc:.2f} s (with its per-step metrics); the same steps on the optimised RHS "
        f"agree with it to {same:.1e}"
    )

    best: dict[str, tuple[int, float, float]] = {}
    for method, rtols in (
        ("RK45", (1e-2, 5e-3, 2e-3, 1e-3, 5e-4, 2e-4, 1e-4)),
        ("DOP853", (1e-1, 3e-2, 1e-2, 3e-3, 1e-3)),
    ):
        for rtol in rtols:
            run = integrate_flow(
                params, X, T=T, method=method, rtol=rtol, atol=rtol * 1e-2, grid=2, events=False
            )
            err = entropy_error(run.metrics["shannon_entropy"][:, -1], H_ref)
            ok = err <= err_euler
            print(
                f"  {method:6s} rtol {rtol:.0e}: {run.nfev:4d} evaluations, "
                f"error {err:.2e} {'<= Euler' if ok else ''}"
            )
            if ok:
                best[method] = (run.nfev, rtol, err)
                break
    if not best:
        print("  no adaptive setting reached Euler's accuracy in the sweep")
        return
    method, (nfev, rtol, err) = min(best.items(), key=lambda kv: kv[1][0])

    def adaptive() -> object:
        return integrate_flow(
            params, X, T=T, method=method, rtol=rtol, atol=rtol * 1e-2, grid=2, events=False
        )

    times = interleaved({"euler": euler, "adaptive": adaptive}, rounds)
    (te, te_med, te_cpu), (ta, ta_med, ta_cpu) = times["euler"], times["adaptive"]
    print(
        f"  cheapest: {method} rtol {rtol:.0e} (atol rtol/100), error {err:.2e}: {nfev} evaluations vs {K} "
        f"-> {K / nfev:.1f}x fewer (goal >= 13x)"
    )
    print(
        f"  wall (min of {rounds} interleaved runs, entropy at T included): adaptive {ta:.2f} s, "
        f"Euler on the same RHS {te:.2f} s -> {te / ta:.1f}x less "
        f"(medians {te_med / ta_med:.1f}x, CPU {te_cpu / ta_cpu:.1f}x; goal >= 10x); "
        f"run_discrete {t_disc:.2f} s -> {t_disc / ta:.1f}x"
    )


def discrete_reference(X: np.ndarray) -> None:
    print("\n3. Discrete reference-code run, η = 0.01, K = 50, float32")
    params = load_params(WEIGHTS, dtype=np.float32)
    times = [
        wall(lambda: run_discrete(params, X, variant="reference-code", eta=0.01, steps=50, dtype=np.float32))[
            0
        ]
        for _ in range(3)
    ]
    print(f"  wall {min(times):.2f} s (best of 3; all: {', '.join(f'{t:.2f}' for t in times)})")


def defaults_run(X: np.ndarray, params: Params) -> None:
    print(f"\n4. integrate_flow defaults at T = {T} (DOP853, rtol 1e-8, atol 1e-10, grid 501, events)")
    t_run, run = wall(lambda: integrate_flow(params, X, T=T))
    r = run  # type: ignore[assignment]
    print(f"  {r.status}: {t_run:.1f} s, nfev {r.nfev}, {r.n_steps} steps")  # type: ignore[attr-defined]
    for name, per_layer in r.events.items():  # type: ignore[attr-defined]
        print(
            f"  {name}: "
            + "; ".join(f"layer {i}: {np.round(v, 5).tolist()}" for i, v in enumerate(per_layer))
        )
    t_bare, bare = wall(lambda: integrate_flow(params, X, T=T, grid=2, events=False))
    print(f"  integration only (grid 2, no events): {t_bare:.1f} s, nfev {bare.nfev}")  # type: ignore[attr-defined]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=15, help="timing rounds for the RHS ratios")
    ap.add_argument(
        "--sections",
        default="1,2,3,4",
        help="comma-separated sections to run (default: all; 4 is the longest)",
    )
    ap.add_argument("--threads", type=int, default=None, help="limit BLAS threads (default: as configured)")
    args = ap.parse_args()
    if args.threads is not None:
        threadpool_limits(args.threads)
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, NumPy {np.__version__}, "
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}, "
        f"BLAS threads {threadpool_info()[0]['num_threads']}, load average {os.getloadavg()[0]:.1f} at start"
    )
    X = load_dataset().X
    params = load_params(WEIGHTS)
    sections = {int(k) for k in args.sections.split(",")}
    if 1 in sections:
        rhs_efficiency(X, args.rounds)
    if 2 in sections:
        adaptive_vs_euler(X, params, 3)
    if 3 in sections:
        discrete_reference(X)
    if 4 in sections:
        defaults_run(X, params)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
