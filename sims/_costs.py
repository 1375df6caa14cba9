"""What one update costs: bytes held and FLOPs of backpropagation, the SKA update as written, the authors'.

Three NumPy implementations of one full-batch update of a sigmoid network (float32, as the authors ran),
each written with the same care: every array the method's formulas name is one buffer, elementwise
steps run in place when an operand dies, ``W += α Aᵀ G`` is one BLAS ``gemm`` into ``W`` (no ``dW``
buffer), and an elementwise product that must keep both operands alive (``Z ⊙ D(1-D)``) is fused into
the dying operand's buffer a block of :data:`CHUNK` rows at a time, as a fused kernel would do it.

- :func:`backprop_update`: sigmoid MLP with a binary cross-entropy loss on one-hot labels; the forward
  pass keeps every layer's D (σ' = D(1-D) needs nothing else), the backward pass walks δ down.
- :func:`ska_update`: SKA-2 eqs. 3–4 as written (explicit Euler, the ``paper`` variant): layer l's
  update needs only its input D_{l-1} and its own Z_l, D_l, so it runs as soon as the input is known and
  the layer below can be dropped: one layer's activations at a time.
- :func:`authors_update`: the authors' loop (``reference-code`` variant): a whole forward pass stored
  (Z and D of every layer), the previous pass's D of every layer kept for ΔD and as the stale input.

The ``*_elements`` functions give, from the shapes alone, the peak number of elements each update holds
beyond the parameters and the data (X, and the labels Y for backpropagation), which all methods hold
alike; :func:`traced_peak` measures the same with ``tracemalloc``.

FLOPs: :func:`task_graph` lists the layer-level tasks of one update with exact FLOP counts (one per
multiply or add; a (m×k)(k×n) product counts 2mkn) and their dependencies; :func:`critical_path` is the
longest dependency chain. All functions are pure functions of shapes or arrays, tested in
tests/test_sims_efficiency.py.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from graphlib import TopologicalSorter

import numpy as np
from scipy.linalg.blas import get_blas_funcs

from ska_theory.network.params import Layer, Params

LN2 = float(np.log(2.0))
CHUNK = 50  # rows per block of a fused elementwise step
DTYPE = np.float32  # the authors' PyTorch default

# --- the three updates ---------------------------------------------------------------------------------


def sigmoid_into(Z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """σ(Z) into ``out`` (which may be Z itself) without temporaries."""
    np.negative(Z, out=out)
    with np.errstate(over="ignore"):
        np.exp(out, out=out)
    out += 1
    return np.reciprocal(out, out=out)


def gemm_accumulate(W: np.ndarray, A: np.ndarray, G: np.ndarray, alpha: float) -> None:
    """W += alpha·Aᵀ G in place, one BLAS gemm on transposed views (no copy, no dW buffer)."""
    gemm = get_blas_funcs("gemm", (W,))
    # Wᵀ += alpha·Gᵀ A: every operand is an F-contiguous view, so f2py passes it without copying.
    gemm(W.dtype.type(alpha), G.T, A.T, beta=1.0, c=W.T, trans_b=1, overwrite_c=1)


def fuse_knowledge_gradient(
    Z: np.ndarray, D: np.ndarray, D_prev: np.ndarray | None = None, chunk: int = CHUNK
) -> None:
    """Z ← Z ⊙ D(1-D) (+ D - D_prev), block by block with one (chunk × n) scratch buffer."""
    tmp = np.empty((min(chunk, len(Z)), Z.shape[1]), Z.dtype)
    for s in range(0, len(Z), chunk):
        z, d = Z[s : s + chunk], D[s : s + chunk]
        t = tmp[: len(z)]
        np.subtract(1, d, out=t)
        t *= d
        z *= t
        if D_prev is not None:
            z += d
            z -= D_prev[s : s + chunk]


def _bias_step(b: np.ndarray, G: np.ndarray, alpha: float) -> None:
    """b += alpha·Σ_n G (the sum is the one new buffer, n_l numbers)."""
    db = G.sum(axis=0)
    db *= b.dtype.type(alpha)
    b += db


def ska_update(params: Params, X: np.ndarray, eta: float, chunk: int = CHUNK) -> None:
    """One explicit Euler step of SKA-2 eqs. 3–4 in place, layer by layer as soon as each input is known."""
    alpha = eta / (X.shape[0] * LN2)  # W += η/(N ln2) D_{l-1}ᵀ (Z ⊙ D(1-D)) = η·(-D_{l-1}ᵀ ∇_z H / N)
    inp = X
    for lay in params:
        Z = np.matmul(inp, lay.W)
        Z += lay.b
        D = sigmoid_into(Z, np.empty_like(Z))
        fuse_knowledge_gradient(Z, D, chunk=chunk)
        gemm_accumulate(lay.W, inp, Z, alpha)
        _bias_step(lay.b, Z, alpha)
        del Z
        inp = D  # the layer below is dropped here


def backprop_update(params: Params, X: np.ndarray, Y: np.ndarray, eta: float) -> None:
    """One gradient step in place on the mean binary cross-entropy of the sigmoid outputs against Y."""
    alpha = -eta / X.shape[0]
    Ds: list[np.ndarray] = []
    inp = X
    for lay in params:
        A = np.matmul(inp, lay.W)
        A += lay.b
        Ds.append(sigmoid_into(A, A))  # backprop needs D only: σ' = D(1-D)
        inp = A
    del inp, A
    delta = Ds.pop()
    delta -= Y  # δ_L = D_L - Y, in D_L's buffer
    for i in range(len(params) - 1, -1, -1):
        lay = params[i]
        below = Ds[i - 1] if i > 0 else X
        nxt = np.matmul(delta, lay.W.T) if i > 0 else None  # with the old W_l
        gemm_accumulate(lay.W, below, delta, alpha)
        _bias_step(lay.b, delta, alpha)
        if nxt is None:
            return
        nxt *= below
        np.subtract(1, below, out=below)
        nxt *= below  # δ_{l-1} = (δ_l W_lᵀ) ⊙ D_{l-1}(1 - D_{l-1})
        Ds.pop()
        del below
        delta = nxt


def forward_pass(params: Params, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Z_l and D_l of every layer (the authors' stored pass)."""
    Zs, Ds = [], []
    inp = X
    for lay in params:
        Z = np.matmul(inp, lay.W)
        Z += lay.b
        Zs.append(Z)
        Ds.append(sigmoid_into(Z, np.empty_like(Z)))
        inp = Ds[-1]
    return Zs, Ds


