"""Compiled loops (numba) for the steps NumPy cannot express without quadratic work.

Imported lazily by the functions that use them, so that importing the package does not load
numba. Every kernel is ``nogil``: callers run several at once in threads on disjoint slices
of their output.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = [
    "band_hashes",
    "band_pair_counts",
    "band_pairs",
    "code_table",
    "core_links",
    "copy_segments",
    "core_pair_counts",
    "count_distinct_keys",
    "count_holders",
    "covered_by_sequence",
    "covered_by_sorted",
    "distinct_counts",
    "distinct_values",
    "family_consensus",
    "family_hits",
    "first_positions_in",
    "hit_coverage",
    "key_hits",
    "list_pair_sums",
    "minhash_rows",
    "pair_overlaps",
    "place_sections",
    "same_label",
    "same_lists",
    "token_marks",
    "unsafe_texts",
    "word_runs",
    "within_label_sums",
]


@numba.njit(nogil=True, cache=True)
def _table_bits(length: int) -> int:  # pragma: no cover - compiled
    # slots for an open-addressing table at most half full
    bits = 4
    while (1 << bits) < 2 * length:
        bits += 1
    return bits


@numba.njit(nogil=True, cache=True)
def _key_index(
    v: np.uint32, keys: np.ndarray, slots: np.ndarray, bits: int
) -> int:  # pragma: no cover
    # index of ``v`` in ``keys`` (``slots`` from :func:`code_table`), -1 if absent
    mask = (1 << bits) - 1
    h = _slot(v, bits)
    c = slots[h]
    while c != -1 and keys[c] != v:
        h = (h + 1) & mask
        c = slots[h]
    return c


@numba.njit(nogil=True, cache=True)
def distinct_values(
    values: np.ndarray,
    offsets: np.ndarray,
    ex_keys: np.ndarray,
    ex_slots: np.ndarray,
    ex_bits: int,
    lo: int,
    hi: int,
    set_offsets: np.ndarray,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled; tested through ``overlap_counts``
    """For each unit ``u`` in ``lo..hi-1``: the distinct values of
    ``values[offsets[u]:offsets[u+1]]`` that are not in ``ex_keys`` (``ex_slots`` from
    :func:`code_table`), in the order they first occur, written to
    ``out[set_offsets[u]:set_offsets[u+1]]`` (``set_offsets``: the counts, summed)."""
    longest = 0
    for u in range(lo, hi):
        longest = max(longest, offsets[u + 1] - offsets[u])
    top = _table_bits(longest)
    vals = np.zeros(1 << top, np.uint32)
    owner = np.full(1 << top, -1, np.int64)
    has_ex = len(ex_keys) > 0
    for u in range(lo, hi):
        bits = _table_bits(offsets[u + 1] - offsets[u])
        q = set_offsets[u]
        for p in range(offsets[u], offsets[u + 1]):
            v = values[p]
            if not _claim(v, vals, owner, u, bits)[1]:
                continue  # seen before in this unit
            if has_ex and _key_index(v, ex_keys, ex_slots, ex_bits) != -1:
                continue
            out[q] = v
            q += 1


_C1 = np.uint64(0x9E3779B1)  # two odd multipliers: a value's two cuckoo slots
_C2 = np.uint64(0x85EBCA77)
_M32 = np.uint64(0xFFFFFFFF)


@numba.njit(inline="always")
def _cuckoo_slot(value: np.uint32, mult: np.uint64, bits: int) -> int:  # pragma: no cover
    return np.int64(((np.uint64(value) * mult) & _M32) >> np.uint64(32 - bits))


@numba.njit(nogil=True, cache=True)
def pair_overlaps(
    values: np.ndarray,
    offsets: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    out: np.ndarray,
    max_kicks: int = 64,
) -> None:  # pragma: no cover - compiled; tested through ``overlap_counts``
    """``out[k] = |set(a[k]) ∩ set(b[k])|``, where unit ``i``'s set is
    ``values[offsets[i]:offsets[i+1]]``, distinct values (:func:`distinct_values`).

    Each distinct ``a[k]`` puts its set into a cuckoo table (at least four slots per value,
    so it stays in cache): every value sits in one of its two slots, or, after
    ``max_kicks`` evictions, in a small stash. Each pair then costs, per value of ``b[k]``,
    two loads and two comparisons without a branch (an open-addressing probe mispredicts
    about every other look-up, since half of them miss). An empty slot ``s`` holds a
    value whose two slots are both other than ``s`` (0, and 1 in slot 0), so it never
    matches: the table needs no "empty" mark. Only the slots a set used are reset when the
    next set comes in. Pairs sorted by their first member build each table once; any
    order is exact.
    """
    longest = 1
    for k in range(len(a)):
        longest = max(longest, offsets[a[k] + 1] - offsets[a[k]])
    top = _table_bits(longest) + 1
    tab = np.zeros(1 << top, np.uint32)
    tab[0] = 1
    owner = np.full(1 << top, -1, np.int64)
    used = np.empty(longest, np.int64)
    stash = np.empty(longest, np.uint32)
    n_used = 0
    n_stash = 0
    current = -1
    bits = 4
    for k in range(len(a)):
        i = a[k]
        if i != current:
            current = i
            for q in range(n_used):
                s = used[q]
                tab[s] = 1 if s == 0 else 0
                owner[s] = -1
            n_used = 0
            n_stash = 0
            bits = _table_bits(offsets[i + 1] - offsets[i]) + 1
            for p in range(offsets[i], offsets[i + 1]):
                v = values[p]
                h = _cuckoo_slot(v, _C1, bits)
                placed = False
                for _ in range(max_kicks + 1):
                    if owner[h] != i:
                        owner[h] = i
                        tab[h] = v
                        used[n_used] = h
                        n_used += 1
                        placed = True
                        break
                    v, tab[h] = tab[h], v  # evict the holder to its other slot
                    h1 = _cuckoo_slot(v, _C1, bits)
                    h = _cuckoo_slot(v, _C2, bits) if h1 == h else h1
                if not placed:
                    stash[n_stash] = v
                    n_stash += 1
        j = b[k]
        count = 0
        for p in range(offsets[j], offsets[j + 1]):
            v = values[p]
            count += (tab[_cuckoo_slot(v, _C1, bits)] == v) | (tab[_cuckoo_slot(v, _C2, bits)] == v)
        for q in range(n_stash):
            for p in range(offsets[j], offsets[j + 1]):
                count += values[p] == stash[q]
        out[k] = count


@numba.njit(nogil=True, cache=True)
def family_consensus(
    seq: np.ndarray,
    offsets: np.ndarray,
    members: np.ndarray,
    fam_ptr: np.ndarray,
    majority: float,
    lo: int,
    hi: int,
    cons_start: np.ndarray,
    cons: np.ndarray,
    cons_len: np.ndarray,
    score: np.ndarray,
) -> None:  # pragma: no cover - compiled; tested through ``family_prototypes``
    """Consensus shingles of families ``lo..hi-1``.

    Family ``f`` has the member units ``members[fam_ptr[f]:fam_ptr[f+1]]`` (rows of the
    sequences ``seq[offsets[u]:offsets[u+1]]``). A value is in its consensus when more than
    ``majority`` times the number of members hold it (repeats within a member count once).
    The consensus, sorted, goes to ``cons[cons_start[f]:]`` (``cons_len[f]`` values;
    ``cons_start`` leaves room for ``sum of sequence lengths // (floor(majority * size) +
    1)`` values, more than any consensus can hold), and ``score[q]`` = how many distinct
    values of member ``members[q]`` are in it. One open-addressing table per call: a slot
    holds a value, its family, its member count and the last member that counted it.
    """
    longest = 0
    for f in range(lo, hi):
        total = 0
        for q in range(fam_ptr[f], fam_ptr[f + 1]):
            total += offsets[members[q] + 1] - offsets[members[q]]
        longest = max(longest, total)
    top = _table_bits(longest)
    keys = np.zeros(1 << top, np.uint32)
    owner = np.full(1 << top, -1, np.int64)
    count = np.zeros(1 << top, np.int64)
    last = np.full(1 << top, -1, np.int64)
    for f in range(lo, hi):
        total = 0
        for q in range(fam_ptr[f], fam_ptr[f + 1]):
            total += offsets[members[q] + 1] - offsets[members[q]]
        bits = _table_bits(total)
        mask = (1 << bits) - 1
        need = majority * (fam_ptr[f + 1] - fam_ptr[f])
        for q in range(fam_ptr[f], fam_ptr[f + 1]):
            u = members[q]
            for p in range(offsets[u], offsets[u + 1]):
                h, new = _claim(seq[p], keys, owner, f, bits)
                if new:
                    count[h] = 0
                    last[h] = -1
                if last[h] != q:
                    last[h] = q
                    count[h] += 1
        n = 0
        w = cons_start[f]
        for q in range(fam_ptr[f], fam_ptr[f + 1]):
            u = members[q]
            hits = 0
            for p in range(offsets[u], offsets[u + 1]):
                v = seq[p]
                h = _slot(v, bits)
                while owner[h] != f or keys[h] != v:  # present: counted above
                    h = (h + 1) & mask
                if count[h] > need and last[h] != -2 - q:
                    hits += 1
                    if last[h] >= 0:  # first member to reach it: emit it once
                        cons[w + n] = v
                        n += 1
                    last[h] = -2 - q
            score[q] = hits
        cons[w : w + n].sort()
        cons_len[f] = n


@numba.njit(inline="always")
def _claim(
    v: np.uint32, vals: np.ndarray, owner: np.ndarray, unit: int, bits: int
) -> tuple[int, bool]:  # pragma: no cover - compiled
    # slot of ``v`` in ``unit``'s open-addressing table (slots of other units count as
    # empty), and whether ``v`` was put there now
    mask = (1 << bits) - 1
    h = _slot(v, bits)
    while owner[h] == unit and vals[h] != v:
        h = (h + 1) & mask
    if owner[h] != unit:
        owner[h] = unit
        vals[h] = v
        return h, True
    return h, False


@numba.njit(nogil=True, cache=True)
def _slot(value: np.uint32, bits: int) -> int:  # pragma: no cover - compiled
    # Fibonacci hashing of a 32-bit value to `bits` bits
    h = (np.uint64(value) * np.uint64(2654435761)) & np.uint64(0xFFFFFFFF)
    return np.int64(h >> np.uint64(32 - bits))


@numba.njit(nogil=True, cache=True)
def code_table(keys: np.ndarray, bits: int) -> np.ndarray:  # pragma: no cover - compiled
    """Open-addressing table of ``2**bits`` slots: the index of each distinct ``keys`` value
    (uint32) at its slot or after it (linear probing), -1 in empty slots."""
    mask = (1 << bits) - 1
    slots = np.full(1 << bits, -1, np.int32)
    for c in range(len(keys)):
        h = _slot(keys[c], bits)
        while slots[h] != -1:
            h = (h + 1) & mask
        slots[h] = c
    return slots


@numba.njit(nogil=True, cache=True)
def count_holders(
    seq: np.ndarray,
    offsets: np.ndarray,
    units: np.ndarray,
    keys: np.ndarray,
    slots: np.ndarray,
    bits: int,
    counts: np.ndarray,
) -> None:  # pragma: no cover - compiled; tested through ``singleton_references``
    """``counts[c] += 1`` for every unit of ``units`` (distinct) whose sequence
    ``seq[offsets[u]:offsets[u+1]]`` holds ``keys[c]`` at least once (``slots`` from
    :func:`code_table`)."""
    last = np.full(len(keys), -1, np.int64)
    for u in units:
        for p in range(offsets[u], offsets[u + 1]):
            c = _key_index(seq[p], keys, slots, bits)
            if c != -1 and last[c] != u:
                last[c] = u
                counts[c] += 1


@numba.njit(nogil=True, cache=True)
def count_distinct_keys(
    seq: np.ndarray,
    offsets: np.ndarray,
    keys: np.ndarray,
    slots: np.ndarray,
    bits: int,
    counts: np.ndarray,
) -> None:  # pragma: no cover - compiled; tested through ``sets_without``
    """``counts[u]`` = how many distinct values of ``keys`` unit ``u``'s sequence
    ``seq[offsets[u]:offsets[u+1]]`` holds (``slots`` from :func:`code_table`)."""
    last = np.full(len(keys), -1, np.int64)
    for u in range(len(offsets) - 1):
        for p in range(offsets[u], offsets[u + 1]):
            c = _key_index(seq[p], keys, slots, bits)
            if c != -1 and last[c] != u:
                last[c] = u
                counts[u] += 1


@numba.njit(nogil=True, cache=True)
def distinct_counts(
    seq: np.ndarray, offsets: np.ndarray, counts: np.ndarray
) -> None:  # pragma: no cover - compiled; tested through ``Shingled.set_sizes``
    """``counts[u]`` = number of distinct values in ``seq[offsets[u]:offsets[u+1]]``.

    Each unit's values go into an open-addressing table of at least twice its length;
    slots are marked with the unit's number, so the table is never cleared."""
    n = len(offsets) - 1
    longest = 0
    for u in range(n):
        longest = max(longest, offsets[u + 1] - offsets[u])
    top = _table_bits(longest)
    vals = np.zeros(1 << top, np.uint32)
    owner = np.full(1 << top, -1, np.int64)
    for u in range(n):
        bits = _table_bits(offsets[u + 1] - offsets[u])
        c = 0
        for p in range(offsets[u], offsets[u + 1]):
            c += _claim(seq[p], vals, owner, u, bits)[1]
        counts[u] = c


