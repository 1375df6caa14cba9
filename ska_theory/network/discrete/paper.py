"""The ``paper`` variant: explicit Euler on the SKA weight flow, W_{k+1} = W_k + η·dW/dt(W_k) (SKA-2 eq. 1).

K steps visit the K+1 states W_0..W_K, each with one forward pass. State metrics (``z_fro``,
``shannon_entropy``, ``weight_fro``) and ``output_mean`` have K+1 columns (k = 0..K); step metrics
compare state k with state k-1 and have K columns (k = 1..K).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from ska_theory.network.discrete.base import DiscreteSKA


class PaperSKA(DiscreteSKA):
    """Explicit Euler with step η on dW/dt = -∇_W H, every layer on its current input (SKA-2 eqs. 1–4)."""

    variant: ClassVar[str] = "paper"
    weight_fro_columns: ClassVar[Literal["state", "step"]] = "state"

    @property
    def n_passes(self) -> int:
        return self.steps + 1

    def update(self, k: int) -> None:
        """dW_l/dt = -D_{l-1}ᵀ G_l / N, db_l/dt = -Σ_n G_l / N with G = ∇_z H = -(1/ln2) Z D(1-D)
        (SKA-2 eqs. 3–4): W += η/(N ln2) D_{l-1}ᵀ Z D(1-D), i.e. -W += α D_{l-1}ᵀ S (S = -Z D(1-D)),
        with the pass's own inputs."""
        if k == self.steps:  # the last pass only measures W_K
            return
        g = k % 2
        for i, buf in enumerate(self.buf):
            self.add_update(i, self.layer_input(i, g), buf.S)
