"""Near-duplicate index: pair precision/recall, ingest cost, and queries at 100,000 documents.

    python bench/duplicates.py [--families 100] [--synthetic 100000] [--out FILE.json]

1. Evaluation set, generated at run time from the PTC training articles (read from ../shared or
   $SPINSCOPE_SHARED, never copied into the repository): ``--families`` articles each with five
   edited copies — a new title line; web residue added (share links, "Related Articles" with
   other articles' titles, newsletter line); one body paragraph dropped; one sentence reworded
   (a quarter of its words replaced, "said" → "stated"); all four edits together — plus every
   other PTC article as an unrelated negative (PTC articles share topics: the same people, the
   same events). Every document goes through the cleaner (title / residue / body regions), is
   stored, and ``Store.duplicate_clusters`` is compared with the truth, pair by pair: positives
   are the pairs inside a family, everything else is a negative. The most word-similar pairs of
   distinct PTC articles (cosine of word counts) are listed with their MinHash similarity: the
   hard "same topic" negatives.
2. Ingest: the same cleaned documents stored in chunks of 32 (as ``spinscope ingest`` does) into
   fresh SQLite files, with the index and without it (signature disabled), alternated 3 times;
   throughput ratio from the median CPU time per document (wall-clock rates printed too: they
   swing with other jobs). Store-only is the worst case (ingest of already-analysed JSONL or
   Parquet); ``spinscope ingest`` of raw articles also runs the analysis, timed on
   ``--analysed`` articles, and that ratio is (analysis + store) / (analysis + store + index).
3. Scale: ``--synthetic`` random documents (Zipf vocabulary, 250-700 words, 1 % of them edited
   copies of another) stored through ``Store.add_many``; then, in a fresh process, the time
   and peak memory of ``Store.similar`` (p50/p95 over 200 documents) and of
   ``Store.duplicate_clusters`` over the whole corpus, and the size of the index tables.
Figures measured while other jobs load the machine are indicative only; compare ratios.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spinscope.clean import Cleaner
from spinscope.document import Document, Source
from spinscope.paths import missing_message, shared_path
from spinscope.store import Store
from spinscope.store import duplicates as dup

PTC = shared_path("data", "ptc", "train", "articles")
EDITS = ("title", "residue", "drop", "reword", "all")
THRESHOLDS = (0.5, 0.6, 0.7, 0.8)
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
_WORD = re.compile(r"\w+")


# -- evaluation set ---------------------------------------------------------------------------


def _paragraphs(text: str) -> tuple[str, list[str]]:
    lines = text.split("\n")
    title = lines[0]
    paras = [p for p in re.split(r"\n\s*\n", "\n".join(lines[1:])) if p.strip()]
    return title, paras


def _reword(paras: list[str], rng: random.Random, pool: list[str]) -> list[str]:
    """The longest sentence with a quarter of its words replaced and "said" → "stated"."""
    best = (0, 0, "")
    for i, p in enumerate(paras):
        for s in _SENT.split(p):
            if len(s) > len(best[2]):
                best = (i, 0, s)
    i, _, sent = best
    words = sent.split(" ")
    for j in rng.sample(range(len(words)), max(1, len(words) // 4)):
        words[j] = rng.choice(pool)
    new = " ".join(words).replace(" said", " stated")
    out = list(paras)
    out[i] = out[i].replace(sent, new, 1)
    return out


def edited(text: str, edit: str, rng: random.Random, titles: list[str], pool: list[str]) -> str:
    title, paras = _paragraphs(text)
    if edit in ("drop", "all") and len(paras) > 1:
        paras = paras[: len(paras) // 2] + paras[len(paras) // 2 + 1 :]
    if edit in ("reword", "all"):
        paras = _reword(paras, rng, pool)
    if edit in ("title", "all"):
        title = "EXCLUSIVE: " + " ".join(rng.sample(title.split(), len(title.split())))
    body = "\n\n".join(paras)
    if edit in ("residue", "all"):
        related = "\n".join(rng.sample(titles, 3))
        body = (
            "Home | World | Politics\n\n"
            + body
            + "\n\nShare this article\nFacebook\nTwitter\nEmail\n\nRelated Articles\n\n"
            + related
            + "\n\nSubscribe to our newsletter\n\n© 2019 All rights reserved"
        )
    return title + "\n\n" + body + "\n"


def build_set(families: int, seed: int = 12) -> tuple[list[Document], list[int]]:
    """Documents (cleaned) and, per document, its family number (-1: a lone PTC article)."""
    files = sorted(PTC.glob("article*.txt"))
    texts = [f.read_text(encoding="utf-8") for f in files]
    rng = random.Random(seed)
    order = list(range(len(texts)))
    rng.shuffle(order)
    titles = [t.split("\n", 1)[0] for t in texts]
    pool = [w for t in texts[:50] for w in t.split() if w.isalpha()]
    cleaner = Cleaner()
    docs: list[Document] = []
    family: list[int] = []
    for rank, i in enumerate(order):
        variants = [texts[i]]
        if rank < families:
            variants += [edited(texts[i], e, rng, titles, pool) for e in EDITS]
        for v in variants:
            doc = Document(text=v, source=Source(path=f"{files[i].name}", kind="text"))
            docs.append(cleaner(doc))
            family.append(rank if rank < families else -1)
    return docs, family


def _pairs(groups: Iterable[list[int]]) -> set[tuple[int, int]]:
    return {(a, b) for g in groups for i, a in enumerate(sorted(g)) for b in sorted(g)[i + 1 :]}


def evaluate(families: int) -> dict[str, Any]:
    docs, family = build_set(families)
    by_id = {d.id: i for i, d in enumerate(docs)}
    truth = _pairs([i for i, f in enumerate(family) if f == k] for k in range(families))
    out: dict[str, Any] = {
        "documents": len(docs),
        "families": families,
        "copies_per_family": len(EDITS),
        "lone_ptc_articles": family.count(-1),
        "positive_pairs": len(truth),
        "negative_pairs": len(docs) * (len(docs) - 1) // 2 - len(truth),
    }
    with tempfile.TemporaryDirectory() as tmp, Store(f"sqlite:///{tmp}/eval.db") as store:
        for i in range(0, len(docs), 32):
            store.add_many(docs[i : i + 32])
        rows = []
        for th in THRESHOLDS:
            t = time.perf_counter()
            clusters = store.duplicate_clusters(th)
            secs = time.perf_counter() - t
            found = _pairs([by_id[d["id"]] for d in c["documents"]] for c in clusters)
            tp = len(found & truth)
            missed = sorted(truth - found)
            wrong = sorted(found - truth)
            rows.append(
                {
                    "threshold": th,
                    "precision": tp / len(found) if found else 1.0,
                    "recall": tp / len(truth),
                    "true_pairs_found": tp,
                    "false_pairs": len(wrong),
                    "missed_pairs": len(missed),
                    "clusters": len(clusters),
                    "seconds": round(secs, 3),
                    "false_examples": [
                        [docs[a].source.path, docs[b].source.path] for a, b in wrong[:5]
                    ],
                    "missed_examples": [_describe(docs, family, a, b) for a, b in missed[:5]],
                }
            )
        out["by_threshold"] = rows
        # Per-edit recall at the default threshold: the original against each kind of copy.
        per_edit: dict[str, list[bool]] = {e: [] for e in EDITS}
        for k in range(families):
            members = [i for i, f in enumerate(family) if f == k]
            original = members[0]
            near = {d["id"] for d in store.similar(docs[original].id, dup.DEFAULT_THRESHOLD)}
            for e, i in zip(EDITS, members[1:], strict=True):
                per_edit[e].append(docs[i].id in near)
        out["recall_original_vs_copy"] = {e: sum(v) / len(v) for e, v in per_edit.items()}
        out["hard_negatives"] = _hard_negatives(docs, family)
    return out


def _describe(docs: list[Document], family: list[int], a: int, b: int) -> list[str]:
    def name(i: int) -> str:
        members = [j for j, f in enumerate(family) if f == family[i]]
        kind = "original" if members.index(i) == 0 else EDITS[members.index(i) - 1]
        return f"{docs[i].source.path}:{kind}"

    sa = dup.document_signature(docs[a])
    sb = dup.document_signature(docs[b])
    sim = dup.similarity(sa, sb) if sa is not None and sb is not None else float("nan")
    return [name(a), name(b), f"{sim:.2f}"]


def _hard_negatives(docs: list[Document], family: list[int], top: int = 10) -> list[Any]:
    """The distinct PTC originals most alike in their words, and their MinHash similarity."""
    originals = [i for i, f in enumerate(family) if f == -1 or family.index(f) == i]
    vecs = {}
    for i in originals:
        words = [w.lower() for w in _WORD.findall(dup.body_text(docs[i])) if len(w) > 3]
        c = Counter(words)
        vecs[i] = (c, math.sqrt(sum(v * v for v in c.values())) or 1.0)
    scored = []
    for x, a in enumerate(originals):
        ca, na = vecs[a]
        for b in originals[x + 1 :]:
            cb, nb = vecs[b]
            dot = sum(v * cb.get(w, 0) for w, v in ca.items())
            scored.append((dot / (na * nb), a, b))
    scored.sort(reverse=True)
    out = []
    for cos, a, b in scored[:top]:
        sa, sb = dup.document_signature(docs[a]), dup.document_signature(docs[b])
        sim = dup.similarity(sa, sb) if sa is not None and sb is not None else None
        out.append(
            {
                "a": docs[a].source.path,
                "b": docs[b].source.path,
                "word_cosine": round(cos, 3),
                "minhash_similarity": sim,
            }
        )
    return out


# -- ingest cost ------------------------------------------------------------------------------


def _store_cost(docs: list[Document], index: bool) -> tuple[float, float]:
    """(CPU ms, wall ms) per document to store ``docs`` in a fresh SQLite file."""
    original = dup.document_signature
    if not index:
        dup.document_signature = lambda doc: None  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory() as tmp, Store(f"sqlite:///{tmp}/i.db") as store:
            c, w = time.process_time(), time.perf_counter()
            for i in range(0, len(docs), 32):
                store.add_many(docs[i : i + 32])
            c, w = time.process_time() - c, time.perf_counter() - w
            return c / len(docs) * 1000, w / len(docs) * 1000
    finally:
        dup.document_signature = original


def _analysis_ms(docs: list[Document], n: int) -> float:
    """CPU ms per document of the default analysis pipeline (as ``spinscope ingest`` runs)."""
    from spinscope.pipeline import get_pipeline

    pipe = get_pipeline()
    raw = [Document(text=d.text, source=d.source) for d in docs[:n]]
    list(pipe.pipe(raw[:2]))  # load the models outside the measurement
    c = time.process_time()
    list(pipe.pipe(raw))
    return (time.process_time() - c) / len(raw) * 1000


def ingest_cost(docs: list[Document], analysed: int, rounds: int = 3) -> dict[str, Any]:
    """Throughput with the index relative to without, from CPU time per document (robust to
    other jobs on the machine; wall-clock rates are printed beside it)."""
    runs: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for _ in range(rounds):
        for index in (False, True):
            runs[index].append(_store_cost(docs, index))
    with_cpu = statistics.median(c for c, _ in runs[True])
    without_cpu = statistics.median(c for c, _ in runs[False])
    out: dict[str, Any] = {
        "documents": len(docs),
        "store_cpu_ms_per_doc_without_index": round(without_cpu, 2),
        "store_cpu_ms_per_doc_with_index": round(with_cpu, 2),
        "store_only_ratio": round(without_cpu / with_cpu, 3),
        "wall_docs_per_s_without_index": [round(1000 / w, 1) for _, w in runs[False]],
        "wall_docs_per_s_with_index": [round(1000 / w, 1) for _, w in runs[True]],
    }
    if analysed:
        a = _analysis_ms(docs, analysed)
        out["analysis_cpu_ms_per_doc"] = round(a, 1)
        out["analysed_ingest_ratio"] = round((a + without_cpu) / (a + with_cpu), 4)
    return out


# -- scale ------------------------------------------------------------------------------------


def synthetic(n: int, seed: int = 7) -> Iterable[Document]:
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(50_000)]
    cum = list(_cumulative([1 / (i + 1) for i in range(len(vocab))]))
    kept: list[str] = []
    for i in range(n):
        if kept and rng.random() < 0.01:
            paras = rng.choice(kept).split("\n\n")
            paras.pop(rng.randrange(len(paras)))
            body = "\n\n".join(paras)
        else:
            words = rng.choices(vocab, cum_weights=cum, k=rng.randint(250, 700))
            body = "\n\n".join(" ".join(words[j : j + 50]) for j in range(0, len(words), 50))
            if len(kept) < 2000:
                kept.append(body)
        yield Document(text=f"Synthetic {i}\n\n{body}", source=Source(path=f"syn{i}", kind="text"))


def _cumulative(ws: list[float]) -> Iterable[float]:
    total = 0.0
    for w in ws:
        total += w
        yield total


def build_synthetic(url: str, n: int) -> dict[str, Any]:
    t = time.perf_counter()
    batch: list[Document] = []
    with Store(url) as store:
        for doc in synthetic(n):
            batch.append(doc)
            if len(batch) == 500:
                store.add_many(batch)
                batch.clear()
        store.add_many(batch)
        count = store.count()
    return {"documents": count, "build_s": round(time.perf_counter() - t, 1)}


def query_synthetic(url: str) -> dict[str, Any]:
    """Run in a fresh process: time and peak RSS of the queries."""
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with Store(url) as store:
        from sqlalchemy import text

        with store.engine.connect() as conn:
            ids = list(conn.execute(text("SELECT id FROM documents")).scalars())
            sizes = {}
            for table in ("minhashes", "minhash_bands", "documents"):
                try:
                    sizes[table] = int(
                        conn.execute(
                            text("SELECT sum(pgsize) FROM dbstat WHERE name = :n"), {"n": table}
                        ).scalar_one()
                    )
                except Exception:  # noqa: BLE001 - dbstat is optional in SQLite builds
                    sizes[table] = -1
            n_rows = conn.execute(text("SELECT count(*) FROM minhash_bands")).scalar_one()
        rng = random.Random(3)
        lat = []
        for doc_id in rng.sample(ids, 200):
            t = time.perf_counter()
            store.similar(doc_id)
            lat.append(time.perf_counter() - t)
        rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t = time.perf_counter()
        clusters = store.duplicate_clusters()
        secs = time.perf_counter() - t
        rss2 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    lat.sort()
    return {
        "similar_ms_p50": round(lat[len(lat) // 2] * 1000, 2),
        "similar_ms_p95": round(lat[int(len(lat) * 0.95)] * 1000, 2),
        "clusters_s": round(secs, 2),
        "clusters": len(clusters),
        "documents_in_clusters": sum(len(c["documents"]) for c in clusters),
        "band_rows": int(n_rows),
        "table_bytes": sizes,
        "peak_rss_mb_after_open": round(rss0 / 1024, 1),
        "peak_rss_mb_after_similar": round(rss1 / 1024, 1),
        "peak_rss_mb_after_clusters": round(rss2 / 1024, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--families", type=int, default=100, help="0: skip to the scale part")
    ap.add_argument("--synthetic", type=int, default=100_000)
    ap.add_argument(
        "--analysed", type=int, default=30, help="articles to time the analysis on (0: skip)"
    )
    ap.add_argument("--db", help="keep the synthetic store here (sqlite:///FILE)")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--query-only", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.query_only:
        print(json.dumps(query_synthetic(args.query_only)))
        return
    if not PTC.is_dir():
        sys.exit(f"bench/duplicates.py: {missing_message(PTC)}")
    result: dict[str, Any] = {
        "index": {
            "num_perm": dup.NUM_PERM,
            "shingle_words": dup.SHINGLE_WORDS,
            "bands": len(dup.banding()),
            "rows_per_band": dup.banding()[0][1] - dup.banding()[0][0],
            "index_threshold": dup.INDEX_THRESHOLD,
            "default_threshold": dup.DEFAULT_THRESHOLD,
        }
    }
    if args.families:  # 0: the scale part only
        result["evaluation"] = evaluate(args.families)
        print(json.dumps(result["evaluation"], indent=1), flush=True)
        docs, _ = build_set(args.families)
        result["ingest"] = ingest_cost(docs, args.analysed)
        print(json.dumps(result["ingest"], indent=1), flush=True)
    if args.synthetic:
        with tempfile.TemporaryDirectory() as tmp:
            url = args.db or f"sqlite:///{tmp}/syn.db"
            scale = build_synthetic(url, args.synthetic)
            q = subprocess.run(
                [sys.executable, __file__, "--query-only", url],
                check=True,
                capture_output=True,
                text=True,
            )
            scale.update(json.loads(q.stdout))
        result["scale"] = scale
        print(json.dumps(scale, indent=1), flush=True)
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
