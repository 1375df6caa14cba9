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

from ska_theory.network.discrete.base import DiscreteSKA, ForwardPass, sample_mean
from ska_theory.network.metrics import INV_LN2
from ska_theory.network.params import Layer, Params


class ReferenceCodeSKA(DiscreteSKA):
    """The authors' ``ska_update`` loop, operation for operation (their float32 when dtype is float32)."""

    variant: ClassVar[str] = "reference-code"
    weight_fro_columns: ClassVar[Literal["state", "step"]] = "step"

    @property
    def n_passes(self) -> int:
        return self.steps

    def update(self, k: int, params: Params, now: ForwardPass, prev: ForwardPass | None) -> Params:
        if prev is None:  # their loop updates only from the second pass on
            return params
        # A dtype constant: NumPy 2 would promote float32 arrays times the float64 -1/np.log(2).
        minus_inv_ln2 = self.dtype(-INV_LN2)
        n = self.X.shape[0]
        out = []
        for i, lay in enumerate(params):
            Z, D = now.Zs[i], now.Ds[i]
            delta_D = D - prev.Ds[i]
            prev_output = self.X if i == 0 else prev.Ds[i - 1]  # the previous pass's activations
            gradient = minus_inv_ln2 * (Z * (D * (1 - D)) + delta_D)
            dW = prev_output.T @ gradient / n
            out.append(Layer(lay.W - self.lr * dW, lay.b - self.lr * sample_mean(gradient)))
        return tuple(out)
