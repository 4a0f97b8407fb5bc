"""Compiled loops (numba) for the steps NumPy cannot express without quadratic work.

Imported lazily by the functions that use them, so that importing the package does not load
numba. Every kernel is ``nogil``: callers run several at once in threads on disjoint slices
of their output.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["pair_overlaps"]


@numba.njit(nogil=True, cache=True)
def pair_overlaps(
    indptr: np.ndarray, cols: np.ndarray, a: np.ndarray, b: np.ndarray, n_cols: int, out: np.ndarray
) -> None:  # pragma: no cover - compiled; tested through ``overlap_counts``
    """``out[k] = |set a[k] ∩ set b[k]|`` for sets in CSR form (``cols[indptr[i]:indptr[i+1]]``).

    Each distinct ``a[k]`` stamps its columns into a scratch array once; each pair then costs
    one look-up per column of ``b[k]``. Pairs sorted by ``a`` stamp every set once; unsorted
    pairs are still exact, only slower.
    """
    stamp = np.full(n_cols, -1, np.int32)
    current = -1
    for k in range(len(a)):
        i = a[k]
        if i != current:
            for p in range(indptr[i], indptr[i + 1]):
                stamp[cols[p]] = i
            current = i
        j = b[k]
        count = 0
        for p in range(indptr[j], indptr[j + 1]):
            if stamp[cols[p]] == i:
                count += 1
        out[k] = count