@numba.njit(nogil=True, cache=True)
def _bucket_neighbours(
    members: np.ndarray, pos: np.ndarray, end: np.ndarray, r: int, mark: np.ndarray, buf: np.ndarray
) -> int:  # pragma: no cover - compiled
    # the distinct rows q > r that share a bucket with r in some band, written to buf;
    # within a bucket the members ascend, so those after r's own place are the q > r
    c = 0
    for k in range(members.shape[0]):
        for t in range(pos[k, r] + 1, end[k, r]):
            q = members[k, t]
            if mark[q] != r:
                mark[q] = r
                buf[c] = q
                c += 1
    return c


@numba.njit(nogil=True, cache=True)
def band_pair_counts(
    members: np.ndarray, pos: np.ndarray, end: np.ndarray, lo: int, hi: int, counts: np.ndarray
) -> None:  # pragma: no cover - compiled; tested through ``pairs_from_band_keys``
    """``counts[r]`` for rows ``lo <= r < hi``: how many rows ``q > r`` share a bucket with
    ``r`` in at least one band. Band ``k`` lists its rows bucket by bucket, ascending
    within a bucket (``members[k]``); row ``r`` stands at ``pos[k, r]`` and its bucket ends
    at ``end[k, r]`` (``end <= pos + 1``: no bucket that counts)."""
    m = members.shape[1]
    mark = np.full(m, -1, np.int64)
    buf = np.empty(m, np.int64)
    for r in range(lo, hi):
        counts[r] = _bucket_neighbours(members, pos, end, r, mark, buf)


