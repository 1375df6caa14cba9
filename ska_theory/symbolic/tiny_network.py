"""A symbolic network small enough for exact statements about the SKA flow (SKA-2 eqs. 2–4).

Same conventions as :mod:`ska_theory.network.velocity`: Z_l = D_{l-1} W_l + b_l (D_0 = X), D_l = f(Z_l),
G_l = ∇_z H^(l), dW_l/dt = -D_{l-1}ᵀ G_l / N, db_l/dt = -mean_n G_l. The activation, the gradient
convention and the entropy come from a :class:`Neurons` — either the theory's concrete functions
(:func:`concrete`, for numbers) or opaque SymPy functions that keep only the theory's derivative
relations (:func:`opaque`, for proofs short enough to expand). Layers are indexed from 0 in Python
and named from 1 in symbols (the paper's): layer 0 holds ``w1``, ``b1``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy as sp

from ska_theory.symbolic.theory import Theory, z

Fn = Callable[[sp.Expr], sp.Expr]


@dataclass(frozen=True)
class Neurons:
    """Per-neuron functions of knowledge z: activation f, gradient ∇_z H and entropy potential Φ."""

    f: Fn
    grad: Fn
    phi: Fn


def concrete(th: Theory, phi: sp.Expr) -> Neurons:
    """The theory's own functions; ``phi`` is a derived potential Φ(z) with Φ' = dH_SKA/dz."""
    return Neurons(th.f, th.entropy_gradient_z, lambda x: phi.subs(z, x))


def opaque(th: Theory) -> Neurons:
    """Opaque f, f' and Φ whose derivatives follow the theory: f' = fp, Φ' = -κ z fp(z), and
    ∇_z H = sign·(-κ)·z·fp(z). Identities that hold for these hold for every activation."""
    prefactor, sign = th.prefactor, th.sign
    fp = sp.Function("fp", real=True)

    class f(sp.Function):
        is_real = True

        def fdiff(self, argindex: int = 1) -> sp.Expr:
            return fp(self.args[0])

    class Phi(sp.Function):
        is_real = True

        def fdiff(self, argindex: int = 1) -> sp.Expr:
            return prefactor * self.args[0] * fp(self.args[0])

    return Neurons(f, lambda x: sign * prefactor * x * fp(x), Phi)


def _symbols(name: str, rows: int, cols: int) -> sp.Matrix:
    """A matrix of real symbols ``name_ij`` (1-based), or the bare ``name`` when it is 1×1."""
    if rows == cols == 1:
        return sp.Matrix([[sp.Symbol(name, real=True)]])
    if rows == 1:
        return sp.Matrix([[sp.Symbol(f"{name}_{j + 1}", real=True) for j in range(cols)]])
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True))


@dataclass(frozen=True)
class TinyNetwork:
    """Symbolic data X (N, n_0), weights W_l (n_{l-1}, n_l) and bias rows b_l (1, n_l), all real symbols."""

    X: sp.Matrix
    Ws: tuple[sp.Matrix, ...]
    bs: tuple[sp.Matrix, ...]

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_layers(self) -> int:
        return len(self.Ws)

    def layer_params(self, i: int) -> list[sp.Symbol]:
        """The free parameters of layer ``i``: entries of W then b (zero biases are not parameters)."""
        return [e for e in (*self.Ws[i], *self.bs[i]) if isinstance(e, sp.Symbol)]

    @property
    def params(self) -> list[sp.Symbol]:
        return [p for i in range(self.n_layers) for p in self.layer_params(i)]

    @property
    def inputs(self) -> list[sp.Symbol]:
        return list(self.X)

    def forward(self, n: Neurons) -> tuple[list[sp.Matrix], list[sp.Matrix]]:
        """Knowledge Z_l and decisions D_l = f(Z_l) of every layer, each (N, n_l) (SKA-2 §1.1)."""
        Zs, Ds = [], []
        inp, ones = self.X, sp.ones(self.n_samples, 1)
        for W, b in zip(self.Ws, self.bs, strict=True):
            Z = inp * W + ones * b
            Zs.append(Z)
            Ds.append(Z.applyfunc(n.f))
            inp = Ds[-1]
        return Zs, Ds

    def velocity(self, n: Neurons) -> dict[sp.Symbol, sp.Expr]:
        """d(param)/dt for every parameter: the outer-product form of SKA-2 eqs. 3–4, mean over samples."""
        Zs, Ds = self.forward(n)
        out: dict[sp.Symbol, sp.Expr] = {}
        N = self.n_samples
        for W, b, Z, inp in zip(self.Ws, self.bs, Zs, [self.X, *Ds[:-1]], strict=True):
            G = Z.applyfunc(n.grad)
            dW, db = -(inp.T * G) / N, -(sp.ones(1, N) * G) / N
            for sym, v in (*zip(W, dW, strict=True), *zip(b, db, strict=True)):
                if isinstance(sym, sp.Symbol):
                    out[sym] = v
        return out

    def layer_entropy(self, i: int, n: Neurons) -> sp.Expr:
        """H^(l) = Σ_{n,k} Φ(Z_l[n,k]): the layer's entropy up to a constant, as a function of all weights."""
        return sp.Add(*(n.phi(e) for e in self.forward(n)[0][i]))

    def rate(self, expr: sp.Expr, n: Neurons, params: Sequence[sp.Symbol] | None = None) -> sp.Expr:
        """d(expr)/dt along the flow, Σ_k ∂expr/∂θ_k · dθ_k/dt (over ``params`` if given)."""
        v = self.velocity(n)
        return sp.Add(*(sp.diff(expr, p) * v[p] for p in (self.params if params is None else params)))


def tiny_network(sizes: Sequence[int], n_samples: int = 1, *, bias: bool = True) -> TinyNetwork:
    """A symbolic network with layer sizes ``sizes`` (input first), ``n_samples`` symbolic samples."""
    if len(sizes) < 2 or min(sizes) < 1 or n_samples < 1:
        raise ValueError(f"sizes {tuple(sizes)} or n_samples {n_samples}: need two or more positive sizes")
    Ws, bs = [], []
    for k, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes), start=1):
        Ws.append(_symbols(f"w{k}", fan_in, fan_out))
        bs.append(_symbols(f"b{k}", 1, fan_out) if bias else sp.zeros(1, fan_out))
    return TinyNetwork(_symbols("x", n_samples, sizes[0]), tuple(Ws), tuple(bs))
