"""How long one upload's duplicate lookup takes against 10k, 100k and 1M stored fingerprints.

Run: ``python -m benchmarks.lookup_bench [--sizes 10000 100000 1000000]``

Stored codes are random 128-bit integers (timing does not depend on the images). Each query
plants its true match, half of them a re-encoded copy (the ``whole`` code, 6 + 6 bits
flipped) and half a crop (one crop probe within 4 + 4 bits of the stored ``center``), and the
benchmark checks that the match is among the ten returned (``found``). An upload is looked up
in its eight orientations (mirrored, turned); the planted match sits in one of them, drawn at
random, and the other seven are random codes. Four ways are timed, median per query:

- ``index``: ``InMemoryFingerprintIndex.nearest`` of the eight orientations (whole-code scan,
  multi-index hash of the centre codes, exact scoring, for each), the answer the application
  gets;
- ``upright``: the same index with the upright fingerprint alone, the lookup as it was before
  mirrored and turned copies were searched;
- ``floor``: one plain numpy XOR + popcount + argmin over one uint64 array of the same size
  (the low halves of the whole codes), the least any full comparison can cost;
- ``sqlite``: the naive way: the codes in an SQLite table and a Python user function that
  computes the same distance row by row (``ORDER BY`` distance ``LIMIT 10``).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
from collections.abc import Callable

import numpy as np

from cultureup.adapters.vision.fingerprint_index import REPORT_RADIUS, InMemoryFingerprintIndex
from cultureup.adapters.vision.perceptual import HALF, ORIENTATIONS, PROBE_PENALTY
from cultureup.domain.catalog.duplicates import PROBE_COUNT, ImageFingerprint

MASK = (1 << 64) - 1


def _flip(code: int, bits: int, rng: np.random.Generator) -> int:
    """Flip some bits of the low (searched) half and as many of the high half."""
    for bit in rng.choice(64, bits, replace=False):
        code ^= 1 << int(bit)
    for bit in rng.choice(64, bits, replace=False):
        code ^= 1 << (HALF + int(bit))
    return code


def _random_code(rng: np.random.Generator) -> int:
    low, high = rng.integers(0, 2**64, 2, dtype=np.uint64, endpoint=False)
    return int(low) | int(high) << HALF


def _joined(codes: np.ndarray, row: int) -> int:
    return int(codes[row, 0]) | int(codes[row, 1]) << HALF


def _random_fingerprint(rng: np.random.Generator) -> ImageFingerprint:
    return ImageFingerprint(whole=_random_code(rng), center=_random_code(rng),
                            probes=[_random_code(rng) for _ in range(PROBE_COUNT)])


def _queries(whole: np.ndarray, center: np.ndarray, count: int,
             rng: np.random.Generator) -> list[tuple[int, list[ImageFingerprint]]]:
    """(planted row, the query in eight orientations: the match in one, random elsewhere)."""
    queries = []
    for i in range(count):
        row = int(rng.integers(len(whole)))
        probes = [_random_code(rng) for _ in range(PROBE_COUNT)]
        if i % 2:  # a crop: one probe lands near the stored centre
            probes[int(rng.integers(PROBE_COUNT))] = _flip(_joined(center, row), 4, rng)
            fingerprint = ImageFingerprint(whole=_random_code(rng), center=_random_code(rng),
                                           probes=probes)
        else:  # a re-encoded copy: the whole-image code nearly agrees
            fingerprint = ImageFingerprint(whole=_flip(_joined(whole, row), 6, rng),
                                           center=_random_code(rng), probes=probes)
        turned = [_random_fingerprint(rng) for _ in range(ORIENTATIONS)]
        turned[int(rng.integers(ORIENTATIONS)) if i % 4 < 2 else 0] = fingerprint
        queries.append((row, turned))
    return queries


def _median_ms(run: Callable[[], object], repeats: int) -> float:
    """Median CPU time of the calling thread per run: the lookups are single-threaded numpy
    or SQLite work, so this is their cost without the time other processes on a shared
    machine take from them (wall time equals it on an idle machine)."""
    run()  # warm caches and buffers
    times = []
    for _ in range(repeats):
        start = time.thread_time()
        run()
        times.append(time.thread_time() - start)
    return statistics.median(times) * 1000


def _sqlite(whole: np.ndarray, center: np.ndarray) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE fingerprints (artwork_id INTEGER PRIMARY KEY, "
               "artist_id INTEGER NOT NULL, whole_low INTEGER NOT NULL, "
               "whole_high INTEGER NOT NULL, center_low INTEGER NOT NULL, "
               "center_high INTEGER NOT NULL)")
    # SQLite integers are signed 64-bit: store the same bits as int64.
    columns = [codes.view(np.int64).tolist() for codes in (whole[:, 0], whole[:, 1],
                                                          center[:, 0], center[:, 1])]
    rows = zip(range(len(whole)), (i % 5000 for i in range(len(whole))), *columns, strict=True)
    db.executemany("INSERT INTO fingerprints VALUES (?, ?, ?, ?, ?, ?)", rows)
    db.commit()
    return db


def _sqlite_lookup(db: sqlite3.Connection, query: ImageFingerprint) -> list[tuple]:
    probes = query.probes

    def fp_distance(whole_low: int, whole_high: int, center_low: int, center_high: int) -> int:
        whole = (whole_low & MASK) | (whole_high & MASK) << HALF
        center = (center_low & MASK) | (center_high & MASK) << HALF
        cropped = min((center ^ probe).bit_count() for probe in probes)
        return min((whole ^ query.whole).bit_count(), (center ^ query.center).bit_count(),
                   cropped + PROBE_PENALTY)

    db.create_function("fp_distance", 4, fp_distance, deterministic=True)
    return db.execute(
        "SELECT artwork_id, artist_id, d FROM (SELECT artwork_id, artist_id, "
        "fp_distance(whole_low, whole_high, center_low, center_high) AS d FROM fingerprints) "
        "WHERE d <= ? ORDER BY d, artwork_id LIMIT 10", (REPORT_RADIUS,)).fetchall()


def bench(size: int, rng: np.random.Generator, sqlite_repeats: int) -> dict[str, float]:
    whole = rng.integers(0, 2**64, (size, 2), dtype=np.uint64, endpoint=False)
    center = rng.integers(0, 2**64, (size, 2), dtype=np.uint64, endpoint=False)
    index = InMemoryFingerprintIndex()
    start = time.perf_counter()
    index.add_many(np.arange(size), np.arange(size) % 5000, whole, center)
    load_s = time.perf_counter() - start

    queries = _queries(whole, center, 101, rng)
    # Random codes at 1M rows come near a query by chance now and then, so the planted match
    # is looked for among the ten returned, not only first.
    found = sum(row in [m.artwork_id for m in index.nearest(q, limit=10)] for row, q in queries)
    cursor = iter(range(10**9))

    def next_query() -> list[ImageFingerprint]:
        return queries[next(cursor) % len(queries)][1]

    whole_low = np.ascontiguousarray(whole[:, 0])
    index_ms = _median_ms(lambda: index.nearest(next_query(), limit=10), 101)
    upright_ms = _median_ms(lambda: index.nearest(next_query()[0], limit=10), 101)
    floor_ms = _median_ms(lambda: int(np.argmin(np.bitwise_count(
        whole_low ^ np.uint64(next_query()[0].whole & MASK)))), 101)

    db = _sqlite(whole, center)
    row, query = queries[3]  # a crop, planted upright
    assert row in [artwork_id for artwork_id, _, _ in _sqlite_lookup(db, query[0])]
    sqlite_ms = _median_ms(lambda: _sqlite_lookup(db, next_query()[0]), sqlite_repeats)
    db.close()
    return {"size": size, "index": index_ms, "upright": upright_ms, "floor": floor_ms,
            "sqlite": sqlite_ms, "found": found / len(queries), "bytes": index.nbytes / size,
            "load": load_s}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args(argv)
    rng = np.random.default_rng(2024)
    print(f"{'stored':>9s} {'index ms':>9s} {'upright ms':>11s} {'floor ms':>9s} "
          f"{'index/floor':>12s} {'sqlite ms':>10s} {'sqlite/index':>13s} {'found':>6s} "
          f"{'B/print':>8s} {'bulk load s':>11s}")
    for size in args.sizes:
        repeats = 21 if size <= 10_000 else 5 if size <= 100_000 else 3
        r = bench(size, rng, repeats)
        print(f"{size:9,d} {r['index']:9.3f} {r['upright']:11.3f} {r['floor']:9.3f} "
              f"{r['index'] / r['floor']:12.2f} "
              f"{r['sqlite']:10.1f} {r['sqlite'] / r['index']:13.0f} {r['found']:6.2f} "
              f"{r['bytes']:8.1f} {r['load']:11.2f}")
    print("\nindex: the eight orientations of the upload; upright: its upright fingerprint "
          "alone (the lookup before mirrored and turned copies were searched); the SQLite "
          "scan and the floor use the upright one")
    print("B/print: index bytes per stored fingerprint, fixed tables and buffers included "
          "(65 B per row: two 128-bit codes, two int64 ids, a flag, four uint32 hash slots)")


if __name__ == "__main__":
    main()