@numba.njit(nogil=True, cache=True)
def band_pairs(
    members: np.ndarray,
    pos: np.ndarray,
    end: np.ndarray,
    lo: int,
    hi: int,
    offsets: np.ndarray,
    rows: np.ndarray,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled; tested through ``pairs_from_band_keys``
    """The pairs :func:`band_pair_counts` counted, for rows ``lo <= r < hi``: row ``r``'s
    go to ``out[offsets[r]:offsets[r+1]]`` as ``(rows[r], rows[q])``, ascending in ``q``."""
    m = members.shape[1]
    mark = np.full(m, -1, np.int64)
    buf = np.empty(m, np.int64)
    for r in range(lo, hi):
        c = _bucket_neighbours(members, pos, end, r, mark, buf)
        got = np.sort(buf[:c])
        o = offsets[r]
        for t in range(c):
            out[o + t, 0] = rows[r]
            out[o + t, 1] = rows[got[t]]


@numba.njit(nogil=True, cache=True)
def core_pair_counts(
    a: np.ndarray, b: np.ndarray, label: np.ndarray, n_cores: int
) -> np.ndarray:  # pragma: no cover - compiled; tested through ``_attach``
    """Per core, how many pairs ``(a[k], b[k])`` join it to another core: column 0 those
    it is the ``a`` side of, column 1 the ``b`` side."""
    counts = np.zeros((n_cores, 2), np.int64)
    for k in range(len(a)):
        la = label[a[k]]
        lb = label[b[k]]
        if la != lb:
            counts[la, 0] += 1
            counts[lb, 1] += 1
    return counts


@numba.njit(nogil=True, cache=True)
def core_links(
    a: np.ndarray,
    b: np.ndarray,
    sim: np.ndarray,
    label: np.ndarray,
    size: np.ndarray,
    side_counts: np.ndarray,
    c0: int,
    c1: int,
    min_coverage: float,
) -> tuple[
    np.ndarray, np.ndarray, np.ndarray
]:  # pragma: no cover - compiled; tested through ``_attach``
    """For each source core ``c0 <= c < c1`` and each other core ``d`` it has pairs with:
    the mean of ``sim`` over those pairs, kept where at least ``min_coverage`` of ``d``'s
    members (``size[d]``) are in one of them. Returns ``(c, d, mean)`` sorted by ``(c, d)``.

    Every pair between two cores counts in both directions (the member of ``d`` being
    ``b`` from ``a``'s core, ``a`` from ``b``'s). The pairs of one source core are summed
    in the order of the pairs, first those it is the ``a`` side of, then the ``b`` side,
    as numpy's ``bincount`` over that concatenation would (the same float sums): with
    ``side_counts`` (:func:`core_pair_counts`) both sides are placed in one pass."""
    n_src = c1 - c0
    start = np.zeros(n_src + 1, np.int64)
    for c in range(n_src):
        start[c + 1] = start[c] + side_counts[c0 + c, 0] + side_counts[c0 + c, 1]
    total = start[n_src]
    dst = np.empty(total, np.int32)
    member = np.empty(total, np.int32)
    weight = np.empty(total, np.float64)
    fill_a = start[:-1].copy()  # a side first, then the b side after it
    fill_b = np.empty(n_src, np.int64)
    for c in range(n_src):
        fill_b[c] = start[c] + side_counts[c0 + c, 0]
    for k in range(len(a)):
        la = label[a[k]]
        lb = label[b[k]]
        if la == lb:
            continue
        if c0 <= la < c1:
            p = fill_a[la - c0]
            dst[p], member[p], weight[p] = lb, b[k], sim[k]
            fill_a[la - c0] += 1
        if c0 <= lb < c1:
            p = fill_b[lb - c0]
            dst[p], member[p], weight[p] = la, a[k], sim[k]
            fill_b[lb - c0] += 1
    n_cores = len(size)
    owner = np.full(n_cores, -1, np.int64)
    sums = np.zeros(n_cores, np.float64)
    counts = np.zeros(n_cores, np.int64)
    linked = np.zeros(n_cores, np.int64)
    seen = np.full(len(label), -1, np.int64)
    touched = np.empty(n_cores, np.int64)
    out_c = np.empty(total, np.int64)
    out_d = np.empty(total, np.int64)
    out_m = np.empty(total, np.float64)
    n_out = 0
    for c in range(n_src):
        src = c0 + c
        n_touched = 0
        for p in range(start[c], start[c + 1]):
            d = dst[p]
            if owner[d] != src:
                owner[d] = src
                sums[d] = 0.0
                counts[d] = 0
                linked[d] = 0
                touched[n_touched] = d
                n_touched += 1
            sums[d] += weight[p]
            counts[d] += 1
            m = member[p]
            if seen[m] != src:
                seen[m] = src
                linked[d] += 1
        for d in np.sort(touched[:n_touched]):
            if linked[d] / size[d] >= min_coverage:
                out_c[n_out] = src
                out_d[n_out] = d
                out_m[n_out] = sums[d] / counts[d]
                n_out += 1
    return out_c[:n_out], out_d[:n_out], out_m[:n_out]


@numba.njit(nogil=True, cache=True)
def within_label_sums(
    a: np.ndarray, b: np.ndarray, sim: np.ndarray, label: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled; tested through families
    """Per unit, the sum of ``sim`` and the number of its pairs with a unit of the same
    label, added in the order ``numpy.add.at`` would (first every pair's ``a``, then
    every pair's ``b``), so the float sums are the same."""
    tot = np.zeros(len(label), np.float64)
    cnt = np.zeros(len(label), np.float64)
    for side in range(2):
        for k in range(len(a)):
            if label[a[k]] == label[b[k]]:
                u = a[k] if side == 0 else b[k]
                tot[u] += sim[k]
                cnt[u] += 1.0
    return tot, cnt


@numba.njit(nogil=True, cache=True)
def same_label(
    a: np.ndarray, b: np.ndarray, label: np.ndarray
) -> np.ndarray:  # pragma: no cover - compiled; tested through families
    """``label[a] == label[b]`` without the two gathered copies."""
    out = np.empty(len(a), np.bool_)
    for k in range(len(a)):
        out[k] = label[a[k]] == label[b[k]]
    return out


@numba.njit(nogil=True, cache=True)
def _in_sorted(values: np.ndarray, lo: int, hi: int, v) -> bool:  # pragma: no cover - compiled
    # whether v is in values[lo:hi] (sorted): binary search for its first place
    left, right = lo, hi
    while left < right:
        mid = (left + right) >> 1
        if values[mid] < v:
            left = mid + 1
        else:
            right = mid
    return left < hi and values[left] == v


@numba.njit(inline="always")
def _has(
    v: np.uint32, vals: np.ndarray, owner: np.ndarray, stamp: int, bits: int
) -> bool:  # pragma: no cover - compiled
    # whether ``v`` is in the table built under ``stamp`` (:func:`_claim`)
    mask = (1 << bits) - 1
    h = _slot(v, bits)
    while owner[h] == stamp:
        if vals[h] == v:
            return True
        h = (h + 1) & mask
    return False


@numba.njit(nogil=True, cache=True)
def family_hits(
    seq: np.ndarray,
    seq_offsets: np.ndarray,
    lo: int,
    hi: int,
    fam: np.ndarray,
    set_offsets: np.ndarray,
    set_values: np.ndarray,
) -> np.ndarray:  # pragma: no cover - compiled; tested through ``document_indices``
    """For the shingles of units ``lo:hi`` (concatenated): whether each is in its unit's
    family set, ``set_values[set_offsets[f]:set_offsets[f+1]]`` for family ``fam[u]``
    (negative: no family, no hits). The family's set goes into a small open-addressing
    table (kept while the next unit is of the same family), so a shingle costs a load or
    two, not a binary search of a dozen dependent loads."""
    base = seq_offsets[lo]
    out = np.zeros(seq_offsets[hi] - base, np.bool_)
    longest = 0
    for u in range(lo, hi):
        if fam[u] >= 0:
            longest = max(longest, set_offsets[fam[u] + 1] - set_offsets[fam[u]])
    top = _table_bits(longest)
    vals = np.zeros(1 << top, np.uint32)
    owner = np.full(1 << top, -1, np.int64)
    stamp = -1
    current = -1
    bits = top
    for u in range(lo, hi):
        f = fam[u]
        if f < 0:
            continue
        s0 = set_offsets[f]
        s1 = set_offsets[f + 1]
        if s1 <= s0:
            continue
        if f != current:  # a new table: slots of earlier ones count as empty
            stamp += 1
            current = f
            bits = _table_bits(s1 - s0)
            for q in range(s0, s1):
                _claim(set_values[q], vals, owner, stamp, bits)
        for p in range(seq_offsets[u], seq_offsets[u + 1]):
            out[p - base] = _has(seq[p], vals, owner, stamp, bits)
    return out


@numba.njit(nogil=True, cache=True)
def hit_coverage(
    seq_offsets: np.ndarray,
    n_tokens: np.ndarray,
    lo: int,
    hi: int,
    ngram: int,
    hit: np.ndarray,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled; tested through ``indices._coverage``
    """``out`` (the tokens of units ``lo:hi``, concatenated) set where a shingle with a
    ``hit`` (the shingles of units ``lo:hi``, concatenated) covers the token: shingle ``j``
    of a unit of ``n`` tokens covers tokens ``j .. min(j + min(ngram, n), n) - 1``."""
    base = seq_offsets[lo]
    t0 = 0
    for u in range(lo, hi):
        n = np.int64(n_tokens[u])
        span = min(ngram, n)
        reach = 0
        for p in range(seq_offsets[u], seq_offsets[u + 1]):
            if hit[p - base]:
                j = p - seq_offsets[u]
                end = min(j + span, n)
                for t in range(max(j, reach), end):
                    out[t0 + t] = True
                reach = max(reach, end)
        t0 += n


@numba.njit(nogil=True, cache=True)
def key_hits(
    values: np.ndarray, keys: np.ndarray, slots: np.ndarray, bits: int
) -> np.ndarray:  # pragma: no cover - compiled; tested through ``document_indices``
    """Whether each of ``values`` is one of ``keys`` (``slots`` from :func:`code_table`)."""
    out = np.empty(len(values), np.bool_)
    for p in range(len(values)):
        out[p] = _key_index(values[p], keys, slots, bits) != -1
    return out


@numba.njit(nogil=True, cache=True)
def token_marks(
    word: np.ndarray,
    text_start: np.ndarray,
    text_len: np.ndarray,
    cut_values: np.ndarray,
    cut_offsets: np.ndarray,
    block: int,
    n_tokens: np.ndarray,
    mark_counts: np.ndarray,
    mark_chars: np.ndarray,
    mark_tokens: np.ndarray,
) -> None:  # pragma: no cover - compiled; tested through ``raw_tokens_marked_many``
    """The raw tokens and marks of :func:`~avtaleanalyse.similarity.normalize.
    raw_tokens_marked` for many texts, from whether each character is a word character.

    Text ``t`` is ``word[text_start[t]:text_start[t] + text_len[t]]``; its cuts are
    ``cut_values[cut_offsets[t]:cut_offsets[t+1]]`` (sorted). Writes ``n_tokens[t]`` (runs
    of word characters), ``mark_counts[t]`` and the marks themselves from
    ``mark_chars[m0]``/``mark_tokens[m0]`` on, ``m0`` the sum of the bounds
    ``text_len // block + 2 + cuts`` of the texts before (at most that many marks each)."""
    m0 = 0
    for t in range(len(text_start)):
        s = text_start[t]
        n = text_len[t]
        c0 = cut_offsets[t]
        c1 = cut_offsets[t + 1]
        m = m0
        tok = 0  # run starts before `pos`
        pos = 0
        if n == 0:
            if c1 == c0:  # an empty text has one mark unless cuts were given
                mark_chars[m] = 0
                mark_tokens[m] = 0
                m += 1
        else:
            k = c0
            p = 0
            while p < n:
                r = p + block
                q = n
                if r < n:
                    q = r
                    while q < n and word[s + q]:
                        q += 1
                # the next cut after p at which no token lies (a stop)
                while k < c1:
                    c = cut_values[k]
                    if c > p and c < n and (not word[s + c - 1] or not word[s + c]):
                        break
                    k += 1
                if k < c1 and cut_values[k] < q:
                    q = cut_values[k]
                while pos < p:
                    if word[s + pos] and (pos == 0 or not word[s + pos - 1]):
                        tok += 1
                    pos += 1
                mark_chars[m] = p
                mark_tokens[m] = tok
                m += 1
                p = q
        while pos < n:
            if word[s + pos] and (pos == 0 or not word[s + pos - 1]):
                tok += 1
            pos += 1
        n_tokens[t] = tok
        mark_counts[t] = m - m0
        m0 += n // block + 2 + (c1 - c0)


@numba.njit(nogil=True, cache=True)
def _fmix64(h: np.uint64) -> np.uint64:  # pragma: no cover - compiled
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


@numba.njit(nogil=True, cache=True)
def word_runs(
    codes: np.ndarray, word: np.ndarray, starts: np.ndarray, ends: np.ndarray, hashes: np.ndarray
) -> None:  # pragma: no cover - compiled; tested through ``raw_tokens_marked_many``
    """Where each maximal run of word characters (a raw token) of ``codes`` (code points,
    ``word[i]`` whether ``codes[i]`` is a word character) starts and ends, and a 64-bit hash
    of its code points (FNV-1a, then the MurmurHash3 finaliser), written in order."""
    t = -1
    last = -1
    h = np.uint64(0)
    for i in range(len(codes)):
        if word[i]:
            if i == 0 or not word[i - 1]:
                if t >= 0:
                    hashes[t] = _fmix64(h)
                    ends[t] = last + 1
                t += 1
                starts[t] = i
                h = np.uint64(0xCBF29CE484222325)
            h = (h ^ np.uint64(codes[i])) * np.uint64(0x100000001B3)
            last = i
    if t >= 0:
        hashes[t] = _fmix64(h)
        ends[t] = last + 1


@numba.njit(nogil=True, cache=True)
def covered_by_sorted(
    seq: np.ndarray, n_tokens: int, ref: np.ndarray, span: int, out: np.ndarray
) -> None:  # pragma: no cover - compiled; tested through ``covered_tokens``
    """``out[t]`` set for every token ``t < n_tokens`` that a shingle ``seq[j]`` found in
    ``ref`` (sorted) covers: tokens ``j .. j+span-1``."""
    reach = 0
    for j in range(len(seq)):
        if _in_sorted(ref, 0, len(ref), seq[j]):
            end = min(j + span, n_tokens)
            for t in range(max(j, reach), end):
                out[t] = True
            reach = max(reach, end)


@numba.njit(nogil=True, cache=True)
def same_lists(
    members: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray
) -> bool:  # pragma: no cover - compiled; tested through ``pairwise_overlaps``
    """Whether list ``a[k]`` equals list ``b[k]`` for every ``k`` (list ``x`` is
    ``members[offsets[x]:offsets[x+1]]``)."""
    for k in range(len(a)):
        sa, sb = offsets[a[k]], offsets[b[k]]
        n = offsets[a[k] + 1] - sa
        if offsets[b[k] + 1] - sb != n:
            return False
        for t in range(n):
            if members[sa + t] != members[sb + t]:
                return False
    return True


@numba.njit(nogil=True, cache=True)
def list_pair_sums(
    members: np.ndarray,
    offsets: np.ndarray,
    lists: np.ndarray,
    weights: np.ndarray,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled; tested through ``pairwise_overlaps``
    """``out[x, y] += weights[k]`` for every ``x < y`` in list ``lists[k]`` (ascending
    members, ``members[offsets[l]:offsets[l+1]]``)."""
    for k in range(len(lists)):
        s, e, w = offsets[lists[k]], offsets[lists[k] + 1], weights[k]
        for p in range(s, e):
            row = out[members[p]]
            for q in range(p + 1, e):
                row[members[q]] += w


@numba.njit(nogil=True, cache=True)
def minhash_rows(
    values: np.ndarray,
    offsets: np.ndarray,
    lo: int,
    hi: int,
    ex_keys: np.ndarray,
    ex_slots: np.ndarray,
    ex_bits: int,
    a: np.ndarray,
    b: np.ndarray,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled; tested through ``minhash.signatures``
    """MinHash signatures (datasketch's ``affine32`` scheme) of units ``lo:hi``:
    ``out[u, k] = min(a[k] · fmix32(v) + b[k] mod 2³²)`` over the values ``v`` of
    ``values[offsets[u]:offsets[u+1]]`` that are not in ``ex_keys`` (``ex_slots`` from
    :func:`code_table`); ``2³² − 1`` where none is left. All in uint32, so the loop over
    the permutations runs eight lanes at a time."""
    perms = len(a)
    sig = np.empty(perms, np.uint32)
    check = len(ex_keys) > 0
    for u in range(lo, hi):
        sig[:] = np.uint32(0xFFFFFFFF)
        for p in range(offsets[u], offsets[u + 1]):
            h = values[p]
            if check and _key_index(h, ex_keys, ex_slots, ex_bits) != -1:
                continue
            h ^= h >> np.uint32(16)
            h = np.uint32(h * np.uint32(0x85EBCA6B))
            h ^= h >> np.uint32(13)
            h = np.uint32(h * np.uint32(0xC2B2AE35))
            h ^= h >> np.uint32(16)
            for k in range(perms):
                sig[k] = min(sig[k], np.uint32(a[k] * h + b[k]))
        out[u, :] = sig


@numba.njit(nogil=True, cache=True)
def band_hashes(
    signatures: np.ndarray, bands: int, rows: int, out: np.ndarray
) -> None:  # pragma: no cover - compiled; tested through ``candidates.band_keys``
    """``out[i, k]``: the 64-bit key of band ``k`` (values ``k·rows .. (k+1)·rows − 1``)
    of signature ``i``, row by row (a column at a time reads every row once per value)."""
    mult = np.uint64(0xBF58476D1CE4E5B9)
    for i in range(signatures.shape[0]):
        for k in range(bands):
            acc = np.uint64(0x9E3779B97F4A7C15) + np.uint64(k)
            for j in range(k * rows, (k + 1) * rows):
                acc = (acc ^ np.uint64(signatures[i, j])) * mult
                acc ^= acc >> np.uint64(29)
            out[i, k] = acc


@numba.njit(nogil=True, cache=True)
def copy_segments(
    out: np.ndarray,
    dst_starts: np.ndarray,
    src: np.ndarray,
    src_starts: np.ndarray,
    lengths: np.ndarray,
) -> None:  # pragma: no cover - compiled; tested through ``spans.scatter_segments``
    """``out[dst_starts[u]:+lengths[u]] = src[src_starts[u]:+lengths[u]]``, segment after
    segment and value after value (so a buffer may move its own segments forward)."""
    for u in range(len(lengths)):
        d = dst_starts[u]
        s = src_starts[u]
        for t in range(lengths[u]):
            out[d + t] = src[s + t]


@numba.njit(inline="always")
def _code_point_at(data: np.ndarray, p: int, end: int) -> tuple[int, int]:  # pragma: no cover
    """The code point whose UTF-8 bytes begin at ``data[p]`` and their number (a byte that
    does not begin a sequence of ``end - p`` bytes or fewer counts as one code point)."""
    b = np.int64(data[p])
    if b < 0x80:
        return b, 1
    if b >= 0xF0 and p + 3 < end:
        return ((b & 0x07) << 18) | ((np.int64(data[p + 1]) & 0x3F) << 12) | (
            (np.int64(data[p + 2]) & 0x3F) << 6
        ) | (np.int64(data[p + 3]) & 0x3F), 4
    if b >= 0xE0 and b < 0xF0 and p + 2 < end:
        return ((b & 0x0F) << 12) | ((np.int64(data[p + 1]) & 0x3F) << 6) | (
            np.int64(data[p + 2]) & 0x3F
        ), 3
    if b >= 0xC0 and b < 0xE0 and p + 1 < end:
        return ((b & 0x1F) << 6) | (np.int64(data[p + 1]) & 0x3F), 2
    return b, 1


@numba.njit(nogil=True, cache=True)
def unsafe_texts(
    data: np.ndarray, offsets: np.ndarray, safe: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover - compiled; tested through ``spans.locate_spans``
    """``out[t]``: UTF-8 text ``data[offsets[t]:offsets[t+1]]`` has a code point that is
    not ``safe`` (beyond the table: not safe either)."""
    for t in range(len(offsets) - 1):
        p, end = offsets[t], offsets[t + 1]
        out[t] = False
        while p < end:
            if data[p] < 0x80:
                p += 1
                continue
            c, k = _code_point_at(data, p, end)
            if c >= len(safe) or not safe[c]:
                out[t] = True
                break
            p += k


@numba.njit(nogil=True, cache=True)
def place_sections(
    doc_data: np.ndarray,
    doc_offsets: np.ndarray,
    sec_data: np.ndarray,
    sec_offsets: np.ndarray,
    sec_doc: np.ndarray,
    at_byte: np.ndarray,
    at_char: np.ndarray,
    word: np.ndarray,
    ascii_maybe: np.ndarray,
    max_len: int,
    window: int,
    first: int,
    starts: np.ndarray,
    ends: np.ndarray,
    last: np.ndarray,
    tok_start: np.ndarray,
    tok_end: np.ndarray,
) -> int:  # pragma: no cover - compiled; tested through ``spans.locate_spans``
    """Place sections ``first, first+1, ...`` in their documents, in order, each at the
    first position at or after where its document's previous section ended
    (``at_byte``/``at_char``, moved to its end).

    Texts are UTF-8: document ``d`` is ``doc_data[doc_offsets[d]:doc_offsets[d+1]]``,
    section ``i`` likewise in ``sec_data``, of document ``sec_doc[i]`` (-1: none). A match
    of whole UTF-8 texts begins and ends between characters, and the first match in bytes
    is the first in characters. Sections without a document or text are skipped. A section
    is looked for only in the ``window`` bytes from its document's position; the index of
    the first one not found there is returned (``len(sec_doc)`` when all were placed) for
    the caller to look for it in the whole text. For each placed section: ``starts``/``ends``
    in characters, ``last`` (no word character, ``word[code point]``, after its end), and the
    bytes of the next token after it in ``tok_start``/``tok_end`` (from the document's
    start) when that token may mask the one before it (at most ``max_len`` characters, each
    non-ASCII or ``ascii_maybe``), else -1.
    """
    for i in range(first, len(sec_doc)):
        d = sec_doc[i]
        ss = sec_offsets[i]
        m = sec_offsets[i + 1] - ss
        if d < 0 or m == 0:
            continue
        ds = doc_offsets[d]
        n = doc_offsets[d + 1] - ds
        r = at_byte[d]
        stop = min(r + window, n - m + 1)  # byte positions r .. stop-1
        pos = -1
        c0 = sec_data[ss]
        for p in range(r, stop):
            if doc_data[ds + p] != c0:
                continue
            k = 1
            while k < m and doc_data[ds + p + k] == sec_data[ss + k]:
                k += 1
            if k == m:
                pos = p
                break
        if pos < 0:
            return i
        # characters up to the match and its end: count the bytes that begin one
        chars = at_char[d]
        for p in range(r, pos):
            if (doc_data[ds + p] & 0xC0) != 0x80:
                chars += 1
        starts[i] = chars
        end = pos + m
        for p in range(pos, end):
            if (sec_data[ss + p - pos] & 0xC0) != 0x80:
                chars += 1
        ends[i] = chars
        at_byte[d] = end
        at_char[d] = chars
        q = end
        while q < n:
            c, k = _code_point_at(doc_data, ds + q, ds + n)
            if c < len(word) and word[c]:
                break
            q += k
        last[i] = q >= n
        tok_start[i] = -1
        tok_end[i] = -1
        if q < n:
            e = q
            length = 0
            maybe = True
            while e < n:
                c, k = _code_point_at(doc_data, ds + e, ds + n)
                if c >= len(word) or not word[c]:
                    break
                if c < 128 and not ascii_maybe[c]:
                    maybe = False
                length += 1
                e += k
            if maybe and length <= max_len:
                tok_start[i] = q
                tok_end[i] = e
    return len(sec_doc)


@numba.njit(nogil=True, cache=True)
def _position_slots(seq: np.ndarray) -> tuple[np.ndarray, int]:  # pragma: no cover - compiled
    # open-addressing table of the first position of each distinct value of ``seq``
    bits = _table_bits(len(seq))
    mask = (1 << bits) - 1
    slots = np.full(1 << bits, -1, np.int64)
    for p in range(len(seq)):
        v = seq[p]
        h = _slot(v, bits)
        while slots[h] != -1 and seq[slots[h]] != v:
            h = (h + 1) & mask
        if slots[h] == -1:
            slots[h] = p
    return slots, bits


@numba.njit(inline="always")
def _position_of(
    v: np.uint32, seq: np.ndarray, slots: np.ndarray, bits: int
) -> int:  # pragma: no cover - compiled
    mask = (1 << bits) - 1
    h = _slot(v, bits)
    while slots[h] != -1 and seq[slots[h]] != v:
        h = (h + 1) & mask
    return slots[h]


@numba.njit(nogil=True, cache=True)
def first_positions_in(
    seq: np.ndarray, queries: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover - compiled; tested through ``alignment.first_positions``
    """``out[q]``: the first position of ``queries[q]`` in ``seq`` (-1: absent)."""
    slots, bits = _position_slots(seq)
    for q in range(len(queries)):
        out[q] = _position_of(queries[q], seq, slots, bits)


@numba.njit(nogil=True, cache=True)
def covered_by_sequence(
    seq: np.ndarray, n_tokens: int, other: np.ndarray, span: int, out: np.ndarray
) -> None:  # pragma: no cover - compiled; tested through ``covered_by_shingles``
    """``out[t]`` set for every token ``t < n_tokens`` that a shingle ``seq[j]`` found in
    ``other`` (any order, repeats allowed) covers: tokens ``j .. j+span-1``."""
    slots, bits = _position_slots(other)
    reach = 0
    for j in range(len(seq)):
        if _position_of(seq[j], other, slots, bits) != -1:
            end = min(j + span, n_tokens)
            for t in range(max(j, reach), end):
                out[t] = True
            reach = max(reach, end)
