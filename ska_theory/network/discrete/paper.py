"""The ``paper`` variant: explicit Euler on the SKA weight flow, W_{k+1} = W_k + η·dW/dt(W_k) (SKA-2 eq. 1).

K steps visit the K+1 states W_0..W_K, each with one forward pass. State metrics (``z_fro``,
``shannon_entropy``, ``weight_fro``) and ``output_mean`` have K+1 columns (k = 0..K); step metrics
compare state k with state k-1 and have K columns (k = 1..K).
"""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np

from ska_theory.network.discrete.base import DiscreteSKA, ForwardPass, sample_mean
from ska_theory.network.metrics import entropy_gradient_z
from ska_theory.network.params import Layer, Params


def velocity_from_pass(X: np.ndarray, now: ForwardPass) -> Params:
    """dW_l/dt = -D_{l-1}ᵀ G_l / N, db_l/dt = -mean_n G_l (SKA-2 eqs. 3–4) from a pass already made.

    Equals :func:`ska_theory.network.velocity.velocity` (tested) without a second forward pass.
    """
    n = X.shape[0]
    inputs = [X, *now.Ds[:-1]]
    out = []
    for Z, D, inp in zip(now.Zs, now.Ds, inputs, strict=True):
        G = entropy_gradient_z(Z, D)
        out.append(Layer(-(inp.T @ G) / n, -sample_mean(G)))
    return tuple(out)


class PaperSKA(DiscreteSKA):
    """Explicit Euler with step η on dW/dt = -∇_W H, every layer on its current input (SKA-2 eqs. 1–4)."""

    variant: ClassVar[str] = "paper"
    weight_fro_columns: ClassVar[Literal["state", "step"]] = "state"

    @property
    def n_passes(self) -> int:
        return self.steps + 1

    def update(self, k: int, params: Params, now: ForwardPass, prev: ForwardPass | None) -> Params:
        if k == self.steps:  # the last pass only measures W_K
            return params
        v = velocity_from_pass(self.X, now)
        return tuple(
            Layer(lay.W + self.lr * dv.W, lay.b + self.lr * dv.b) for lay, dv in zip(params, v, strict=True)
        )
