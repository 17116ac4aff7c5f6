"""Array kernels for the signal rules. They work on observed points only (no NaN), in time
order: ``pid`` is the phase number of every point (non-decreasing). Nothing loops over points;
Python loops only over rules, phases and rows."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "BoolArray",
    "FloatArray",
    "IntArray",
    "anhoej",
    "binom_quantile_05",
    "k_of_w_cover",
    "segments",
    "sign8",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]


def sign8(a: FloatArray, b: FloatArray | float) -> npt.NDArray[np.int8]:
    """sign(a - b) as int8 (0 where equal), without computing the difference."""
    return np.subtract(np.greater(a, b).view(np.int8), np.less(a, b).view(np.int8), dtype=np.int8)


def segments(key: npt.NDArray[Any], pid: IntArray | None) -> tuple[IntArray, IntArray]:
    """Start and stop (exclusive) of the maximal runs of equal ``key`` (within a phase)."""
    n = key.shape[0]
    change = np.empty(n, dtype=bool)
    change[:1] = True
    np.not_equal(key[1:], key[:-1], out=change[1:])
    if pid is not None:
        change[1:] |= pid[1:] != pid[:-1]
    starts = change.nonzero()[0]
    stops = np.empty_like(starts)
    stops[:-1] = starts[1:]
    stops[-1:] = n
    return starts, stops


def _coversegments(cover: BoolArray, pid: IntArray | None) -> tuple[IntArray, IntArray, IntArray]:
    """(row, start, stop) of the stretches of True in each row of ``cover``, split at phase
    boundaries."""
    r, n = cover.shape
    pad = np.zeros((r, n + 2), dtype=bool)
    pad[:, 1:-1] = cover
    rr, cc = (pad[:, 1:] != pad[:, :-1]).nonzero()
    rows, starts, stops = rr[0::2], cc[0::2], cc[1::2]
    if pid is not None and starts.shape[0]:
        crossing = (pid[starts] != pid[stops - 1]).nonzero()[0]
        if crossing.shape[0]:  # rare: coverage of two phases touching at a boundary
            pieces_r, pieces_s, pieces_t = [], [], []
            for k in crossing.tolist():
                s, t = int(starts[k]), int(stops[k])
                cuts = s + 1 + (pid[s + 1 : t] != pid[s : t - 1]).nonzero()[0]
                bounds = [s, *cuts.tolist(), t]
                pieces_r += [int(rows[k])] * (len(bounds) - 1)
                pieces_s += bounds[:-1]
                pieces_t += bounds[1:]
            keep = np.ones(starts.shape[0], dtype=bool)
            keep[crossing] = False
            rows = np.concatenate([rows[keep], pieces_r]).astype(np.intp)
            starts = np.concatenate([starts[keep], pieces_s]).astype(np.intp)
            stops = np.concatenate([stops[keep], pieces_t]).astype(np.intp)
    return rows, starts, stops


def k_of_w_cover(
    cond: BoolArray, k: int, w: int, phase: IntArray | None
) -> tuple[IntArray, IntArray, IntArray]:
    """Stretches covered by windows of ``w`` successive points holding ``k`` or more true
    values, for both rows of ``cond`` (above, below) at once. The rows are processed as one
    flat array (1-D cumulative sums are much cheaper than 2-D ones on short series); windows
    that would straddle the two rows or a phase boundary are discarded."""
    n = cond.shape[1]
    flat = cond.ravel()
    if w <= 8:  # a few shifted adds beat two cumulative sums over 2n values
        counts = flat[: 2 * n - w + 1].astype(np.int8)
        for j in range(1, w):
            counts += flat[j : 2 * n - w + 1 + j]
        ok = counts >= k  # window starting at flat position j
    else:
        cs = np.zeros(2 * n + 1, dtype=np.int32)
        np.cumsum(flat, out=cs[1:])
        ok = (cs[w:] - cs[:-w]) >= k
    ok[n - w + 1 : n] = False
    if phase is not None:
        same = phase[w - 1 :] == phase[: n - w + 1]
        ok[: n - w + 1] &= same
        ok[n:] &= same
    # point i is covered when a window starting in [i - w + 1, i] is ok
    cover = np.zeros(2 * n, dtype=bool)
    if w <= 8:
        m = ok.shape[0]
        for j in range(w):
            cover[j : j + m] |= ok
    else:
        cok = np.zeros(2 * n + 1, dtype=np.int32)
        np.cumsum(ok, out=cok[1 : 2 * n - w + 2])
        cok[2 * n - w + 2 :] = cok[2 * n - w + 1]
        np.greater(cok[1 : w + 1], 0, out=cover[:w])
        np.greater(cok[w + 1 :], cok[1 : 2 * n - w + 1], out=cover[w:])
    return _coversegments(cover.reshape(2, n), phase)


def binom_quantile_05(m: int) -> int:
    """Smallest x with P(X <= x) >= 0.05 for X ~ Binomial(m, 0.5) (R's ``qbinom(0.05, m,
    0.5)``). Probabilities are summed from ten standard deviations below the mean, where
    the lower tail is below 1e-22, so a million points cost a few thousand terms."""
    if m <= 0:
        return 0
    k0 = max(0, int(m / 2 - 5 * math.sqrt(m)))
    k = np.arange(k0 + 1, m // 2 + 1, dtype=np.float64)
    logpmf = np.empty(k.shape[0] + 1)
    logpmf[0] = (
        math.lgamma(m + 1) - math.lgamma(k0 + 1) - math.lgamma(m - k0 + 1) + m * math.log(0.5)
    )
    logpmf[1:] = logpmf[0] + np.cumsum(np.log((m - k + 1) / k))
    cdf = np.cumsum(np.exp(logpmf))
    return k0 + int(np.searchsorted(cdf, 0.05 * (1 - 1e-12)))


def anhoej(
    side: npt.NDArray[np.int8], pid: IntArray, multi: bool
) -> list[tuple[int, int, int, str]]:
    """(sign, start, stop, detail) per phase that fails Anhoej's runs analysis."""
    on_line = not side.all()
    keep = side.nonzero()[0] if on_line else None
    s = side[keep] if keep is not None else side
    if s.shape[0] == 0:
        return []
    p = (pid[keep] if keep is not None else pid) if multi else None
    starts, stops = segments(s, p)
    lengths = stops - starts
    if p is None:
        groups = [np.arange(starts.shape[0])]
    else:
        seg_phase = p[starts]
        groups = [(seg_phase == ph).nonzero()[0] for ph in np.unique(seg_phase).tolist()]
    out = []
    for mine in groups:
        n_useful = int(lengths[mine].sum())
        crossings = mine.shape[0] - 1
        longest_at = mine[int(np.argmax(lengths[mine]))]
        longest = int(lengths[longest_at])
        max_run = int(np.round(math.log2(n_useful))) + 3
        min_cross = binom_quantile_05(n_useful - 1)
        reasons = []
        if longest > max_run:
            reasons.append(f"longest run {longest} > {max_run}")
        if crossings < min_cross:
            reasons.append(f"{crossings} crossings < {min_cross}")
        if not reasons:
            continue
        if longest > max_run:
            lo, hi = int(starts[longest_at]), int(stops[longest_at])
        else:
            lo, hi = int(starts[mine[0]]), int(stops[mine[-1]])
        sign = int(s[starts[longest_at]])
        if keep is not None:
            lo, hi = int(keep[lo]), int(keep[hi - 1]) + 1
        out.append((sign, lo, hi, "; ".join(reasons)))
    return out
