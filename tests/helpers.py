"""Shared test helpers: float references independent of SymPy, tiny networks, claims decided once.

Float references (NumPy/SciPy) re-derive the numbers a claim was decided on by another route; a claim
is decided once per test session (and across the CI run: the outcome cache is keyed by content, so
`ska-theory check` earlier in CI already decided it).
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
from scipy.integrate import quad
from scipy.special import expit

from ska_theory.claims.cache import decide as cached_decide
from ska_theory.claims.model import Claim, Context, Outcome
from ska_theory.claims.registry import discover
from ska_theory.network.params import Layer, Params
from ska_theory.runs.cache import default_cache_dir
from ska_theory.symbolic.theory import Theory, builtin, theory

LN2 = float(np.log(2.0))


def sigmoid(x: np.ndarray | float, slope: float = 1.0) -> np.ndarray | float:
    """σ(slope·x), SciPy's expit."""
    return expit(slope * np.asarray(x, dtype=float))


def sigmoid_prime(x: float, slope: float = 1.0) -> float:
    s = float(np.asarray(sigmoid(x, slope)).reshape(()))
    return slope * s * (1 - s)


def binary_entropy(p: np.ndarray | float, unit: str = "bits") -> np.ndarray | float:
    """H_b(p) with 0 log 0 = 0, in bits or nats."""
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -(np.where(p > 0, p * np.log(p), 0.0) + np.where(p < 1, (1 - p) * np.log(1 - p), 0.0))
    return h / LN2 if unit == "bits" else h


def h_ska_quad(z: float, slope: float = 1.0, unit: str = "bits", lower: float = -np.inf) -> float:
    """-κ ∫_{lower}^{z} s f'(s) ds for f = σ(slope·s), by SciPy's quad (independent of mpmath)."""
    val = quad(lambda s: s * sigmoid_prime(s, slope), lower, z, limit=200)[0]
    return -val / LN2 if unit == "bits" else -val


def random_network(sizes: tuple[int, ...], n_samples: int, seed: int) -> tuple[Params, np.ndarray]:
    """Weights and biases ~ N(0, 1), inputs uniform in [0, 1]."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.0, 1.0, (n_samples, sizes[0]))
    params = tuple(
        Layer(rng.standard_normal((a, b)), rng.standard_normal(b)) for a, b in itertools.pairwise(sizes)
    )
    return params, X


def theory_named(name: str) -> Theory:
    """A built-in by name, or a custom theory from 'activation' text (no name special-casing possible)."""
    return builtin(name) if ":" not in name else theory("custom", name.split(":", 1)[1])


@functools.cache
def claims_by_id() -> dict[str, Claim]:
    return {c.id: c for c in discover()}


@functools.cache
def decide(claim_id: str, theory_name: str = "paper") -> Outcome:
    """The claim's outcome under a theory, decided once (through the content-keyed outcome cache)."""
    return cached_decide(
        claims_by_id()[claim_id], Context(theory=theory_named(theory_name)), default_cache_dir()
    )


def fresh(claim_id: str, th: Theory) -> Outcome:
    """Decided now, without any cache (for tests that change the mathematics under the claim)."""
    return claims_by_id()[claim_id].decide(Context(theory=th, use_cache=False))
