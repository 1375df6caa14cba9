"""Benchmarks of the numeric core; prints ratios measured side by side in this one run (not a test).

    python benchmarks/run.py [--rounds 15] [--sections 1,3,4] [--threads 1]

1. RHS efficiency on 784-256-128-64-10 / MNIST subset, float64 and float32: one ``Flow`` evaluation
   against (a) only the dense matrix products of the plain formula (forward X W_l and backward
   D_{l-1}ᵀ G_l, all 784 input columns) and (b) the plain-formula RHS (``velocity`` on a flat state).
2. Adaptive vs Euler at T = 0.5: the cheapest RK45/DOP853 setting (sweeping rtol) whose worst-layer
   relative Shannon-entropy error at T is at most that of Euler (paper variant) with K = 500,
   against a DOP853 reference at rtol 1e-12: RHS evaluations and wall time (not in the default run).
3. ``run_discrete(variant="reference-code")``, float32, all of its metrics, against a plain NumPy port
   of the authors' loop with their metrics only (η = 0.01, K = 50, the authors' initial weights);
   issue 10's goal: <= 0.85.
4. The flow at T = 0.5 through ``runs.run`` (the path of ``ska-theory integrate``): grid 101 with the
   events against the integration alone (grid 2, no events), goal <= 2.0; the integration alone against
   a plain ``solve_ivp(DOP853)`` on the plain-formula RHS at the same rtol/atol, goal <= 0.8.

Timings interleave the contenders round by round and report the minimum over rounds (the least
disturbed by other processes), the median and the CPU time; one BLAS thread unless ``--threads``
says otherwise. The machine is shared: read the ratios, not the seconds. The run ends with a table of
the issue-10 ratios next to their goals.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
from scipy.integrate import solve_ivp
from threadpoolctl import threadpool_info, threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ska_theory.network.data import load_dataset
from ska_theory.network.discrete import METRICS, run_discrete
from ska_theory.network.flow import Flow
from ska_theory.network.integrate import integrate_flow
from ska_theory.network.params import Layer, Params, layer_sizes, load_params
from ska_theory.network.velocity import velocity
from ska_theory.runs import FlowConfig, run

HISTORIES = Path(__file__).resolve().parent.parent / "tests" / "data"
WEIGHTS = HISTORIES / "initial_weights_seed42.npz"
T = 0.5
R = TypeVar("R")


def interleaved(
    fns: dict[str, Callable[[], object]], rounds: int, *, warm: bool = True
) -> dict[str, tuple[float, float, float]]:
    """(min wall, median wall, min CPU) seconds of each callable, timed in turn in every round.

    The CPU time of this process is the steadier measure on a shared machine with ``--threads 1``
    (with several BLAS threads it also counts their busy-waiting).
    """
    if warm:
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


# -- 3. the discrete run against a plain NumPy port of the authors' loop ------------------------------


def authors_loop(params: Params, X64: np.ndarray, eta: float = 0.01, K: int = 50) -> dict[str, np.ndarray]:
    """A plain NumPy port of the authors' PyTorch loop, float32, with their metrics only.

    K passes; from the second on, each layer's entropy -(1/ln2) Σ Z ⊙ ΔD, the cosine of Z and ΔD, and
    the Tensor Net term with the code's sign Σ ΔZ ⊙ (D - (1/ln2) Z D(1-D)); then the update
    W -= η D_prev(k-1)ᵀ g / N, b -= η mean g with g = -(1/ln2)(Z D(1-D) + ΔD), and ‖W‖_F after it.
    Every pass: ‖Z‖_F per layer and the mean output per output neuron.
    """
    X = X64.astype(np.float32)
    n, c, lr = X.shape[0], np.float32(1 / np.log(2)), np.float32(eta)
    W = [lay.W.astype(np.float32) for lay in params]
    b = [lay.b.astype(np.float32) for lay in params]
    L = len(W)
    hist = {k: np.zeros((L, K - 1), np.float32) for k in ("entropy", "cosine", "tensor_net", "weight_fro")}
    hist["z_fro"] = np.zeros((L, K), np.float32)
    hist["output_mean"] = np.zeros((K, W[-1].shape[1]), np.float32)
    prev_Z: list[np.ndarray] = []
    prev_D: list[np.ndarray] = []
    for k in range(K):
        Zs, Ds, inp = [], [], X
        for lay_W, lay_b in zip(W, b, strict=True):
            Z = inp @ lay_W + lay_b
            D = 1 / (1 + np.exp(-Z))
            Zs.append(Z)
            Ds.append(D)
            inp = D
        hist["output_mean"][k] = Ds[-1].mean(axis=0)
        for i, Z in enumerate(Zs):
            hist["z_fro"][i, k] = np.linalg.norm(Z)
        if k > 0:
            for i in range(L):
                Z, D = Zs[i], Ds[i]
                dZ, dD = Z - prev_Z[i], D - prev_D[i]
                hist["entropy"][i, k - 1] = -c * np.sum(Z * dD)
                nz, nd = np.linalg.norm(Z), np.linalg.norm(dD)
                hist["cosine"][i, k - 1] = np.sum(Z * dD) / (nz * nd) if nz > 0 and nd > 0 else 0.0
                hist["tensor_net"][i, k - 1] = np.sum(dZ * (D - c * Z * D * (1 - D)))
                g = -c * (Z * (D * (1 - D)) + dD)
                inp = X if i == 0 else prev_D[i - 1]
                W[i] = W[i] - lr * (inp.T @ g / n)
                b[i] = b[i] - lr * g.mean(axis=0)
                hist["weight_fro"][i, k - 1] = np.linalg.norm(W[i])
        prev_Z, prev_D = Zs, Ds
    return hist


AUTHORS_HISTORIES = {
    "entropy": "entropy_history.csv",
    "cosine": "cosine_history.csv",
    "z_fro": "frobenius_history.csv",
    "tensor_net": "tensor_net_history.csv",
    "weight_fro": "weight_frobenius_history.csv",
    "output_mean": "output_neuron_activation.csv",
}


def max_rel_error_to_histories(hist: dict[str, np.ndarray]) -> float:
    """Worst relative error of the port against the authors' histories (tests/data), where nonzero."""
    worst = 0.0
    for key, name in AUTHORS_HISTORIES.items():
        with (HISTORIES / name).open(newline="") as f:
            ref = np.array([[float(v) for v in row[1:]] for row in list(csv.reader(f))[1:]])
        ours = hist[key].astype(np.float64)
        nz = ref != 0
        worst = max(worst, float(np.max(np.abs(ours[nz] - ref[nz]) / np.abs(ref[nz]))))
    return worst


