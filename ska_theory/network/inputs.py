"""Layer 1's input X split by how the products can use it (shared by the discrete run and the flow).

Z_1 = X W_1 + b_1 and every update D_0ᵀ G = Xᵀ G of W_1 only involve the columns of X:

- a column that is zero for every sample adds nothing to Z_1, and its row of Xᵀ G is exactly 0: its
  row of W_1 never changes and takes part in no product (175 of MNIST's 784 pixels);
- a column nonzero for few samples (the border pixels) costs less in a sparse product than in the
  dense GEMM: those enter a CSR product (``Xs``, ``XsT``);
- the rest, with a column of ones, form X_1 = [X_dense 1], so one GEMM gives Z_1 with b_1 and one
  gives the update of [W_1 dense rows; b_1].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

# A used column goes to the sparse product when the fraction of samples where it is nonzero is below
# this: where a CSR product (~8 GMAC/s on one core here) beats the column's share of the dense GEMM
# (float64 ~29, float32 ~70 GMAC/s). Measured on the MNIST subset, layer 1's two products per step
# fall from 10.7 to 6.6 ms (float64, 304 of 609 columns sparse) and from 4.7 to 3.1 ms (float32).
SPARSE_BELOW: dict[str, float] = {"float64": 0.15, "float32": 0.10}


@dataclass(frozen=True)
class InputSplit:
    """Column indices of X by role, and the arrays the products use (in the run's dtype)."""

    dense: np.ndarray  # columns in X1 (before its column of ones)
    sparse: np.ndarray  # columns in Xs
    unused: np.ndarray  # zero for every sample
    X1: np.ndarray  # (N, len(dense) + 1): [X_dense 1]
    Xs: sp.csr_array  # (N, len(sparse))
    XsT: sp.csr_array  # its transpose, for Xsᵀ G

    @property
    def used(self) -> np.ndarray:
        return np.sort(np.concatenate([self.dense, self.sparse]))


def split_inputs(X: np.ndarray, dtype: np.dtype) -> InputSplit:
    """The columns of X (N, d) by role, with the dense and sparse arrays in ``dtype``."""
    X = np.asarray(X)
    density = np.count_nonzero(X, axis=0) / max(X.shape[0], 1)
    is_sparse = (density > 0) & (density < SPARSE_BELOW[np.dtype(dtype).name])
    dense, sparse = np.flatnonzero((density > 0) & ~is_sparse), np.flatnonzero(is_sparse)
    X1 = np.empty((X.shape[0], len(dense) + 1), dtype)
    X1[:, :-1], X1[:, -1] = X[:, dense], 1
    Xs = np.asarray(X[:, sparse], dtype=dtype)
    return InputSplit(dense, sparse, np.flatnonzero(density == 0), X1, sp.csr_array(Xs), sp.csr_array(Xs.T))
