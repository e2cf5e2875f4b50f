"""Near-duplicate index: MinHash signatures of body shingles, LSH buckets kept in the database.

Each stored document gets a ``datasketch`` MinHash of its body's word 5-gram shingles (the title,
by-line and residue are left out, so a republished copy with a new headline or page furniture
still matches). The LSH banding (``b`` bands of ``r`` rows, chosen by ``datasketch.MinHashLSH``
for :data:`INDEX_THRESHOLD`) is stored as rows ``(bucket key, document)`` in ``minhash_bands``
rather than in a process's memory: adding a document writes its rows in the same transaction,
the index survives restarts, several processes (web app, ``spinscope ingest``) share it, and a
query is an indexed lookup on SQLite and PostgreSQL alike, whatever the corpus size.
Candidates from the buckets are then checked with the MinHash Jaccard estimate from the stored
signatures, so the precision does not depend on the banding.

Changing :data:`NUM_PERM`, :data:`SHINGLE_WORDS`, :data:`INDEX_THRESHOLD` or the weights means
rebuilding both tables (a migration).
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from spinscope.document import Document

NUM_PERM = 64
SHINGLE_WORDS = 5
#: Jaccard similarity the banding is tuned for; ``find`` cannot promise recall below it.
INDEX_THRESHOLD = 0.5
#: Weights of false positives vs false negatives when datasketch picks (bands, rows): recall
#: matters more here, since every candidate is verified against its signature anyway.
INDEX_WEIGHTS = (0.1, 0.9)
#: Default similarity for ``spinscope duplicates`` and "Also published as".
DEFAULT_THRESHOLD = 0.6
#: Bodies with fewer shingles than this are not indexed: a two-line text is not a "story".
MIN_SHINGLES = 8
SEED = 1

_WORD = re.compile(r"\w+", re.UNICODE)


def body_text(doc: Document) -> str:
    """The text that identifies the story: body regions, or the whole text without them."""
    body = "\n".join(doc.span_text(s) for s in doc.body_spans())
    return body if body.strip() else doc.text


def _word_ids(text: str) -> np.ndarray:
    """A stable 32-bit id per lower-cased word (CRC-32; Python's ``hash`` varies by process)."""
    return np.fromiter(
        (zlib.crc32(w.lower().encode("utf-8")) for w in _WORD.findall(text)), dtype=np.uint64
    )


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads the bits of 64-bit values (uint64 arithmetic wraps)."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def shingles(text: str, k: int = SHINGLE_WORDS) -> np.ndarray:
    """Distinct 32-bit hashes of the word ``k``-grams of the lower-cased text (punctuation and
    spacing ignored); a text shorter than ``k`` words is one shingle."""
    ids = _word_ids(text)
    if len(ids) == 0:
        return np.zeros(0, dtype=np.uint32)
    k = min(k, len(ids))
    n = len(ids) - k + 1
    with np.errstate(over="ignore"):
        h = np.zeros(n, dtype=np.uint64)
        for j in range(k):
            h = _mix(h ^ ids[j : j + n])
    return np.unique((h & np.uint64(0xFFFFFFFF)).astype(np.uint32))


def _identity(x: Any) -> Any:
    return x


@functools.lru_cache(maxsize=1)
def _template() -> Any:
    from datasketch import MinHash

    # Shingles arrive already hashed to 32 bits (vectorised above), so the MinHash's own
    # hash function is the identity; datasketch applies its NUM_PERM permutations.
    return MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=_identity)


@functools.lru_cache(maxsize=1)
def banding() -> tuple[tuple[int, int], ...]:
    """Row ranges of the LSH bands, as datasketch's ``MinHashLSH`` chooses them."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=INDEX_THRESHOLD, num_perm=NUM_PERM, weights=INDEX_WEIGHTS)
    return tuple((int(a), int(b)) for a, b in lsh.hashranges)


def signature(text: str) -> np.ndarray | None:
    """MinHash signature (``NUM_PERM`` uint32) of the text's shingles; None if too short."""
    sh = shingles(text)
    if len(sh) < MIN_SHINGLES:
        return None
    m = _template().copy()
    m.update_batch(sh.tolist())
    return np.asarray(m.hashvalues, dtype=np.uint32)


def document_signature(doc: Document) -> np.ndarray | None:
    return signature(body_text(doc))


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u4")


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit bucket key per band: the band's rows and its number, hashed."""
    bands = banding()
    rows = bands[0][1] - bands[0][0]
    table = sig[: len(bands) * rows].astype(np.uint64).reshape(len(bands), rows)
    with np.errstate(over="ignore"):
        h = _mix(np.arange(1, len(bands) + 1, dtype=np.uint64))
        for j in range(rows):
            h = _mix(h ^ table[:, j])
    return h.view(np.int64).tolist()


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """MinHash estimate of the Jaccard similarity of two documents' shingle sets."""
    return float(np.count_nonzero(a == b)) / float(len(a))


@dataclass
class Cluster:
    """Documents linked by pairs at or above the threshold; ``similarity`` is the lowest of
    those links (every document is at least that similar to another one in the cluster)."""

    similarity: float
    seqs: list[int]
    pairs: list[tuple[int, int, float]] = field(default_factory=list)


def clusters(pairs: Iterable[tuple[int, int, float]]) -> list[Cluster]:
    """Connected components of the similar pairs, largest first (then most similar)."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    edges = list(pairs)
    for a, b, _s in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, Cluster] = {}
    for a, b, s in edges:
        c = groups.setdefault(find(a), Cluster(similarity=1.0, seqs=[]))
        c.similarity = min(c.similarity, s)
        c.pairs.append((a, b, s))
    for x in parent:
        groups[find(x)].seqs.append(x)
    out = list(groups.values())
    for c in out:
        c.seqs.sort()
    out.sort(key=lambda c: (-len(c.seqs), -c.similarity, c.seqs[0]))
    return out


def verified(
    candidates: Iterable[tuple[int, int]],
    signatures: dict[int, np.ndarray],
    threshold: float,
) -> Iterator[tuple[int, int, float]]:
    """Candidate pairs whose estimated similarity reaches ``threshold``."""
    for a, b in candidates:
        sa, sb = signatures.get(a), signatures.get(b)
        if sa is None or sb is None:
            continue
        s = similarity(sa, sb)
        if s >= threshold:
            yield a, b, s