def discrete_vs_authors(X: np.ndarray, rounds: int) -> float:
    print("\n3. Discrete reference-code run vs a NumPy port of the authors' loop (η = 0.01, K = 50, float32)")
    params = load_params(WEIGHTS, dtype=np.float32)
    port_error = max_rel_error_to_histories(authors_loop(params, X))
    print(f"  the port reproduces the authors' six histories to a relative error of {port_error:.1e}")

    def ours() -> object:
        return run_discrete(params, X, variant="reference-code", eta=0.01, steps=50, dtype=np.float32)

    res = interleaved({"ours": ours, "port": lambda: authors_loop(params, X)}, rounds)
    (o, o_med, o_cpu), (a, a_med, a_cpu) = res["ours"], res["port"]
    print(f"  run_discrete (all {len(METRICS)} metrics) {o:.3f} s, port (its 6) {a:.3f} s; min of {rounds}")
    print(f"  ratio {o / a:.3f} (medians {o_med / a_med:.3f}, CPU {o_cpu / a_cpu:.3f}; goal <= 0.85)")
    GOALS.append(("discrete reference-code / NumPy port of the authors' loop", o / a, o_cpu / a_cpu, 0.85))
    return o / a


# -- 4. the flow: events and observation cost, and the integration against plain solve_ivp --------------


