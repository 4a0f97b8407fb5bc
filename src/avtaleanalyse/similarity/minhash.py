"""Vectorised MinHash signatures that are bit-identical to datasketch 2.0.0's.

datasketch 2.0.0 (scheme ``"affine32"``) computes, for each 32-bit input hash ``h``,
``fmix32(h)`` (the MurmurHash3 finalizer) and then ``a_k * fmix32(h) + b_k mod 2**32`` for
every permutation ``k``; the signature is the minimum per permutation, and an empty set keeps
``2**32 - 1``. The permutation parameters come from ``numpy.random.RandomState(seed)``:
``a = randint(0, 2**31, num_perm) * 2 + 1``, then ``b = randint(0, 2**32, num_perm)``.
This module does the same over whole partitions in numpy (no per-shingle Python call), so
its signatures load into :class:`datasketch.LeanMinHash` and :class:`datasketch.MinHashLSH`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from avtaleanalyse.similarity.shingles import Shingled, _unit_blocks

__all__ = [
    "SCHEME",
    "minhash_jaccard",
    "pair_minhash_jaccard",
    "permutations",
    "signatures",
    "to_lean_minhash",
]

#: The datasketch permutation scheme used throughout (passed explicitly everywhere).
SCHEME = "affine32"
_MAX32 = np.uint32(0xFFFFFFFF)


def permutations(num_perm: int = 128, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The ``(a, b)`` uint32 permutation parameters datasketch derives from ``seed``."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def signatures(
    shingled: Shingled,
    *,
    num_perm: int = 128,
    seed: int = 1,
    block: int = 1 << 19,
    exclude: np.ndarray | None = None,
    n_jobs: int = 1,
) -> np.ndarray:
    """MinHash signatures of every unit's shingle set (a pure function of one partition).

    One compiled pass per block of units (:func:`~avtaleanalyse.similarity.kernels.
    minhash_rows`): each shingle is mixed once and its 128 permutations are taken eight
    at a time in uint32 lanes (the array form, one permutation at a time over the whole
    block, wrote each column of the result with a strided scatter).

    Parameters
    ----------
    shingled
        Output of :func:`~avtaleanalyse.similarity.shingles.shingle_partition`.
    num_perm, seed
        As in :class:`datasketch.MinHash`.
    block
        Shingles per block of whole units (the threads take blocks in turn).
    exclude
        Sorted uint32 shingle hashes to leave out (boilerplate shingles, in passim).
    n_jobs
        Threads (the result does not depend on it).

    Returns
    -------
    numpy.ndarray
        ``(len(shingled), num_perm)`` uint32; row ``i`` equals ``MinHash(num_perm, seed,
        scheme="affine32", hashfunc=shingle-hash).update(...)``'s ``hashvalues``.
    """
    from avtaleanalyse.similarity.kernels import code_table, minhash_rows

    a, b = permutations(num_perm, seed)
    n = len(shingled)
    out = np.full((n, num_perm), _MAX32, dtype=np.uint32)
    if exclude is not None and len(exclude):
        from avtaleanalyse.similarity.candidates import sets_without

        shingled = sets_without(shingled, exclude)
    # the minimum over a set equals the minimum over its sequence (repeats change nothing):
    # without stored sets, the sequences minus the excluded hashes are used directly
    if shingled.has_sets:
        values, offs, drop = shingled.sets, shingled.set_offsets, None
    else:
        values, offs, drop = shingled.seq, shingled.seq_offsets, shingled.excluded
    values = np.ascontiguousarray(values, dtype=np.uint32)
    offs = np.ascontiguousarray(offs, dtype=np.int64)
    drop = np.ascontiguousarray(drop if drop is not None else [], dtype=np.uint32)
    bits = max(4, int(2 * max(len(drop), 1) - 1).bit_length())
    slots = code_table(drop, bits)

    def run(lo_hi: tuple[int, int]) -> None:
        minhash_rows(values, offs, lo_hi[0], lo_hi[1], drop, slots, bits, a, b, out)

    blocks = list(_unit_blocks(offs, block))
    if n_jobs > 1 and len(blocks) > 1:
        with ThreadPoolExecutor(max_workers=n_jobs) as pool:
            list(pool.map(run, blocks))
    else:
        for blk in blocks:
            run(blk)
    return out


def to_lean_minhash(signature: np.ndarray, *, seed: int = 1):
    """A :class:`datasketch.LeanMinHash` holding ``signature`` (scheme ``affine32``)."""
    from datasketch import LeanMinHash, MinHash

    m = MinHash(num_perm=len(signature), seed=seed, hashvalues=signature, scheme=SCHEME)
    return LeanMinHash(m)


def minhash_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures (share of equal values)."""
    if sig_a.shape != sig_b.shape:
        raise ValueError("signatures of different sizes cannot be compared")
    return float(np.mean(sig_a == sig_b))


def pair_minhash_jaccard(
    sigs: np.ndarray, a: np.ndarray, b: np.ndarray, *, chunk: int = 50_000
) -> np.ndarray:
    """Estimated Jaccard for many pairs of rows ``(a[i], b[i])`` of ``sigs``."""
    out = np.empty(len(a), dtype=np.float64)
    width = sigs.shape[1] if sigs.ndim == 2 else 0
    for s in range(0, len(a), chunk):
        same = sigs[a[s : s + chunk]] == sigs[b[s : s + chunk]]
        # the count of equal values over the width: exactly the mean of the booleans
        out[s : s + chunk] = np.count_nonzero(same, axis=1) / width if width else np.nan
    return out
