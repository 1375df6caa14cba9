"""The discrete SKA algorithm, two variants: ``paper`` (SKA-2 eq. 1) and ``reference-code`` (the authors').

Front door: :func:`run_discrete`. See :mod:`.base` for the metric columns, :mod:`.paper` and
:mod:`.reference_code` for what each variant does and how many columns it records.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from ska_theory.errors import UsageError
from ska_theory.network.discrete.base import METRICS, DiscreteRun, DiscreteSKA
from ska_theory.network.discrete.paper import PaperSKA
from ska_theory.network.discrete.reference_code import ReferenceCodeSKA
from ska_theory.network.params import Params

VARIANTS: dict[str, type[DiscreteSKA]] = {"paper": PaperSKA, "reference-code": ReferenceCodeSKA}
# The authors' implementation ran in float32 (PyTorch default); the paper's Euler scheme defaults to float64.
DEFAULT_DTYPE: dict[str, type] = {"paper": np.float64, "reference-code": np.float32}

__all__ = ["DEFAULT_DTYPE", "METRICS", "VARIANTS", "DiscreteRun", "run_discrete"]


def run_discrete(
    params0: Params,
    X: np.ndarray,
    *,
    variant: Literal["paper", "reference-code"],
    eta: float,
    steps: int,
    dtype: type = np.float64,
    progress: bool = False,
) -> DiscreteRun:
    """Run ``steps`` steps (K) of a discrete SKA variant with step size η from ``params0`` on data ``X``.

    Computes in ``dtype`` (float32 or float64) throughout; every array of the result has that dtype.
    ``paper``: K updates, K+1 passes; ``reference-code``: K passes, K-1 updates (the authors' loop).
    Raises UsageError naming the value for η <= 0 or non-finite, K < 2, an unknown variant or dtype,
    or X that does not fit ``params0``.
    """
    if variant not in VARIANTS:
        raise UsageError(f"variant {variant!r}: must be one of {', '.join(VARIANTS)}")
    return VARIANTS[variant](params0, X, eta=eta, steps=steps, dtype=dtype).run(progress=progress)
