"""The forward pass: Z_l = D_{l-1} W_l + b_l, D_l = σ(Z_l), D_0 = X (SKA-2 §1.1, eqs. 3–4)."""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from ska_theory.network.params import Params


def forward(params: Params, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Knowledge tensors Z_l and decision tensors D_l of every layer, shape (N, fan_out)."""
    Zs, Ds = [], []
    inp = X
    for lay in params:
        Z = inp @ lay.W + lay.b
        D = expit(Z)
        Zs.append(Z)
        Ds.append(D)
        inp = D
    return Zs, Ds
