"""Partition plans cover every record exactly once, cut at record boundaries."""

from __future__ import annotations

from spinscope.ingest.warc import scan_offsets
from spinscope.scale.plan import (
    PARTITIONS_PER_WORKER,
    classify,
    plan_files,
    plan_jsonl,
    plan_warc,
    records_cap,
)
from spinscope.scale.worker import iter_partition


def test_classify_sorts_by_content_and_dedupes(corpus) -> None:
    root, _ = corpus
    found = classify([str(root), str(root / "docs" / "article-0.txt"), str(root / "missing")])
    assert found.warc == [str(root / "crawl.warc.gz")]
    assert found.jsonl == [str(root / "feed.jsonl")]
    paths = [p for p, _ in found.files]
    assert paths.count(str(root / "docs" / "article-0.txt")) == 1
    assert str(root / "missing") in paths  # reported later as an error, not dropped


def test_jsonl_partitions_cover_each_line_once(corpus) -> None:
    path = str(corpus[0] / "feed.jsonl")
    parts = plan_jsonl(path, partition_bytes=200)
    assert len(parts) > 2
    assert parts[0].start == 0 and parts[-1].end is None
    for a, b in zip(parts, parts[1:], strict=False):
        assert a.end == b.start
    keys = [ident.key for p in parts for ident, _ in iter_partition(p)]
    assert len(keys) == len(set(keys)) == sum(p.records for p in parts) == 11


def test_warc_partitions_start_at_records(corpus) -> None:
    path = str(corpus[0] / "crawl.warc.gz")
    offsets = list(scan_offsets(path))
    parts = plan_warc(path, partition_bytes=1500)
    assert len(parts) > 2
    assert {p.start for p in parts} <= set(offsets)
    keys = [ident.key for p in parts for ident, _ in iter_partition(p)]
    assert keys == [f"{path}@{o}" for o in offsets]


def test_files_grouped_by_size() -> None:
    parts = plan_files([("a", 10), ("b", 10), ("c", 10)], partition_bytes=15)
    assert [p.paths for p in parts] == [["a", "b"], ["c"]]


def test_small_inputs_are_cut_into_partitions_for_every_worker(tmp_path) -> None:
    """30 small files and 2 workers made one partition: one worker idle, no progress."""
    files = [(f"f{i}.txt", 2000) for i in range(30)]
    assert len(plan_files(files, partition_bytes=16 << 20)) == 1  # bytes alone: one partition
    cap = records_cap(30, workers=2, n_partitions=1)
    assert cap is not None
    parts = plan_files(files, partition_bytes=16 << 20, max_records=cap)
    assert len(parts) >= 2 * PARTITIONS_PER_WORKER
    assert [p for part in parts for p in part.paths] == [p for p, _ in files]
    # enough partitions already, or too few records to split: no cap
    assert records_cap(30, workers=2, n_partitions=8) is None
    assert records_cap(1, workers=2, n_partitions=1) is None


def test_jsonl_and_warc_cut_by_records_too(corpus) -> None:
    root = corpus[0]
    path = str(root / "feed.jsonl")
    parts = plan_jsonl(path, partition_bytes=16 << 20, max_records=3)
    assert [p.records for p in parts] == [3, 3, 3, 2]
    keys = [ident.key for p in parts for ident, _ in iter_partition(p)]
    assert len(keys) == len(set(keys)) == 11
    warc = str(root / "crawl.warc.gz")
    offsets = list(scan_offsets(warc))
    parts = plan_warc(warc, partition_bytes=16 << 20, max_records=2)
    assert len(parts) == -(-len(offsets) // 2)
    assert [ident.key for p in parts for ident, _ in iter_partition(p)] == [
        f"{warc}@{o}" for o in offsets
    ]


def test_classify_walks_like_ingest_and_keeps_urls(tmp_path) -> None:
    from spinscope.ingest import iter_inputs

    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Story z. It rained.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Story a. It rained.", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    found = classify([str(tmp_path), "https://news.example/story"])
    names = [name for name, _ in iter_inputs([tmp_path])]  # what ingest itself walks
    assert [p for p, _ in found.files][: len(names)] == names
    assert ("https://news.example/story", 0) in found.files  # read (fetched) by the worker
