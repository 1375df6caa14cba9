"""The defaults of a run, in one place: the engines' signatures, ``RunConfig`` and the CLI read them here.

The set-up is SKA-2 §2.2 (the MNIST subset, 784-256-128-64-10, η = 0.01, K = 50, T = 0.5 for the flow).
"""

from __future__ import annotations

DATA = "mnist-subset"
LAYERS: tuple[int, ...] = (784, 256, 128, 64, 10)  # SKA-2 §2.2.1, input size first
SEED = 42  # of W ~ N(0, INIT_SCALE²) (numpy's default_rng; not the authors' torch seed-42 weights)
INIT_SCALE = 0.01
INPUT_SCALE = 1.0

VARIANT = "paper"
ETA = 0.01
STEPS = 50

METHOD = "DOP853"
RTOL = 1e-8
ATOL = 1e-10
# Grid times of the flow's metrics: 101 resolves their curves (the solver takes ~18 steps to T = 0.5)
# while an observation costs about two right-hand sides, so 501 would take ~4x the integration.
GRID = 101
EVENTS = True

# The arithmetic of a run, by variant (the authors' code ran float32, PyTorch's default) or "continuous".
DTYPE: dict[str, str] = {"paper": "float64", "reference-code": "float32", "continuous": "float64"}
