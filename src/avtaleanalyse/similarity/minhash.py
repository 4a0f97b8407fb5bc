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

import numpy as np

from avtaleanalyse.similarity.shingles import Shingled, _unit_blocks, in_sorted

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


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signatures(
    shingled: Shingled,
    *,
    num_perm: int = 128,
    seed: int = 1,
    block: int = 1 << 19,
    exclude: np.ndarray | None = None,
) -> np.ndarray:
    """MinHash signatures of every unit's shingle set (a pure function of one partition).

    Parameters
    ----------
    shingled
        Output of :func:`~avtaleanalyse.similarity.shingles.shingle_partition`.
    num_perm, seed
        As in :class:`datasketch.MinHash`.
    block
        Shingles per vectorised block (bounds the temporary memory: ``block * 4`` bytes).
    exclude
        Sorted uint32 shingle hashes to leave out (boilerplate shingles, in passim).

    Returns
    -------
    numpy.ndarray
        ``(len(shingled), num_perm)`` uint32; row ``i`` equals ``MinHash(num_perm, seed,
        scheme="affine32", hashfunc=shingle-hash).update(...)``'s ``hashvalues``.
    """
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
    # whole units in blocks of about `block` shingles
    for i, j in _unit_blocks(offs, block):
        lo, hi = int(offs[i]), int(offs[j])
        if hi <= lo:
            continue
        seg = values[lo:hi]
        lens = np.diff(offs[i : j + 1])
        if drop is not None and len(drop):
            keep = ~in_sorted(seg, drop)
            if not keep.all():
                unit = np.repeat(np.arange(j - i), lens)
                lens = np.bincount(unit[keep], minlength=j - i)
                seg = seg[keep]
        nonempty = lens > 0
        if not nonempty.any():
            continue
        st = (np.cumsum(lens) - lens)[nonempty]
        rows = np.arange(i, j)[nonempty]
        mixed = _fmix32(seg)
        tmp = np.empty(len(seg), dtype=np.uint32)
        # one permutation at a time: 1-D reduceat is far faster than a 2-D one
        for k in range(num_perm):
            np.multiply(mixed, a[k], out=tmp)
            tmp += b[k]
            out[rows, k] = np.minimum.reduceat(tmp, st)
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
