"""Per-layer metrics shared by the discrete algorithm and the continuous flow (SKA-1 §3, SKA-2 §2)."""

from __future__ import annotations

import math

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


def shannon_entropy_from_pass(D: np.ndarray, y_one_minus_D: np.ndarray, out: np.ndarray) -> float:
    """Σ_{n,i} H_b(D) in bits from a pass's D = σ(Z) and y ⊙ (1 - D), y = -Z; ``out`` is scratch.

    With σ(z) = 1/(1 + e^y): H_b(σ(z)) ln 2 = softplus(z) - z σ(z) = -(log σ(z) + y (1 - σ(z))), one log
    per element. Each element is formed before summing: for z < 0 its two terms cancel to within
    |z| ε, a rounding error of that element alone, while summing each term over the layer first would
    lose the digits of their much larger sums. Where σ(z) underflowed to 0 (z < -88 in float32,
    -745 in float64) H_b < 1e-30 counts as 0.
    """
    with np.errstate(divide="ignore"):
        np.log(D, out=out)
    out += y_one_minus_D
    total = float(out.sum(dtype=out.dtype))
    if not math.isfinite(total):
        out[D == 0] = 0.0
        total = float(out.sum(dtype=out.dtype))
    return -total * INV_LN2


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Frobenius cosine ⟨a, b⟩ / (‖a‖ ‖b‖); 0 when either is 0 (the authors' convention)."""
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        return 0.0
    return float(np.vdot(a, b) / (na * nb))


def ska_entropy(Z: np.ndarray, delta_D: np.ndarray) -> float:
    """Layer entropy of one step, -(1/ln2) Σ_{n,i} Z ⊙ ΔD over samples and neurons (SKA-1 §3.1.2)."""
    return float(np.sum(Z * delta_D) * Z.dtype.type(-INV_LN2))


def tensor_net(Z: np.ndarray, D: np.ndarray, delta_Z: np.ndarray) -> float:
    """One step's term Σ (D - ∇_z H) ⊙ ΔZ of the Tensor Net (SKA-2 eq. 8), ∇_z H = -(1/ln2) Z D(1-D)."""
    return float(np.sum(delta_Z * (D - entropy_gradient_z(Z, D))))


def tensor_net_code_sign(Z: np.ndarray, D: np.ndarray, delta_Z: np.ndarray) -> float:
    """The Tensor Net term as the authors' code computes it, with ∇_z H taken as +(1/ln2) Z D(1-D)."""
    return float(np.sum(delta_Z * (D + entropy_gradient_z(Z, D))))


def tensor_net_potential(Z: np.ndarray, D: np.ndarray | None = None) -> float:
    """Σ F(Z) with F(z) = softplus(z) - H_b(σ(z)) in bits, so F' = σ - ∇_z H (SKA-2 eqs. 26–27).

    Each entry of the Tensor Net integrand depends on its own z only, so the running Tensor Net is
    the difference of this potential between the end and the start of the path, for any path.
    Written as (1 - 1/ln2) softplus(z) + z σ(z)/ln2 (H_b in nats is softplus(z) - z σ(z)); float64.
    ``D`` = σ(Z) when already at hand.
    """
    Z = np.asarray(Z, dtype=np.float64)
    D = expit(Z) if D is None else np.asarray(D, dtype=np.float64)
    softplus = np.log1p(np.exp(-np.abs(Z))) + np.maximum(Z, 0.0)  # = log(1 + e^z) without overflow
    return float((1.0 - INV_LN2) * softplus.sum() + INV_LN2 * np.vdot(Z, D))
