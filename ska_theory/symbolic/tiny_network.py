"""A symbolic sigmoid network small enough for exact statements about the SKA flow (SKA-2 eqs. 2–4).

Same conventions as :mod:`ska_theory.network.velocity`: Z_l = D_{l-1} W_l + b_l (D_0 = X), D_l = σ(Z_l),
G_l = ∇_z H^(l), dW_l/dt = -D_{l-1}ᵀ G_l / N, db_l/dt = -mean_n G_l. Layers are indexed from 0 in Python
(like ``Params``) and named from 1 in symbols (like the paper): layer 0 holds ``w1``, ``b1``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy as sp

from ska_theory.symbolic.definitions import binary_entropy_bits, entropy_gradient_z, sigma
from ska_theory.symbolic.rewrites import log_sigma_rules
from ska_theory.symbolic.witness import Rewrite


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

    def forward(self) -> tuple[list[sp.Matrix], list[sp.Matrix]]:
        """Knowledge Z_l and decisions D_l = σ(Z_l) of every layer, each (N, n_l) (SKA-2 §1.1)."""
        Zs, Ds = [], []
        inp = self.X
        ones = sp.ones(self.n_samples, 1)
        for W, b in zip(self.Ws, self.bs, strict=True):
            Z = inp * W + ones * b
            Zs.append(Z)
            Ds.append(Z.applyfunc(sigma))
            inp = Ds[-1]
        return Zs, Ds

    def knowledge_symbols(self) -> tuple[list[sp.Matrix], list[sp.Matrix]]:
        """Z_l as plain symbols z<l>_<n><k> and D_l = σ(Z_l): the forward pass abbreviated for display."""
        Zs = [_symbols(f"z{i + 1}", self.n_samples, W.shape[1]) for i, W in enumerate(self.Ws)]
        return Zs, [Z.applyfunc(sigma) for Z in Zs]

    def velocity(self, *, abbreviated: bool = False) -> dict[sp.Symbol, sp.Expr]:
        """d(param)/dt for every parameter: the outer-product form of SKA-2 eqs. 3–4, mean over samples.

        ``abbreviated`` writes it in the knowledge symbols z<l>_<n><k> (for display) instead of the weights.
        """
        Zs, Ds = self.knowledge_symbols() if abbreviated else self.forward()
        inputs = [self.X, *Ds[:-1]]
        n = self.n_samples
        out: dict[sp.Symbol, sp.Expr] = {}
        for W, b, Z, inp in zip(self.Ws, self.bs, Zs, inputs, strict=True):
            G = Z.applyfunc(entropy_gradient_z)
            dW = -(inp.T * G) / n
            db = -(sp.ones(1, n) * G) / n
            for sym, v in (*zip(W, dW, strict=True), *zip(b, db, strict=True)):
                if isinstance(sym, sp.Symbol):
                    out[sym] = v
        return out

    def layer_entropy(self, i: int) -> sp.Expr:
        """H^(l) = Σ_{n,k} H_b(D_l[n,k]) in bits, as a function of all weights (upstream layers included)."""
        return sp.Add(*(binary_entropy_bits(d) for d in self.forward()[1][i]))

    def rate(self, expr: sp.Expr, params: Sequence[sp.Symbol] | None = None) -> sp.Expr:
        """d(expr)/dt along the flow, Σ_k ∂expr/∂θ_k · dθ_k/dt (over ``params`` if given)."""
        v = self.velocity()
        return sp.Add(*(sp.diff(expr, p) * v[p] for p in (self.params if params is None else params)))

    def logit_rewrite(self) -> Rewrite:
        """ln σ(Z) = -ln(1+e^{-Z}), ln(1-σ(Z)) = -Z - ln(1+e^{-Z}) for every entry Z of every layer."""
        rules: dict[sp.Expr, sp.Expr] = {}
        for Z in self.forward()[0]:
            for e in Z:
                rules.update(log_sigma_rules(e))
        return (
            "ln σ(Z_l) = -ln(1+e^{-Z_l}), ln(1-σ(Z_l)) = -Z_l - ln(1+e^{-Z_l}), every entry",
            _subs(rules),
        )


def _subs(rules: dict[sp.Expr, sp.Expr]) -> Callable[[sp.Expr], sp.Expr]:
    return lambda e: e.xreplace(rules)


def tiny_network(sizes: Sequence[int], n_samples: int = 1, *, bias: bool = True) -> TinyNetwork:
    """A symbolic network with layer sizes ``sizes`` (input first), ``n_samples`` symbolic samples."""
    if len(sizes) < 2 or min(sizes) < 1 or n_samples < 1:
        raise ValueError(f"tiny_network: bad sizes {tuple(sizes)} or n_samples {n_samples}")
    Ws, bs = [], []
    for k, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes), start=1):
        Ws.append(_symbols(f"w{k}", fan_in, fan_out))
        bs.append(_symbols(f"b{k}", 1, fan_out) if bias else sp.zeros(1, fan_out))
    return TinyNetwork(_symbols("x", n_samples, sizes[0]), tuple(Ws), tuple(bs))
