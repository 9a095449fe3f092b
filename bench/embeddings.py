"""Benchmark: the cost of issue 14's embeddings at 100,000 initiatives (bench/README.md, "Embeddings").

Not a test, and not part of ``make bench``: it needs no database. It measures, in this one process:

* loading the encoder (once per process);
* encoding throughput, texts per second, for seed-like texts (title and a two-sentence summary) encoded one at a
  time (a look-alike check, a task) and in batches (``rebuild_embeddings``);
* over ``--vectors`` random unit vectors (float16 as stored, float32 as a process keeps them), the nearest-neighbour
  time of one vector against all (the task's and the look-alike check's matrix-vector product and top-k), and of a
  block of 64 (a batch of the rebuild's related lists), with the memory the matrix takes.

    .venv/bin/python bench/embeddings.py [--vectors 100000] [--texts 200]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

TEXTS = [
    "Reducing the cost of remittance transfers\nA programme that lowers the fees migrants pay to send money home.",
    "Réduire le coût des transferts de fonds\nUn programme qui diminue les frais payés par les migrants.",
    "Alternativas a la detención de niños migrantes\nGestión de casos en la comunidad para familias migrantes.",
    "خفض تكلفة التحويلات المالية\nبرنامج يخفّض الرسوم التي يدفعها المهاجرون لإرسال الأموال إلى أسرهم.",
]


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def timed(call, repeat: int) -> float:
    """Median seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", type=int, default=100_000)
    parser.add_argument("--texts", type=int, default=200)
    args = parser.parse_args()

    import django

    django.setup()
    from initiatives import embeddings

    start = time.perf_counter()
    embeddings.encode(["warm-up"])
    say(f"encoder loaded and first text encoded: {time.perf_counter() - start:.2f} s")

    texts = [f"{TEXTS[n % len(TEXTS)]} ({n})" for n in range(args.texts)]
    start = time.perf_counter()
    for text in texts[:50]:
        embeddings.encode([text])
    one = 50 / (time.perf_counter() - start)
    start = time.perf_counter()
    for offset in range(0, len(texts), 50):
        embeddings.encode(texts[offset : offset + 50])
    batched = len(texts) / (time.perf_counter() - start)
    say(f"encoding: {one:.0f} texts/s one at a time, {batched:.0f} texts/s in batches of 50")

    rng = np.random.default_rng(14)
    matrix = embeddings.normalised(rng.standard_normal((args.vectors, embeddings.DIMENSIONS)).astype(np.float32))
    stored = matrix.astype(np.float16)
    index = embeddings.Index(
        version=(), ids=np.arange(args.vectors, dtype=np.int64), matrix=stored.astype(embeddings.IN_MEMORY)
    )
    mib = 2**20
    say(f"{args.vectors} vectors: {stored.nbytes / mib:.0f} MiB stored, {index.matrix.nbytes / mib:.0f} MiB in memory")
    query = embeddings.encode([TEXTS[0]])

    def nearest_one():
        row = index.scores(query)[0]
        np.argpartition(-row, 50)[:51]

    block = index.matrix[:64]

    def nearest_block():
        rows = index.scores(block)
        np.argpartition(-rows, 50, axis=1)[:, :51]

    say(f"nearest 50 of {args.vectors}, one vector: {timed(nearest_one, 20) * 1000:.1f} ms (median of 20)")
    say(f"nearest 50 of {args.vectors}, 64 vectors at once: {timed(nearest_block, 5) * 1000:.0f} ms (median of 5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