def authors_update(
    params: Params, X: np.ndarray, D_prev: list[np.ndarray], eta: float, chunk: int = CHUNK
) -> list[np.ndarray]:
    """The authors' step in place: a stored pass, then W_l -= η D_{l-1}(k-1)ᵀ (-(1/ln2)(Z⊙D(1-D) + ΔD))/N.

    Returns this pass's D of every layer: the next update's previous pass.
    """
    Zs, Ds = forward_pass(params, X)
    alpha = eta / (X.shape[0] * LN2)
    for i, lay in enumerate(params):
        fuse_knowledge_gradient(Zs[i], Ds[i], D_prev[i], chunk=chunk)
        gemm_accumulate(lay.W, X if i == 0 else D_prev[i - 1], Zs[i], alpha)
        _bias_step(lay.b, Zs[i], alpha)
    return Ds


# --- peak elements from the shapes ------------------------------------------------------------------------


def ska_elements(sizes: Sequence[int], n: int, chunk: int = CHUNK) -> int:
    """Peak of :func:`ska_update`: max over l of D_{l-1} (l ≥ 2) + Z_l + D_l + the fused step's scratch."""
    return max(
        (n * sizes[i] if i > 0 else 0) + 2 * n * sizes[i + 1] + min(chunk, n) * sizes[i + 1]
        for i in range(len(sizes) - 1)
    )


def ska_unfused_elements(sizes: Sequence[int], n: int) -> int:
    """The same update with ∇_z H held as a whole extra (N × n_l) array instead of fused into Z's buffer."""
    return max((n * sizes[i] if i > 0 else 0) + 3 * n * sizes[i + 1] for i in range(len(sizes) - 1))


def backprop_elements(sizes: Sequence[int], n: int) -> int:
    """Peak of :func:`backprop_update`: every D after the forward pass, or at the backward step of layer
    l ≥ 2: D_1..D_{l-1} + δ_l + the new δ_{l-1} + the bias sum."""
    widths = list(sizes[1:])
    stages = [n * sum(widths)]
    for i in range(len(widths) - 1, 0, -1):
        stages.append(n * (sum(widths[:i]) + widths[i] + widths[i - 1]) + widths[i])
    stages.append(n * widths[0] + widths[0])
    return max(stages)


def authors_elements(sizes: Sequence[int], n: int, chunk: int = CHUNK) -> int:
    """Peak of :func:`authors_update`: previous pass D + stored Z and D of every layer + one scratch."""
    widths = sizes[1:]
    return 3 * n * sum(widths) + min(chunk, n) * max(widths)


def traced_peak(setup: Callable[[], object], update: Callable[[object], object]) -> int:
    """Peak bytes traced while ``update(state)`` runs, above what was traced before ``setup()``.

    ``setup`` allocates the state the update carries in (counted: it is held during the update).
    """
    outer = tracemalloc.is_tracing()  # leave a tracer someone else started running
    if not outer:
        tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        state = setup()
        tracemalloc.reset_peak()
        update(state)
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        if not outer:
            tracemalloc.stop()


def copy_params(params: Params, dtype: type = DTYPE) -> Params:
    """Fresh C-contiguous parameters in ``dtype`` (the updates work in place)."""
    return tuple(Layer(np.array(lay.W, dtype=dtype), np.array(lay.b, dtype=dtype)) for lay in params)


