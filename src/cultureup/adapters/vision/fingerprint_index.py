"""An in-memory fingerprint index with numpy: every stored artwork is compared on each lookup.

Layout: one row per artwork in contiguous arrays: the ``whole`` and ``center`` codes, each
split into its low and high 64-bit halves (uint64), the artwork and artist ids (int64) and a
liveness flag; plus, for the low halves of the centre codes, four tables of a multi-index hash
(row numbers sorted by each 16-bit quarter, and where each quarter value starts). 65 bytes per
artwork, plus about 3 MB of fixed tables and buffers; arrays grow by doubling, so incremental
adds may reserve up to twice that per row.

A lookup searches on the low halves (the robust low frequencies), then scores exactly:

1. A linear scan of every ``whole`` low half: XOR with the query's, popcount, keep rows within
   ``SCAN_RADIUS`` bits. This is the floor's own operation (one XOR + popcount over one uint64
   array), done in cache-sized chunks into reused buffers. It finds resized, re-encoded,
   watermarked and brightened copies.
2. Crops are found through the centre codes: a crop of a stored image has one probe (one crop
   hypothesis) within a few bits of that image's ``center``. Scanning ten codes over every row
   would cost ten floors, so the centre low halves are searched with multi-index hashing: any
   code within 7 bits of a probe agrees with it to within 1 bit on at least one of its four
   16-bit quarters (pigeonhole), so looking up each quarter value and its 16 one-bit neighbours
   finds *every* such row, not a sample. The query's own centre is searched to 11 bits
   (two-bit neighbours), which catches copies whose border changed (a corner watermark). The
   rows a key finds are checked on the low half it was looked up for (7 or 11 bits), which
   drops the many that merely share one quarter before the exact scoring.
3. The rows from both passes are scored on the full 128-bit codes exactly as
   ``perceptual.forward_distance`` does, and those within ``report_radius`` are returned.

An upload is looked up in its eight orientations (mirrored and turned copies): the scan
compares every row with the eight low halves in one pass, the multi-index looks up the keys of
all eight at once, and each candidate row is scored against the orientation that found it
(plus ``ORIENTATION_PENALTY`` for the seven turned ones). The few rows within the report
radius are then scored in all eight, so that each carries ``perceptual.oriented_distance``.
About eight times the work of an upright lookup; see ``benchmarks/lookup_bench.py``.

Adds go to a short unsorted tail that lookups score in full; the hash tables are rebuilt when
the tail grows past 1/64 of the rows. Removal marks a row dead; dead rows are dropped when they
pass a quarter of the rows. One lock serialises lookups and changes (lookups reuse buffers).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from cultureup.adapters.vision.perceptual import (
    DUPLICATE_DISTANCE,
    HALF,
    ORIENTATION_PENALTY,
    PROBE_PENALTY,
    similarity_from_distance,
)
from cultureup.application.catalog.images import NearMatch
from cultureup.domain.catalog.duplicates import ImageFingerprint

__all__ = ["InMemoryFingerprintIndex", "split_codes"]

# Low-half distance of the first pass: a duplicate's whole code is within 32 of 128 bits, and
# its robust low half within about 20 of 64; random low halves pass with probability 0.2%.
SCAN_RADIUS = 20
# Matches reported: well past the duplicate boundary (similarity about 0.6).
REPORT_RADIUS = DUPLICATE_DISTANCE + 8
QUARTERS = 4
QUARTER_BITS = 16
QUARTER_MASK = np.uint64((1 << QUARTER_BITS) - 1)
LOW_MASK = (1 << HALF) - 1
# A quarter value and its neighbours within one bit find every code within 4 * 2 - 1 = 7 bits;
# within two bits, every code within 4 * 3 - 1 = 11 bits (used for the query's own centre).
ONE_BIT = np.array([0] + [1 << bit for bit in range(QUARTER_BITS)], dtype=np.int64)
TWO_BITS = np.unique((ONE_BIT[:, None] ^ ONE_BIT[None, :]).ravel())
CENTER_RADIUS = QUARTERS * 3 - 1
PROBE_RADIUS = QUARTERS * 2 - 1
CHUNK = 1 << 16
MIN_TAIL = 4096
COLUMNS = ("_whole_low", "_whole_high", "_center_low", "_center_high", "_artwork", "_artist",
           "_alive")


def split_codes(codes: Sequence[int]) -> np.ndarray:
    """128-bit codes as an (n, 2) uint64 array of (low half, high half), as add_many takes."""
    return np.array([(code & LOW_MASK, code >> HALF) for code in codes],
                    dtype=np.uint64).reshape(-1, 2)


class InMemoryFingerprintIndex:
    """Fingerprints of stored artworks in numpy arrays, compared with every one on lookup."""

    def __init__(self, *, report_radius: int = REPORT_RADIUS) -> None:
        self.report_radius = report_radius
        self._lock = threading.Lock()
        self._size = 0
        self._dead = 0
        self._indexed = 0
        self._whole_low = np.empty(0, np.uint64)
        self._whole_high = np.empty(0, np.uint64)
        self._center_low = np.empty(0, np.uint64)
        self._center_high = np.empty(0, np.uint64)
        self._artwork = np.empty(0, np.int64)
        self._artist = np.empty(0, np.int64)
        self._alive = np.empty(0, np.bool_)
        self._order = [np.empty(0, np.uint32) for _ in range(QUARTERS)]
        self._starts = [np.zeros((1 << QUARTER_BITS) + 1, np.int64) for _ in range(QUARTERS)]
        self._xor = np.empty(CHUNK, np.uint64)
        self._bits = np.empty(CHUNK, np.uint8)
        self._near = np.empty(CHUNK, np.bool_)

    def __len__(self) -> int:
        return self._size - self._dead

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays (capacity included), tables and scratch buffers."""
        arrays = [*(getattr(self, name) for name in COLUMNS), *self._order, *self._starts,
                  self._xor, self._bits, self._near]
        return sum(array.nbytes for array in arrays)

    def add(self, artwork_id: int, artist_id: int, fingerprint: ImageFingerprint) -> None:
        """Store an artwork's fingerprint, replacing any earlier one of the same artwork."""
        self.add_many([artwork_id], [artist_id], split_codes([fingerprint.whole]),
                      split_codes([fingerprint.center]))

    def add_many(self, artwork_ids: Sequence[int] | np.ndarray,
                 artist_ids: Sequence[int] | np.ndarray,
                 whole: np.ndarray, center: np.ndarray) -> None:
        """Store many at once (start-up loading, backfills); ``whole`` and ``center`` are
        (n, 2) uint64 arrays of (low half, high half), see ``split_codes``."""
        artworks = np.asarray(artwork_ids, dtype=np.int64).ravel()
        artists = np.asarray(artist_ids, dtype=np.int64).ravel()
        whole = np.asarray(whole, dtype=np.uint64).reshape(-1, 2)
        center = np.asarray(center, dtype=np.uint64).reshape(-1, 2)
        count = len(artworks)
        if not len(artists) == len(whole) == len(center) == count:
            raise ValueError("artwork_ids, artist_ids, whole and center must have one length")
        if len(np.unique(artworks)) != count:
            raise ValueError("artwork_ids must be unique")
        with self._lock:
            replaced = self._alive[:self._size] & np.isin(self._artwork[:self._size], artworks)
            self._alive[:self._size][replaced] = False
            self._dead += int(replaced.sum())
            self._reserve(self._size + count)
            rows = slice(self._size, self._size + count)
            self._whole_low[rows], self._whole_high[rows] = whole[:, 0], whole[:, 1]
            self._center_low[rows], self._center_high[rows] = center[:, 0], center[:, 1]
            self._artwork[rows], self._artist[rows] = artworks, artists
            self._alive[rows] = True
            self._size += count
            self._maintain()

    def remove(self, artwork_id: int) -> None:
        """Forget an artwork's fingerprint; forgetting an unknown artwork does nothing."""
        with self._lock:
            size = self._size
            rows = np.flatnonzero(self._alive[:size] & (self._artwork[:size] == artwork_id))
            self._alive[rows] = False
            self._dead += len(rows)
            self._maintain()

    def nearest(self, fingerprint: ImageFingerprint | Sequence[ImageFingerprint], *,
                limit: int = 10) -> list[NearMatch]:
        """The stored artworks most similar to the fingerprint, best first, at most `limit`.

        ``fingerprint`` is one fingerprint, or the query in several orientations
        (``PerceptualFingerprinter.orientations``, the upright one first): each is searched
        in the same pass over the rows. For each orientation, every artwork within
        ``SCAN_RADIUS`` bits on the low half of the whole code, whose centre is within 11 bits
        of the query's centre, or within 7 bits of one of its crop probes (low halves), is
        scored with ``perceptual.forward_distance`` (plus ``ORIENTATION_PENALTY`` after the
        first orientation); the rows within ``report_radius`` are scored again in every
        orientation and carry ``perceptual.oriented_distance`` exactly.
        """
        if limit < 1:
            raise ValueError("limit must be at least 1")
        queries = [fingerprint] if isinstance(fingerprint, ImageFingerprint) else fingerprint
        if not queries:
            return []
        whole = split_codes([query.whole for query in queries])  # (k, 2)
        # (k, 10, 2): per orientation, its centre then its nine crop probes.
        probes = np.stack([split_codes([query.center, *query.probes]) for query in queries])
        with self._lock:
            # Candidate (orientation, row) pairs; pairs may repeat (several quarters or probes
            # hit one row): score first, then deduplicate the few that are near.
            tail = np.arange(self._indexed, self._size)
            scanned = self._scan_whole(whole[:, 0])
            indexed = self._multi_index_rows(probes[:, :, 0])
            turns = np.concatenate([scanned[0], indexed[0],
                                    np.repeat(np.arange(len(queries)), len(tail))])
            rows = np.concatenate([scanned[1], indexed[1], np.tile(tail, len(queries))])
            bits = np.empty(len(rows), np.int16)
            for k in range(len(queries)):
                mine = turns == k
                bits[mine] = self._distances(rows[mine], whole[k], probes[k]) + (
                    ORIENTATION_PENALTY if k else 0)
            keep = (bits <= self.report_radius) & self._alive[rows]
            # The few rows near in some orientation are scored in every orientation, so that
            # each carries its exact distance (the best orientation may not have found it).
            rows = np.unique(rows[keep])
            bits = np.min([self._distances(rows, whole[k], probes[k])
                           + (ORIENTATION_PENALTY if k else 0) for k in range(len(queries))],
                          axis=0, initial=255) if len(rows) else np.empty(0, np.int16)
            best = np.lexsort((self._artwork[rows], bits))[:limit]
            return [NearMatch(int(self._artwork[row]), int(self._artist[row]),
                              similarity_from_distance(int(distance)))
                    for row, distance in zip(rows[best], bits[best], strict=True)]

    def _distances(self, rows: np.ndarray, whole: np.ndarray, probes: np.ndarray) -> np.ndarray:
        """perceptual.forward_distance from one query (``whole`` (2,), ``probes`` (10, 2): its
        centre, then its crop probes) to each row, vectorised."""
        def bits(low: np.ndarray, high: np.ndarray, code: np.ndarray) -> np.ndarray:
            # Codes down the first axis: the minimum over them is then elementwise and fast.
            return (np.bitwise_count(code[..., 0, None] ^ low)
                    + np.bitwise_count(code[..., 1, None] ^ high))

        center_low, center_high = self._center_low[rows], self._center_high[rows]
        cropped = bits(center_low, center_high, probes[1:]).min(axis=0, initial=255)
        return np.minimum(
            np.minimum(bits(self._whole_low[rows], self._whole_high[rows], whole),
                       bits(center_low, center_high, probes[0])),
            cropped.astype(np.int16) + PROBE_PENALTY)

    def _scan_whole(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(query number, row) of every row within SCAN_RADIUS of one of the (k,) low halves:
        one pass over the rows, every query compared in it."""
        turns, found = [], []
        count = len(queries)
        column = queries[:, None]
        step = max(1, CHUNK // count)  # rows per pass, so that the buffers hold every query
        for start in range(0, self._size, step):
            stop = min(self._size, start + step)
            n = stop - start
            xor = self._xor[:count * n].reshape(count, n)
            bits, near = self._bits[:count * n].reshape(count, n), self._near[:count * n]
            np.bitwise_xor(self._whole_low[None, start:stop], column, out=xor)
            np.bitwise_count(xor, out=bits)
            np.less_equal(bits.ravel(), SCAN_RADIUS, out=near)
            hits = np.flatnonzero(near)
            if len(hits):
                turns.append(hits // n)
                found.append(hits % n + start)
        if not found:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        return np.concatenate(turns), np.concatenate(found)

    def _multi_index_rows(self, probes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(query number, row) of rows whose centre is within 11 bits of a query's centre or
        7 bits of one of its probes, on the low halves; ``probes`` is (k, 10) low halves, each
        centre first. The hash finds every such row, among others that merely share a
        quarter; those are dropped by checking the low half each was looked up for."""
        count, width = probes.shape
        # Per key: the query it belongs to, the code it was derived from, and its radius.
        keys_per_query = len(TWO_BITS) + (width - 1) * len(ONE_BIT)
        key_turns = np.repeat(np.arange(count), keys_per_query)
        key_codes = np.concatenate([np.repeat(probes[:, :1], len(TWO_BITS), axis=1),
                                    np.repeat(probes[:, 1:], len(ONE_BIT), axis=1)],
                                   axis=1).ravel()
        key_radius = np.tile(np.concatenate([
            np.full(len(TWO_BITS), CENTER_RADIUS, np.uint8),
            np.full((width - 1) * len(ONE_BIT), PROBE_RADIUS, np.uint8)]), count)
        turns, found = [], []
        for quarter in range(QUARTERS):
            values = (probes >> np.uint64(quarter * QUARTER_BITS)) & QUARTER_MASK
            values = values.astype(np.int64)
            # Repeated keys only repeat candidates, which scoring deduplicates anyway.
            keys = np.concatenate([values[:, :1] ^ TWO_BITS,
                                   (values[:, 1:, None] ^ ONE_BIT).reshape(count, -1)],
                                  axis=1).ravel()
            starts = self._starts[quarter]
            low, counts = starts[keys], starts[keys + 1] - starts[keys]
            total = int(counts.sum())
            if not total:
                continue
            # Concatenate the ranges order[low:low + count] without a Python loop.
            shift = np.repeat(low - (np.cumsum(counts) - counts), counts)
            rows = self._order[quarter][np.arange(total) + shift]
            near = np.bitwise_count(self._center_low[rows] ^ np.repeat(key_codes, counts)) \
                <= np.repeat(key_radius, counts)
            found.append(rows[near])
            turns.append(np.repeat(key_turns, counts)[near])
        if not found:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        return np.concatenate(turns), np.concatenate(found).astype(np.int64)

    def _reserve(self, size: int) -> None:
        capacity = len(self._artwork)
        if size <= capacity:
            return
        capacity = max(size, 2 * capacity, 1024)
        for name in COLUMNS:
            old = getattr(self, name)
            new = np.zeros(capacity, old.dtype)
            new[:self._size] = old[:self._size]
            setattr(self, name, new)

    def _maintain(self) -> None:
        if self._dead > max(MIN_TAIL, self._size // 4):
            self._compact()
        if self._size - self._indexed > max(MIN_TAIL, self._size // 64):
            self._rebuild()

    def _compact(self) -> None:
        live = np.flatnonzero(self._alive[:self._size])
        for name in COLUMNS:
            array = getattr(self, name)
            array[:len(live)] = array[live]
        self._size, self._dead = len(live), 0
        self._rebuild()

    def _rebuild(self) -> None:
        center = self._center_low[:self._size]
        for quarter in range(QUARTERS):
            values = (center >> np.uint64(quarter * QUARTER_BITS)) & QUARTER_MASK
            values = values.astype(np.uint16)
            self._order[quarter] = np.argsort(values, kind="stable").astype(np.uint32)
            counts = np.bincount(values, minlength=1 << QUARTER_BITS)
            self._starts[quarter][1:] = np.cumsum(counts)
        self._indexed = self._size
