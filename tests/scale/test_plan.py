"""Partition plans cover every record exactly once, cut at record boundaries."""

from __future__ import annotations

from spinscope.ingest.warc import scan_offsets
from spinscope.scale.plan import classify, plan_files, plan_jsonl, plan_warc
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
