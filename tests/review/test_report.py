"""review report on a two-reviewer store: every figure worked out by hand from the fixture
(tests/review/conftest.py: :func:`two_reviewers`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from review_fixtures import TEXT, at, two_reviewers
from typer.testing import CliRunner

from spinscope.cli import app
from spinscope.review.report import build_report
from spinscope.store import Store

runner = CliRunner()


def test_report_of_the_latest_reviewer(store: Store) -> None:
    two_reviewers(store)
    rep = build_report(store)
    # ben marked the article reviewed last: his verdicts count
    assert rep["reviewers"] == ["ben"] and rep["documents"] == 1
    tech = rep["techniques"]
    # shown (>= 0.4): m1 confirmed (right), m2 rejected (wrong), m3 resized (right) -> 2/3
    assert (tech["precision"]["k"], tech["precision"]["n"]) == (2, 3)
    assert tech["by_technique"]["Loaded_Language"]["k"] == 1
    assert tech["by_technique"]["Loaded_Language"]["n"] == 2
    assert (tech["by_technique"]["Flag-Waving"]["k"], tech["by_technique"]["Flag-Waving"]["n"]) == (
        1,
        1,
    )
    assert tech["verdicts"] == {"confirmed": 1, "rejected": 1, "resized": 1}
    # final spans: m1 (LL), "never surrender" (FW), "the budget" (Doubt, hidden m4 confirmed)
    assert tech["final_spans"] == 3
    # missed at the default view: only "the budget" (its model span, 0.2, is hidden) -> 1/3
    assert (rep["missed"]["default"]["k"], rep["missed"]["default"]["n"]) == (1, 3)
    by = {r["min_confidence"]: r["k"] for r in rep["missed"]["by_threshold"]}
    # 0.1, 0.2: every final span has a model span of its technique at or above; 0.3-0.5: the
    # Doubt span's model span (0.2) is off; 0.6-0.9: the Flag-Waving one (0.5) too; m1 (0.9)
    # stays on up to 0.9
    assert by == {0.1: 0, 0.2: 0, 0.3: 1, 0.4: 1, 0.5: 1, 0.6: 2, 0.7: 2, 0.8: 2, 0.9: 2}
    # statements: q1 rejected, q2 confirmed -> 1/2; speaker of q2 kept -> 1/1
    att = rep["attributions"]
    assert (att["statement_precision"]["k"], att["statement_precision"]["n"]) == (1, 2)
    assert (att["speaker_precision"]["k"], att["speaker_precision"]["n"]) == (1, 1)
    assert att["statements_missed"]["k"] == 0
    # PTC scorer: predictions m1, m2, m3; gold m1, "never surrender", "the budget".
    # SI precision: m1 fully inside gold (1) + m2 nothing (0) + m3 "will never surrender"
    # (20 chars) of which 15 are gold -> (1 + 0 + 15/20) / 3 = 0.58333
    assert rep["ptc"]["si"]["precision"] == pytest.approx((1 + 15 / 20) / 3)
    # TC: exact (start, end, technique) matches: m1 only -> 1/3
    assert rep["ptc"]["tc"]["precision"] == pytest.approx(1 / 3)
    # reliability: judged m1 (0.9, kept), m2 (0.6, not), m3 (0.5, kept), m4 (0.2, kept)
    rel = {r["lo"]: r for r in rep["reliability"]}
    assert rel[0.9]["count"] == 1 and rel[0.9]["confirmed"]["k"] == 1
    assert rel[0.6]["count"] == 1 and rel[0.6]["confirmed"]["k"] == 0
    assert rel[0.2]["count"] == 1 and rel[0.2]["confirmed"]["k"] == 1
    assert sum(r["count"] for r in rep["reliability"]) == 4


def test_report_of_one_reviewer(store: Store) -> None:
    two_reviewers(store)
    rep = build_report(store, reviewer="ana")
    # ana: m1 confirmed, m2 relabelled (wrong), m3 left as shown (accepted) -> 2/3
    assert (rep["techniques"]["precision"]["k"], rep["techniques"]["precision"]["n"]) == (2, 3)
    assert rep["techniques"]["added"] == 1
    # statements both kept; q2's speaker changed (John Smith -> Jane Smith): speakers 0/2?
    # q1's speaker Critics kept, q2 changed -> 1/2
    att = rep["attributions"]
    assert (att["statement_precision"]["k"], att["statement_precision"]["n"]) == (2, 2)
    assert (att["speaker_precision"]["k"], att["speaker_precision"]["n"]) == (1, 2)


def test_two_reviewers_kappa_and_alpha_by_hand(store: Store) -> None:
    two_reviewers(store)
    (pair,) = build_report(store)["agreement"]
    assert pair["reviewers"] == ["ana", "ben"] and pair["documents"] == 1
    # Technique verdicts, items judged by either (final technique or "none"):
    #        m1   m2                     m3           m4
    #   ana  LL   Name_Calling,Labeling  Flag-Waving  none (hidden, untouched)
    #   ben  LL   none (rejected)        Flag-Waving  Doubt
    # p_o = 2/4; marginals ana {LL, NCL, FW, none: 1 each}, ben {LL, none, FW, Doubt: 1 each}
    # p_e = (1*1 + 1*1 + 1*1) / 16 = 3/16 (LL, FW, none)
    # kappa = (1/2 - 3/16) / (1 - 3/16) = (5/16) / (13/16) = 5/13
    assert pair["techniques"]["kappa"] == pytest.approx(5 / 13)
    assert pair["techniques"]["items"] == 4
    # Statements: q1 ana statement / ben not; q2 both statement.
    # p_o = 1/2; p_e = (2/2)(1/2) [statement] + (0/2)(1/2) [not] = 1/2; kappa = 0
    assert pair["statements"]["kappa"] == pytest.approx(0.0)
    # Speakers, on statements both kept (q2 only): "jane smith" vs "john smith":
    # p_o = 0, p_e = 0 (no shared category) -> kappa = 0
    assert pair["speakers"]["kappa"] == pytest.approx(0.0)
    assert pair["speakers"]["items"] == 1
    # Spans, one unit per character of the text (N characters), nominal:
    #   "a total disaster" 16 chars: LL / LL (agree)
    #   "reckless and wasteful" 21: NCL / none
    #   "will " 5: FW / none; "never surrender" 15: FW / FW (agree)
    #   "the plan" 8: LL / none (ana added it)
    #   "the budget" 10: none / Doubt
    #   the other N - 75 characters: none / none
    n_chars = len(TEXT)
    assert at("a total disaster")[1] - at("a total disaster")[0] == 16
    n = 2 * n_chars  # pairable values
    # coincidences off the diagonal: each disagreeing character gives (c, k) and (k, c)
    disagree = 2 * (21 + 5 + 8 + 10)
    # value totals over both reviewers
    totals = {
        "LL": 16 + 8 + 16,
        "NCL": 21,
        "FW": 20 + 15,
        "Doubt": 10,
    }
    totals["none"] = n - sum(totals.values())
    expected_pairs = n * n - sum(v * v for v in totals.values())  # sum over c != k of n_c n_k
    alpha = 1 - (n - 1) * disagree / expected_pairs
    assert pair["spans_alpha"] == pytest.approx(alpha)
    assert 0 < alpha < 1


def _url(store: Store) -> str:
    return store.url_for_tests  # type: ignore[attr-defined,no-any-return]


def test_cli_report_json_and_tables(store: Store) -> None:
    two_reviewers(store)
    url = _url(store)
    res = runner.invoke(app, ["review", "report", "--db", url, "--json"])
    assert res.exit_code == 0, res.output
    rep = json.loads(res.stdout)
    assert rep == json.loads(json.dumps(build_report(store)))
    res = runner.invoke(app, ["review", "report", "--db", url], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "66.7 % [" in res.stdout  # shown highlights 2/3 with an interval
    assert "ana / ben" in res.stdout and "0.385" in res.stdout  # kappa 5/13
    # a reviewer's name is printed as written, never read as rich markup
    from spinscope.store import review as rv

    doc_id = rv.reviewed_documents(store)[0]
    rv.mark_reviewed(store, doc_id, "[/bold]x[red]")
    res = runner.invoke(app, ["review", "report", "--db", url, "--reviewer", "[/bold]x[red]"])
    assert res.exit_code == 0, res.output
    assert "labels of [/bold]x[red];" in res.stdout
    res = runner.invoke(app, ["review", "report", "--db", url, "--reviewer", "nobody", "--json"])
    assert res.exit_code == 2
    assert res.stderr.strip() == (
        "spinscope: error: database: no reviewed articles by 'nobody' (mark articles reviewed first)"
    )


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    res = runner.invoke(app, ["review", "report", "--db", f"sqlite:///{tmp_path}/none.db"])
    assert res.exit_code == 2 and res.stderr.count("\n") == 1
    assert "no such database file" in res.stderr
    res = runner.invoke(app, ["review", "report", "--db", "nonsense"])
    assert res.exit_code == 2 and "not a database URL" in res.stderr
    empty = tmp_path / "empty.db"
    Store(f"sqlite:///{empty}").close()
    export = ["review", "export", "--db", f"sqlite:///{empty}", "--out", str(tmp_path / "o")]
    res = runner.invoke(app, [*export, "--format", "ptc"])
    assert res.exit_code == 2 and "no reviewed articles" in res.stderr
    res = runner.invoke(app, [*export, "--format", "csv"])
    assert res.exit_code == 2 and "csv" in res.output


@pytest.mark.parametrize("reviewer", ["ana", "ben", None])
def test_final_layers_are_the_stores_corrected_layers(store: Store, reviewer: str | None) -> None:
    """The report counts what `?reviewed=only` counts: its final spans and statements are
    spinscope.store.review.corrected_layers'."""
    from spinscope.review.report import collect, effective_speaker, final_spans, final_statements
    from spinscope.store import review as rv

    doc_id = two_reviewers(store)
    (rev,), _ = collect(store, reviewer)
    corrected = rv.corrected_layers(store, doc_id, reviewer)
    assert rev.reviewer == corrected["reviewer"]
    assert final_spans(rev.state) == sorted(
        (t["start"], t["end"], t["technique"]) for t in corrected["techniques"]
    )
    assert [a["key"] for a in final_statements(rev.state)] == [
        a["key"] for a in corrected["attributions"]
    ]
    assert [effective_speaker(a) for a in final_statements(rev.state)] == [
        a["speaker"] for a in corrected["attributions"]
    ]
