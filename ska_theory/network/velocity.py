"""The continuous SKA weight flow in its plain form (SKA-2 eqs. 2–4, 31; mean over samples).

G_l = -(1/ln2) Z_l ⊙ D_l(1-D_l);  dW_l/dt = -D_{l-1}ᵀ G_l / N;  db_l/dt = -mean_n G_l.
Every layer uses its own current input; no gradient crosses layers. This is the readable reference;
the integrator's right-hand side is an optimised equivalent and is tested against it.
"""

from __future__ import annotations

import numpy as np

from ska_theory.network.forward import forward
from ska_theory.network.metrics import entropy_gradient_z
from ska_theory.network.params import Layer, Params


def velocity(params: Params, X: np.ndarray) -> Params:
    """(dW_l/dt, db_l/dt) for every layer at ``params`` (SKA-2 eqs. 3–4)."""
    Zs, Ds = forward(params, X)
    inputs = [X, *Ds[:-1]]
    n = X.shape[0]
    out = []
    for Z, D, inp in zip(Zs, Ds, inputs, strict=True):
        G = entropy_gradient_z(Z, D)
        out.append(Layer(-(inp.T @ G) / n, -G.mean(axis=0)))
    return tuple(out)
