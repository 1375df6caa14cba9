"""The discrete SKA algorithm, two variants: ``paper`` (SKA-2 eq. 1) and ``reference-code`` (the authors').

Front door: :func:`run_discrete`. See :mod:`.base` for the metric columns, :mod:`.paper` and
:mod:`.reference_code` for what each variant does and how many columns it records.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from ska_theory.network import checks
from ska_theory.network.discrete.base import METRICS, DiscreteRun, DiscreteSKA
from ska_theory.network.discrete.paper import PaperSKA
from ska_theory.network.discrete.reference_code import ReferenceCodeSKA
from ska_theory.network.params import Params

VARIANTS: dict[str, type[DiscreteSKA]] = {"paper": PaperSKA, "reference-code": ReferenceCodeSKA}

__all__ = ["METRICS", "VARIANTS", "DiscreteRun", "run_discrete"]


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
    Raises ArgumentError (a ValueError) naming ``eta`` (<= 0 or non-finite), ``steps`` (< 2),
    ``variant``, ``dtype``, or ``X`` (non-finite, or not fitting ``params0``).
    """
    checks.choice("variant", variant, VARIANTS)
    return VARIANTS[variant](params0, X, eta=eta, steps=steps, dtype=dtype).run(progress=progress)