# --- FLOPs and the dependency graph -----------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One layer-level piece of an update: its FLOPs and the tasks it waits for."""

    name: str
    flops: int
    after: tuple[str, ...]
    layer: int  # 1-based
    stage: bool = True  # a layer stage (carries a matrix product); False for an elementwise step


def forward_flops(n: int, fan_in: int, fan_out: int) -> int:
    """Z = D W + b, D = σ(Z): 2 n fan_in fan_out + n fan_out (bias) + 4 n fan_out (σ: -, exp, +1, 1/x)."""
    return 2 * n * fan_in * fan_out + 5 * n * fan_out


def weight_step_flops(n: int, fan_in: int, fan_out: int) -> int:
    """W += α Dᵀ G (gemm: 2 n fan_in fan_out + 2 fan_in fan_out), b += α Σ_n G (n fan_out + 2 fan_out)."""
    return 2 * n * fan_in * fan_out + 2 * fan_in * fan_out + n * fan_out + 2 * fan_out


def task_graph(method: str, sizes: Sequence[int], n: int) -> dict[str, Task]:
    """Tasks of one update of ``method`` ('ska' or 'backprop') on layers ``sizes`` with batch ``n``."""
    L = len(sizes) - 1
    tasks: dict[str, Task] = {}
    for j in range(1, L + 1):
        prev: tuple[str, ...] = (f"F{j - 1}",) if j > 1 else ()
        tasks[f"F{j}"] = Task(f"F{j}", forward_flops(n, sizes[j - 1], sizes[j]), prev, j)
    if method == "ska":
        for j in range(1, L + 1):  # ∇_z H (3 n n_j) and the weight step; needs only F_j
            flops = 3 * n * sizes[j] + weight_step_flops(n, sizes[j - 1], sizes[j])
            tasks[f"U{j}"] = Task(f"U{j}", flops, (f"F{j}",), j)
        return tasks
    if method != "backprop":
        raise ValueError(f"method {method!r}: 'ska' or 'backprop'")
    tasks["E"] = Task("E", n * sizes[L], (f"F{L}",), L, stage=False)  # δ_L = D_L - Y
    for j in range(L, 0, -1):
        made = "E" if j == L else f"P{j + 1}"  # the task that made δ_j
        if j > 1:  # δ_{j-1} = (δ_j W_jᵀ) ⊙ D_{j-1}(1 - D_{j-1}), with the old W_j
            tasks[f"P{j}"] = Task(f"P{j}", 2 * n * sizes[j] * sizes[j - 1] + 3 * n * sizes[j - 1], (made,), j)
        waits = (made, f"P{j}") if j > 1 else (made,)  # W_j is written after P_j has read it
        tasks[f"G{j}"] = Task(f"G{j}", weight_step_flops(n, sizes[j - 1], sizes[j]), waits, j)
    return tasks


@dataclass(frozen=True)
class Path:
    """A longest dependency chain: its weight (FLOPs, or layer stages) and its tasks."""

    weight: int
    tasks: tuple[str, ...]


def longest_chain(tasks: dict[str, Task], weight: Callable[[Task], int]) -> Path:
    """Longest chain of dependent tasks under ``weight`` (ties: the task listed first)."""
    order = TopologicalSorter({k: set(t.after) for k, t in tasks.items()}).static_order()
    best: dict[str, tuple[int, tuple[str, ...]]] = {}
    for name in order:
        t = tasks[name]
        prev = max((best[a] for a in t.after), default=(0, ()), key=lambda p: p[0])
        best[name] = (prev[0] + weight(t), (*prev[1], name))
    w, chain = max(best.values(), key=lambda p: p[0])
    return Path(w, chain)


def critical_path(tasks: dict[str, Task]) -> Path:
    """The longest chain in FLOPs: no schedule, however many workers, finishes an update sooner."""
    return longest_chain(tasks, lambda t: t.flops)


def stage_depth(tasks: dict[str, Task]) -> Path:
    """The longest chain in layer stages (tasks carrying a matrix product): the critical path in layers."""
    return longest_chain(tasks, lambda t: int(t.stage))


def depends_on(tasks: dict[str, Task], a: str, b: str) -> bool:
    """True when task ``a`` waits, directly or through others, for task ``b``."""
    todo, seen = list(tasks[a].after), set()
    while todo:
        x = todo.pop()
        if x == b:
            return True
        if x not in seen:
            seen.add(x)
            todo.extend(tasks[x].after)
    return False


def pipelined_time(tasks: dict[str, Task], sizes: Sequence[int]) -> int:
    """FLOPs per update in steady state with one worker per layer: max over l of the layer's tasks.

    Exact for SKA: U_l of update k needs only F_l of update k, so layer l can start update k+1 while the
    layers above still finish update k, and every layer computes exactly what the serial loop computes.
    """
    return max(sum(t.flops for t in tasks.values() if t.layer == j) for j in range(1, len(sizes)))
