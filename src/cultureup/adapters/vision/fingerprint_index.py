"""An in-memory fingerprint index with numpy: every stored artwork is compared on each lookup.

Layout: one row per artwork in contiguous arrays: the ``whole`` and ``center`` codes (uint64),
the artwork and artist ids (int64) and a liveness flag; plus, for the centre codes, four
tables of a multi-index hash (row numbers sorted by each 16-bit quarter of the code, and where
each quarter value starts). About 49 bytes per artwork, plus 2 MB of fixed tables.

A lookup has two exact passes and a scoring step:

1. A linear scan of every ``whole`` code: XOR with the query's, popcount, keep rows within
   ``SCAN_RADIUS`` bits. This is the floor's own operation (one XOR + popcount over one uint64
   array), done in cache-sized chunks into reused buffers. It finds resized, re-encoded,
   watermarked and brightened copies.
2. Crops are found through the centre codes: a crop of a stored image has one probe (one crop
   hypothesis) within a few bits of that image's ``center`` code. Scanning ten probes over
   every row would cost ten floors, so the centre codes are searched with multi-index hashing:
   any code within 7 bits of a probe agrees with it to within 1 bit on at least one of its four
   16-bit quarters (pigeonhole), so looking up each quarter value and its 16 one-bit neighbours
   finds *every* such row, not a sample. The query's own centre is searched to 11 bits (two-bit
   neighbours), which catches copies whose border changed (a corner watermark).
3. The rows from both passes are scored exactly with ``perceptual.forward_distance``.

Adds go to a short unsorted tail that lookups scan directly; the hash tables are rebuilt when
the tail grows past 1/64 of the rows. Removal marks a row dead; dead rows are dropped when they
pass a quarter of the rows. One lock serialises lookups and changes (lookups reuse buffers).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from cultureup.adapters.vision.perceptual import PROBE_PENALTY, similarity_from_distance
from cultureup.application.images import NearMatch
from cultureup.domain.duplicates import ImageFingerprint

__all__ = ["InMemoryFingerprintIndex"]

# Whole-code distance of the first pass: beyond every resized/re-encoded/watermarked copy seen
# in benchmarks/duplicate_eval.py, and random 64-bit codes pass it with probability 0.2%.
SCAN_RADIUS = 20
QUARTERS = 4
QUARTER_BITS = 16
QUARTER_MASK = np.uint64((1 << QUARTER_BITS) - 1)
# A quarter value and its neighbours within one bit find every code within 4 * 2 - 1 = 7 bits;
# within two bits, every code within 4 * 3 - 1 = 11 bits (used for the query's own centre).
ONE_BIT = np.array([0] + [1 << bit for bit in range(QUARTER_BITS)], dtype=np.int64)
TWO_BITS = np.unique((ONE_BIT[:, None] ^ ONE_BIT[None, :]).ravel())
CHUNK = 1 << 16
MIN_TAIL = 4096


class InMemoryFingerprintIndex:
    """Fingerprints of stored artworks in numpy arrays, compared with every one on lookup."""

    def __init__(self, *, report_radius: int = SCAN_RADIUS) -> None:
        self.report_radius = report_radius
        self._lock = threading.Lock()
        self._size = 0
        self._dead = 0
        self._indexed = 0
        self._whole = np.empty(0, np.uint64)
        self._center = np.empty(0, np.uint64)
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
        arrays = [self._whole, self._center, self._artwork, self._artist, self._alive,
                  *self._order, *self._starts, self._xor, self._bits, self._near]
        return sum(array.nbytes for array in arrays)

    def add(self, artwork_id: int, artist_id: int, fingerprint: ImageFingerprint) -> None:
        """Store an artwork's fingerprint, replacing any earlier one of the same artwork."""
        self.add_many([artwork_id], [artist_id], np.array([fingerprint.whole], np.uint64),
                      np.array([fingerprint.center], np.uint64))

    def add_many(self, artwork_ids: Sequence[int] | np.ndarray,
                 artist_ids: Sequence[int] | np.ndarray,
                 whole: np.ndarray, center: np.ndarray) -> None:
        """Store many at once from arrays of codes (loading at start-up, backfills)."""
        artworks = np.asarray(artwork_ids, dtype=np.int64).ravel()
        artists = np.asarray(artist_ids, dtype=np.int64).ravel()
        whole = np.asarray(whole, dtype=np.uint64).ravel()
        center = np.asarray(center, dtype=np.uint64).ravel()
        count = len(artworks)
        if not len(artists) == len(whole) == len(center) == count:
            raise ValueError("artwork_ids, artist_ids, whole and center must have one length")
        if len(np.unique(artworks)) != count:
            raise ValueError("artwork_ids must be unique")
        with self._lock:
            live = self._alive[:self._size]
            replaced = live & np.isin(self._artwork[:self._size], artworks)
            self._alive[:self._size][replaced] = False
            self._dead += int(replaced.sum())
            self._reserve(self._size + count)
            rows = slice(self._size, self._size + count)
            self._whole[rows], self._center[rows] = whole, center
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

    def nearest(self, fingerprint: ImageFingerprint, *, limit: int = 10) -> list[NearMatch]:
        """The stored artworks most similar to the fingerprint, best first, at most `limit`.

        Every artwork within ``report_radius`` bits of whole-image distance, whose centre is
        within 11 bits of the query's centre, or within 7 bits of one of its crop probes, is
        scored with ``perceptual.forward_distance``; those within ``report_radius`` are kept.
        """
        if limit < 1:
            raise ValueError("limit must be at least 1")
        whole = np.uint64(fingerprint.whole)
        probes = np.array([fingerprint.center, *fingerprint.probes], dtype=np.uint64)
        with self._lock:
            # Rows may repeat (several quarters or probes hit one row): score first, then
            # deduplicate the few that are near, which is cheaper than deduplicating them all.
            rows = np.concatenate([self._scan_whole(whole), self._multi_index_rows(probes),
                                   np.arange(self._indexed, self._size)])
            whole_bits = np.bitwise_count(self._whole[rows] ^ whole)
            center_bits = np.bitwise_count(self._center[rows][:, None] ^ probes[None, :])
            center_bits[:, 1:] += PROBE_PENALTY
            bits = np.minimum(whole_bits, center_bits.min(axis=1))
            keep = (bits <= self.report_radius) & self._alive[rows]
            rows, first = np.unique(rows[keep], return_index=True)
            bits = bits[keep][first]
            best = np.lexsort((self._artwork[rows], bits))[:limit]
            return [NearMatch(int(self._artwork[row]), int(self._artist[row]),
                              similarity_from_distance(int(distance)))
                    for row, distance in zip(rows[best], bits[best], strict=True)]

    def _scan_whole(self, query: np.uint64) -> np.ndarray:
        found = []
        for start in range(0, self._size, CHUNK):
            stop = min(self._size, start + CHUNK)
            n = stop - start
            xor, bits, near = self._xor[:n], self._bits[:n], self._near[:n]
            np.bitwise_xor(self._whole[start:stop], query, out=xor)
            np.bitwise_count(xor, out=bits)
            np.less_equal(bits, SCAN_RADIUS, out=near)
            hits = np.flatnonzero(near)
            if len(hits):
                found.append(hits + start)
        return np.concatenate(found) if found else np.empty(0, np.int64)

    def _multi_index_rows(self, probes: np.ndarray) -> np.ndarray:
        found = []
        for quarter in range(QUARTERS):
            values = ((probes >> np.uint64(quarter * QUARTER_BITS)) & QUARTER_MASK)
            values = values.astype(np.int64)
            keys = np.unique(np.concatenate([values[0] ^ TWO_BITS,
                                             (values[1:, None] ^ ONE_BIT).ravel()]))
            starts = self._starts[quarter]
            low, counts = starts[keys], starts[keys + 1] - starts[keys]
            total = int(counts.sum())
            if not total:
                continue
            # Concatenate the ranges order[low:low + count] without a Python loop.
            shift = np.repeat(low - (np.cumsum(counts) - counts), counts)
            found.append(self._order[quarter][np.arange(total) + shift])
        return np.concatenate(found).astype(np.int64) if found else np.empty(0, np.int64)

    def _reserve(self, size: int) -> None:
        capacity = len(self._whole)
        if size <= capacity:
            return
        capacity = max(size, 2 * capacity, 1024)
        for name in ("_whole", "_center", "_artwork", "_artist", "_alive"):
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
        for name in ("_whole", "_center", "_artwork", "_artist", "_alive"):
            array = getattr(self, name)
            array[:len(live)] = array[live]
        self._size, self._dead = len(live), 0
        self._rebuild()

    def _rebuild(self) -> None:
        center = self._center[:self._size]
        for quarter in range(QUARTERS):
            values = ((center >> np.uint64(quarter * QUARTER_BITS)) & QUARTER_MASK)
            values = values.astype(np.uint16)
            self._order[quarter] = np.argsort(values, kind="stable").astype(np.uint32)
            counts = np.bincount(values, minlength=1 << QUARTER_BITS)
            self._starts[quarter][1:] = np.cumsum(counts)
        self._indexed = self._size
