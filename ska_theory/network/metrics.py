"""Per-layer metrics shared by the discrete algorithm and the continuous flow (SKA-1 §3, SKA-2 §2)."""

from __future__ import annotations

import numpy as np
from scipy.special import expit

INV_LN2 = 1.0 / np.log(2.0)


def entropy_gradient_z(Z: np.ndarray, D: np.ndarray) -> np.ndarray:
    """∇_z H = -(1/ln2) Z ⊙ D(1-D), paper's sign (SKA-2 eq. 31); keeps Z's dtype."""
    return Z * (D * (1 - D)) * Z.dtype.type(-INV_LN2)


def shannon_entropy_bits(D: np.ndarray) -> float:
    """Σ_{n,i} H_b(D_ni) in bits, with 0·log 0 = 0."""
    D = np.asarray(D, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -(np.where(D > 0, D * np.log2(D), 0.0) + np.where(D < 1, (1 - D) * np.log2(1 - D), 0.0))
    return float(h.sum())


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Frobenius cosine ⟨a, b⟩ / (‖a‖ ‖b‖); 0 when either is 0 (the authors' convention)."""
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        return 0.0
    return float(np.vdot(a, b) / (na * nb))


def tensor_net_potential(Z: np.ndarray) -> float:
    """Σ F(Z) with F(z) = softplus(z) - H_b(σ(z)) in bits, so F' = σ - ∇_z H (SKA-2 eqs. 26–27).

    Each entry of the Tensor Net integrand depends on its own z only, so the running Tensor Net is
    the difference of this potential between the end and the start of the path, for any path.
    Written as (1 - 1/ln2) softplus(z) + z σ(z)/ln2 (H_b in nats is softplus(z) - z σ(z)); float64.
    """
    Z = np.asarray(Z, dtype=np.float64)
    return float(((1.0 - INV_LN2) * np.logaddexp(0.0, Z) + Z * expit(Z) * INV_LN2).sum())
