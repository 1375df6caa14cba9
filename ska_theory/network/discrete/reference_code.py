"""The ``reference-code`` variant: what the authors' public implementation (Quantiota, PyTorch) does.

It differs from the paper's eq. 1 in three ways, all reproduced here on purpose:

1. no update after the first pass (ΔD is undefined there), so K passes make K-1 updates;
2. the update direction is -(1/ln2)(Z ⊙ D(1-D) + ΔD), i.e. ∇_z H plus an extra -(1/ln2) ΔD term;
3. layer l > 1 multiplies it by the *previous* pass's input D_{l-1}(k-1), not the current one.

Columns follow the authors' histories: ``z_fro``, ``shannon_entropy`` and ``output_mean`` one per pass
(k = 0..K-1, K columns); step metrics and ``weight_fro`` (after the update) one per pass k >= 1
(K-1 columns). The first step column compares two passes with the same weights: ΔD = 0 exactly.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np

from ska_theory.network.discrete.base import DiscreteSKA


class ReferenceCodeSKA(DiscreteSKA):
    """The authors' ``ska_update`` loop (their float32 when dtype is float32)."""

    variant: ClassVar[str] = "reference-code"
    weight_fro_columns: ClassVar[Literal["state", "step"]] = "step"

    @property
    def n_passes(self) -> int:
        return self.steps

    def update(self, k: int) -> None:
        """Their W -= η D_{l-1}(k-1)ᵀ gradient / N, b -= η mean_n gradient, with gradient
        -(1/ln2)(Z D(1-D) + ΔD): -W += α D_{l-1}(k-1)ᵀ (S - ΔD) with S = -Z D(1-D), α = η/(N ln2).
        ΔD is in the dD buffers (record_step put it there)."""
        if k == 0:  # their loop updates only from the second pass on
            return
        previous = 1 - k % 2
        for i, buf in enumerate(self.buf):
            np.subtract(buf.S, buf.dD, out=buf.dD)
            self.add_update(i, self.layer_input(i, previous), buf.dD)