def flow_config(grid: int, events: bool) -> FlowConfig:
    return FlowConfig(
        weights=str(WEIGHTS), T=T, method="DOP853", rtol=1e-8, atol=1e-10, grid=grid, events=events
    )


def flow_costs(X: np.ndarray, params: Params, rounds: int) -> None:
    print(f"\n4. The flow at T = {T} (DOP853, rtol 1e-8, atol 1e-10; the path of `ska-theory integrate`)")
    alone, with_events = flow_config(2, False), flow_config(101, True)
    plain, y0 = plain_rhs_factory(params, X)

    def solve_plain() -> object:
        return solve_ivp(lambda t, y: plain(y), (0.0, T), y0, method="DOP853", rtol=1e-8, atol=1e-10)

    fns = {"alone": lambda: run(alone), "events": lambda: run(with_events), "plain": solve_plain}
    res = interleaved(fns, rounds, warm=False)
    r_alone, r_events, ref = (
        run(alone),
        run(with_events),
        solve_ivp(lambda t, y: plain(y), (0.0, T), y0, method="DOP853", rtol=1e-8, atol=1e-10),
    )
    ev, al, pl = res["events"], res["alone"], res["plain"]
    print(
        f"  integration alone (grid 2, no events): {al[0]:.2f} s, {r_alone.nfev} evaluations, "
        f"{r_alone.n_steps} steps"
    )
    found = "; ".join(
        f"{name} " + ", ".join(f"L{i} {np.round(v, 5).tolist()}" for i, v in enumerate(per) if len(v))
        for name, per in r_events.events.items()
    )
    print(f"  grid 101 with events: {ev[0]:.2f} s, {r_events.nfev} evaluations; {found}")
    print(
        f"  plain solve_ivp(DOP853) on the plain RHS: {pl[0]:.2f} s, {ref.nfev} evaluations, "
        f"{len(ref.t) - 1} steps"
    )
    print(
        f"  grid 101 + events / integration alone = {ev[0] / al[0]:.3f} "
        f"(CPU {ev[2] / al[2]:.3f}; goal <= 2.0)"
    )
    print(
        f"  integration alone / plain solve_ivp = {al[0] / pl[0]:.3f} (CPU {al[2] / pl[2]:.3f}; goal <= 0.8)"
    )
    GOALS.append(("integrate grid 101 + events / integration alone", ev[0] / al[0], ev[2] / al[2], 2.0))
    GOALS.append(
        ("integration alone (grid 2, no events) / plain solve_ivp", al[0] / pl[0], al[2] / pl[2], 0.8)
    )


GOALS: list[tuple[str, float, float, float]] = []  # (what, wall ratio, CPU ratio, goal)


def print_goals() -> None:
    if not GOALS:
        return
    print("\nIssue 10 goals (ratios measured above in this run; min wall time over interleaved rounds):")
    width = max(len(g[0]) for g in GOALS)
    print(f"  {'':{width}}  ratio   CPU    goal")
    for what, wall_ratio, cpu_ratio, goal in GOALS:
        verdict = "met" if wall_ratio <= goal else "NOT met"
        print(f"  {what:{width}}  {wall_ratio:5.3f}  {cpu_ratio:5.3f}  <= {goal:<4}  {verdict}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=15, help="timing rounds for sections 1 and 3")
    ap.add_argument("--flow-rounds", type=int, default=3, help="timing rounds for section 4 (~20 s each)")
    ap.add_argument("--sections", default="1,3,4", help="comma-separated sections to run (default: 1,3,4)")
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads (default: 1)")
    args = ap.parse_args()
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
        discrete_vs_authors(X, args.rounds)
    if 4 in sections:
        flow_costs(X, params, args.flow_rounds)
    print_goals()
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
