"""Plain gradient descent on a labelled loss, and its gradient flow: the control for SKA's η·K pattern.

A sigmoid network (Z_l = D_{l-1} W_l + b_l, D_l = σ(Z_l), as SKA's) trained by backpropagation on the mean
binary cross-entropy of its sigmoid outputs against one-hot labels, L = (1/N) Σ (softplus(z) - y z) over
the output knowledge z. One layer is logistic regression (one-vs-rest); more layers are an MLP.

- :func:`descend`: gradient descent θ_{k+1} = θ_k - η ∇L(θ_k) (explicit Euler on dθ/dt = -∇L), with the
  observables of every state θ_0..θ_K;
- :func:`gradient_flow`: dθ/dt = -∇L(θ) solved by SciPy's DOP853, observables recorded on a time grid from
  each step's interpolant (the state is never stored per grid time).

Observables, one row per quantity: the loss, then ‖Z_l‖_F of every layer (the knowledge magnitude SKA's
time-invariance study compares).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.integrate import DOP853
from scipy.special import expit

from ska_theory.network.params import Layer, Params


@dataclass(frozen=True)
class Problem:
    """A labelled data set (X, one-hot Y) and the layer shapes of the network trained on it."""

    X: np.ndarray
    Y: np.ndarray
    sizes: tuple[int, ...]

    def pack(self, params: Params) -> np.ndarray:
        return np.concatenate([np.concatenate([lay.W.ravel(), lay.b]) for lay in params])

    def unpack(self, theta: np.ndarray) -> Params:
        out, at = [], 0
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            W = theta[at : at + fan_in * fan_out].reshape(fan_in, fan_out)
            at += fan_in * fan_out
            out.append(Layer(W, theta[at : at + fan_out]))
            at += fan_out
        return tuple(out)


def observables(problem: Problem, theta: np.ndarray) -> np.ndarray:
    """The loss and ‖Z_l‖_F of every layer, by a forward pass only."""
    inp, norms = problem.X, []
    for lay in problem.unpack(theta):
        z = inp @ lay.W + lay.b
        norms.append(np.linalg.norm(z))
        inp = expit(z)
    loss = float(np.sum(np.logaddexp(0.0, z) - problem.Y * z) / problem.X.shape[0])
    return np.array([loss, *norms])


def loss_gradient(problem: Problem, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(∇L(θ) flat, observables: loss then ‖Z_l‖_F per layer) by one forward and one backward pass."""
    params = problem.unpack(theta)
    inputs, Zs, Ds = [problem.X], [], []
    for lay in params:
        Zs.append(inputs[-1] @ lay.W + lay.b)
        Ds.append(expit(Zs[-1]))
        inputs.append(Ds[-1])
    n = problem.X.shape[0]
    z = Zs[-1]
    loss = float(np.sum(np.logaddexp(0.0, z) - problem.Y * z) / n)
    delta = (Ds[-1] - problem.Y) / n  # ∂L/∂Z_L
    grads: list[Layer] = []
    for i in range(len(params) - 1, -1, -1):
        grads.append(Layer(inputs[i].T @ delta, delta.sum(axis=0)))
        if i > 0:
            delta = (delta @ params[i].W.T) * Ds[i - 1] * (1 - Ds[i - 1])
    observed = np.array([loss, *(np.linalg.norm(Z) for Z in Zs)])
    return problem.pack(tuple(reversed(grads))), observed


@dataclass(frozen=True)
class Trajectory:
    """Observables (rows: loss, ‖Z_1‖_F, ...) at times ``t``; ``nfev`` gradient evaluations."""

    t: np.ndarray
    values: np.ndarray
    nfev: int


def descend(problem: Problem, theta0: np.ndarray, eta: float, steps: int) -> Trajectory:
    """K steps of gradient descent with step η; observables of θ_0..θ_K at t = η·k."""
    theta = theta0.copy()
    rows = []
    for _ in range(steps):
        g, obs = loss_gradient(problem, theta)
        rows.append(obs)
        theta -= eta * g
    rows.append(loss_gradient(problem, theta)[1])
    return Trajectory(eta * np.arange(steps + 1), np.stack(rows, axis=1), steps)


def gradient_flow(
    problem: Problem, theta0: np.ndarray, T: float, grid: int, rtol: float = 1e-9, atol: float = 1e-12
) -> Trajectory:
    """dθ/dt = -∇L(θ) on [0, T] (DOP853), observables at ``np.linspace(0, T, grid)``."""

    def rhs(t: float, y: np.ndarray) -> np.ndarray:
        return -loss_gradient(problem, y)[0]

    return record_on_grid(rhs, theta0, T, grid, lambda y: observables(problem, y), rtol, atol)


def record_on_grid(
    rhs: Callable[[float, np.ndarray], np.ndarray],
    y0: np.ndarray,
    T: float,
    grid: int,
    observe: Callable[[np.ndarray], np.ndarray],
    rtol: float,
    atol: float,
) -> Trajectory:
    """Step DOP853 from y0 to T and record ``observe(y)`` at the grid times from each step's interpolant."""
    t_grid = np.linspace(0.0, T, grid)
    solver = DOP853(rhs, 0.0, y0.astype(np.float64), T, rtol=rtol, atol=atol)
    rows = [observe(y0)]
    while solver.status == "running":
        message = solver.step()
        if solver.status == "failed":
            raise RuntimeError(f"DOP853 failed at t={solver.t:.6g}: {message}")
        sol = solver.dense_output()
        while len(rows) < grid and t_grid[len(rows)] <= solver.t:
            tg = t_grid[len(rows)]
            rows.append(observe(solver.y if tg == solver.t else sol(tg)))
    return Trajectory(t_grid, np.stack(rows, axis=1), solver.nfev)
