"""Quality gates: small, fixed measurements the test suite repeats to catch a worse model.

Each gate measures one stage on a fixed subset of labelled data, fast enough for CI, and
compares the figures with the ones recorded beside the model (or the labelled set). A figure
below ``recorded - tolerance`` fails the gate; a retrained or reworked stage updates its gate
by recording again:

    python -m spinscope.gates record techniques    # -> tests/data/gates/techniques.json
    python -m spinscope.gates record attribution   # -> models/attribution/validation.json
    python -m spinscope.gates record speakers      # -> tests/data/gates/speakers.json
    python -m spinscope.gates record clean         # -> tests/data/boilerplate/validation.json
    python -m spinscope.gates check                # measure all three, compare, exit 1 on a drop

- techniques, two parts (:func:`record_technique_gate`). *unseen*: the cross-validated figures
  of the model's ``cv.json`` (SI / TC / FLC F1 and the default view's precision and recall on
  out-of-fold outputs), which a retrained model must not lower beyond the fold noise without a
  logged decision (``--accept-lower WHY``); training never writes the record. *fit*: official
  SemEval-2020 Task 11 SI / TC / FLC F1 of the shipped model on the first
  :data:`TECHNIQUE_ARTICLES` article ids (sorted) of the PTC ``validation`` split, computed the
  way ``spinscope ptc predict`` + ``spinscope ptc score`` compute them, in one encoder pass. The
  shipped model trained on those articles, so *fit* checks that export and inference are intact,
  not quality; it fingerprints the model files: a model changed without recording fails too.
  What the model does on text nobody trained on is pinned in ``tests/techniques/test_behaviour.py``.
- attribution: content F1 and source accuracy (``spinscope.attribution.polnear``) of the
  ``clean → sentences → attributions`` pipeline on the first :data:`ATTRIBUTION_ARTICLES`
  PolNeAR dev articles (sorted file names).
- speakers: speaker right / wrong named (and content F1) on the 42 PolNeAR dev articles whose
  source mentions were resolved by hand (``dev/speakers``), :mod:`spinscope.attribution.speaker_eval`.
- clean: line-level boilerplate precision / recall of the cleaner on the labelled set
  (``tests/data/boilerplate``: hand-written texts + corpus articles with residue added).

The tolerances absorb float differences between CPUs (int8 ONNX kernels differ by instruction
set) and nothing more: the figures are deterministic on one machine.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from spinscope.paths import REPO_ROOT, shared_path

#: Validation articles the technique gate scores (the first ids of the split, sorted).
TECHNIQUE_ARTICLES = 20
#: PolNeAR dev articles the attribution gate reads (the first files, sorted).
ATTRIBUTION_ARTICLES = 20

#: Allowed drop below the recorded figure (absolute, on 0..1 scores).
TECHNIQUE_TOLERANCE = 0.02
ATTRIBUTION_TOLERANCE = 0.01
CLEAN_TOLERANCE = 0.01

#: The model files whose bytes decide the technique model's output.
MODEL_FILES = ("config.json", "encoder.onnx", "lexicon.json", "span_head.npz", "tokenizer.json")

TECHNIQUE_TASKS = ("si", "tc", "flc")


# -- techniques -------------------------------------------------------------------------------


def technique_gate_ids(data_dir: Path) -> list[str]:
    """The article ids of the technique gate: first of the sorted ``validation`` split."""
    from spinscope.techniques.ptc import read_splits

    return sorted(read_splits(data_dir)["validation"])[:TECHNIQUE_ARTICLES]


def model_fingerprint(model_dir: Path) -> str:
    """sha256 over the model files (name and bytes), so a re-exported model is noticed."""
    h = hashlib.sha256()
    for name in MODEL_FILES:
        path = Path(model_dir) / name
        h.update(name.encode())
        h.update(path.read_bytes() if path.exists() else b"<missing>")
    return h.hexdigest()


def technique_gate(
    model_dir: Path | None, data_dir: Path, ids: Sequence[str] | None = None
) -> dict[str, Any]:
    """SI / TC / FLC F1 of the model in ``model_dir`` (None: the shipped one) on the gate subset.

    Same steps as ``spinscope ptc predict --task si|tc|flc`` (the TC template being the gold
    spans with ``?``) followed by ``spinscope ptc score --articles SUBSET``, in one encoder pass.
    """
    from spinscope.techniques.predict import predict_ptc_tasks
    from spinscope.techniques.ptc import (
        Gold,
        read_articles,
        read_labels,
        score_flc,
        score_si,
        score_tc,
    )

    data_dir = Path(data_dir)
    ids = list(ids) if ids is not None else technique_gate_ids(data_dir)
    keep = set(ids)
    articles = {
        k: v for k, v in read_articles(data_dir / "train" / "articles").items() if k in keep
    }
    missing = keep - set(articles)
    if missing:
        raise FileNotFoundError(f"{data_dir}: gate articles missing: {sorted(missing)[:3]}")
    gold = [g for g in read_labels(data_dir / "train" / "labels") if g.article in keep]
    template = [Gold(g.article, "?", g.start, g.end) for g in gold]
    pred = predict_ptc_tasks(articles, TECHNIQUE_TASKS, template, model_dir)
    scores = {
        "si": score_si(gold, pred["si"]),
        "tc": score_tc(gold, pred["tc"]),
        "flc": score_flc(gold, pred["flc"]),
    }
    return {
        "split": "validation",
        "ids": ids,
        "gold_spans": len(gold),
        "f1": {task: s.f1 for task, s in scores.items()},
        "precision": {task: s.precision for task, s in scores.items()},
        "recall": {task: s.recall for task, s in scores.items()},
    }


def techniques_record_path() -> Path:
    """The technique gate's record: committed beside the tests, never written by training."""
    return REPO_ROOT / "tests" / "data" / "gates" / "techniques.json"


def unseen_technique_figures(model_dir: Path | None = None) -> dict[str, Any]:
    """The model's figures on articles it never saw: its ``cv.json`` (out-of-fold outputs of the
    fold models trained the same way, decoded and calibrated as the shipped model is).

    ``noise`` is the sample standard deviation of the per-fold figures where the card has them:
    how much a figure moves with the articles alone, the gate's tolerance.
    """
    from spinscope.techniques.model import default_model_dir

    path = Path(model_dir or default_model_dir()) / "cv.json"
    if not path.exists():
        raise FileNotFoundError(f"{path}: no cross-validation report (cv.json) beside the model")
    cv = json.loads(path.read_text(encoding="utf-8"))
    d = cv["view"]["default"]
    per_fold = cv["view"].get("per_fold_default", [])

    def std(xs: Sequence[float]) -> float:
        if len(xs) < 2:
            return 0.0
        m = sum(xs) / len(xs)
        return float((sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) ** 0.5)

    return {
        "articles": cv["articles"],
        "folds": cv["folds"],
        "si_f1": cv["si"]["f1"],
        "tc_f1": cv["tc"]["f1"],
        "flc_f1": cv["flc"]["f1"],
        "view_span_precision": d["span_precision"],
        "view_si_recall": d["si_recall"],
        "noise": {
            "si_f1": std(cv["si"].get("per_fold", [])),
            "view_span_precision": std([f["span_precision"] for f in per_fold]),
            "view_si_recall": std([f["si_recall"] for f in per_fold]),
        },
    }


#: Figures of the unseen gate, and the least tolerance each gets (fold noise may be larger).
UNSEEN_KEYS = {
    "si_f1": 0.01,
    "tc_f1": 0.01,
    "flc_f1": 0.01,
    "view_span_precision": 0.02,
    "view_si_recall": 0.01,
}


def unseen_failures(measured: dict[str, Any], recorded: dict[str, Any]) -> list[str]:
    """One line per cross-validated figure below its record by more than the fold noise."""
    out = []
    noise = recorded.get("noise", {})
    for k, least in UNSEEN_KEYS.items():
        tol = max(least, float(noise.get(k, 0.0)))
        if k not in recorded:
            out.append(f"{k}: no recorded figure")
        elif measured[k] < recorded[k] - tol:
            out.append(f"{k}: {measured[k]:.4f} < recorded {recorded[k]:.4f} - noise {tol:.4f}")
    return out


class GateLowered(Exception):
    """A new model scores below the record and no decision to accept that was given."""


def record_technique_gate(
    model_dir: Path,
    data_dir: Path,
    accept_lower: str | None = None,
    path: Path | None = None,
) -> dict[str, Any]:
    """Record the technique gate of the model in ``model_dir`` in the committed record.

    Two parts: ``unseen`` (the cross-validated figures of its ``cv.json``: articles its fold
    models never saw) and ``fit`` (SI / TC / FLC of the exported model on the first
    :data:`TECHNIQUE_ARTICLES` ``validation`` articles — in its training data, so a check that
    the export and inference are intact, not a measure of quality; it fingerprints the files).
    A model whose unseen figures fall below the previous record by more than the fold noise is
    refused (:class:`GateLowered`) unless ``accept_lower`` gives the reason, which the record's
    ``log`` keeps with the date and both figures. Training never calls this: a retrained model
    fails the tests until someone records it.
    """
    import datetime

    model_dir = Path(model_dir)
    path = path or techniques_record_path()
    old = read_gate(path)
    unseen = unseen_technique_figures(model_dir)
    fit = technique_gate(model_dir, data_dir)
    drops = unseen_failures(unseen, old["unseen"]) if old.get("unseen") else []
    if drops and not accept_lower:
        raise GateLowered(
            "the new model is below the recorded unseen figures: "
            + "; ".join(drops)
            + " (to record it anyway, give the reason: --accept-lower 'why')"
        )
    entry = {
        "date": datetime.date.today().isoformat(),
        "model_sha256": model_fingerprint(model_dir),
        "unseen": {k: unseen[k] for k in UNSEEN_KEYS},
        "previous": {k: old["unseen"][k] for k in UNSEEN_KEYS} if old.get("unseen") else None,
        "decision": f"accepted lower: {accept_lower}" if drops else "not lower: recorded",
    }
    record = {
        "what": (
            "technique gate. unseen: cross-validated (out-of-fold) figures from the model's "
            "cv.json, tests fail below figure - max(fold noise, least tolerance); fit: official "
            "SemEval-2020 Task 11 F1 of the exported model on the first "
            f"{TECHNIQUE_ARTICLES} ids of the sorted PTC validation split (in its training "
            "data: an integrity check of export and inference, not a quality figure), tests "
            "fail below f1 - tolerance or when the model files change"
        ),
        "unseen": unseen,
        "unseen_least_tolerance": UNSEEN_KEYS,
        "fit": {
            **fit,
            "tolerance": TECHNIQUE_TOLERANCE,
            "model_sha256": model_fingerprint(model_dir),
        },
        "log": [*old.get("log", []), entry],
    }
    _write_gate(path, record)
    return record


def recorded_technique_gate(path: Path | None = None) -> dict[str, Any]:
    """The ``fit`` part of the technique record, or ``{}`` when it was never recorded."""
    fit: dict[str, Any] = read_gate(path or techniques_record_path()).get("fit", {})
    return fit


# -- attribution ------------------------------------------------------------------------------


def attribution_gate(polnear_dir: Path) -> dict[str, Any]:
    """Content P/R/F1 and source accuracy of the analysis pipeline on the PolNeAR dev subset.

    The stage runs as ``spinscope analyze`` runs it (clean, sentences, attributions), and its
    ``attributions`` layer (content span, source mention) is scored against the first
    annotator's gold with :func:`spinscope.attribution.polnear.score_article`.
    """
    from spinscope.attribution.polnear import Predicted, Score, load_split, score_article
    from spinscope.attribution.speaker_eval import doc_predictions
    from spinscope.document import Document, Source
    from spinscope.pipeline import Pipeline

    articles = load_split(polnear_dir, "dev", ATTRIBUTION_ARTICLES)
    if len(articles) < ATTRIBUTION_ARTICLES:
        raise FileNotFoundError(f"{polnear_dir}: fewer than {ATTRIBUTION_ARTICLES} dev articles")
    pipe = Pipeline.build(("clean", "sentences", "attributions"))
    docs = pipe.pipe(Document(a.text, source=Source(kind="text")) for a in articles)
    total = Score()
    for art, doc in zip(articles, docs, strict=True):
        preds = [Predicted(p.content, p.source, p.more) for p in doc_predictions(doc)]
        total.add(score_article(preds, art.attributions))
    return {
        "split": "dev",
        "articles": [a.name for a in articles],
        "gold": total.n_gold,
        "predicted": total.n_pred,
        "precision": total.precision,
        "recall": total.recall,
        "f1": total.f1,
        "source_accuracy": total.source_accuracy,
    }


def attribution_record_path() -> Path:
    return Path(__file__).parent / "models" / "attribution" / "validation.json"


def record_attribution_gate(polnear_dir: Path, path: Path | None = None) -> dict[str, Any]:
    fig = attribution_gate(polnear_dir)
    gate = {
        "what": (
            "content F1 and source accuracy (spinscope.attribution.polnear) of clean → "
            f"sentences → attributions on the first {ATTRIBUTION_ARTICLES} PolNeAR dev "
            "articles; tests fail below figure - tolerance"
        ),
        **fig,
        "tolerance": ATTRIBUTION_TOLERANCE,
    }
    _write_gate(path or attribution_record_path(), gate)
    return gate


# -- speakers ---------------------------------------------------------------------------------

#: Allowed change against the record (absolute): speaker right may not fall, wrong named may not
#: rise, by more than this.
SPEAKER_TOLERANCE = 0.01


def speakers_record_path() -> Path:
    return REPO_ROOT / "tests" / "data" / "gates" / "speakers.json"


def speaker_documents(polnear_dir: Path) -> tuple[list[Any], list[Any]]:
    """The 42 PolNeAR dev articles with hand-resolved speakers (``dev/speakers``) and their
    analysed documents (``clean → sentences → attributions``, one pass)."""
    from spinscope.attribution.speaker_eval import load_annotated
    from spinscope.document import Document, Source
    from spinscope.pipeline import Pipeline

    annotated = load_annotated(polnear_dir)
    pipe = Pipeline.build(("clean", "sentences", "attributions"))
    docs = list(pipe.pipe(Document(a.text, source=Source(kind="text")) for a, _ in annotated))
    return annotated, docs


def speaker_gate(annotated: Sequence[Any], predictions: Sequence[Any]) -> dict[str, Any]:
    """Speaker right / wrong named / unresolved over content-matched attributions (the measure
    of ``dev/speakers/README.md``, :mod:`spinscope.attribution.speaker_eval`), and content F1,
    from ``predictions`` (per article: ``speaker_eval.doc_predictions`` of its document)."""
    from spinscope.attribution.speaker_eval import score_speakers, summarise

    results = [
        score_speakers(a, rows, p) for (a, rows), p in zip(annotated, predictions, strict=True)
    ]
    o = summarise(results)["overall"]
    s = o["speakers"]
    return {
        "articles": o["articles"],
        "matched": s["matched"],
        "speaker_right": s["speaker_right"],
        "wrong_named": s["wrong_named"],
        "unresolved_share": s["unresolved_share"],
        "content_f1": o["content"]["f1"],
        "content_precision": o["content"]["precision"],
    }


def speaker_failures(measured: dict[str, Any], recorded: dict[str, Any]) -> list[str]:
    """Why the speaker gate fails: right or content F1 lower, wrong named higher, beyond the
    tolerance."""
    tol = recorded.get("tolerance", SPEAKER_TOLERANCE)
    out = below(measured, recorded, tol, ["speaker_right", "content_f1"])
    if measured["wrong_named"] > recorded["wrong_named"] + tol:
        out.append(
            f"wrong_named: {measured['wrong_named']:.4f} > recorded "
            f"{recorded['wrong_named']:.4f} + tolerance {tol}"
        )
    return out


def record_speaker_gate(polnear_dir: Path, path: Path | None = None) -> dict[str, Any]:
    from spinscope.attribution.speaker_eval import doc_predictions

    annotated, docs = speaker_documents(polnear_dir)
    fig = speaker_gate(annotated, [doc_predictions(d) for d in docs])
    gate = {
        "what": (
            "who said what on the 42 PolNeAR dev articles with hand-resolved speakers "
            "(dev/speakers, its README's measure): speaker right and wrong named over "
            "content-matched attributions, content F1; tests fail when right or F1 fall, or "
            "wrong named rises, by more than the tolerance"
        ),
        **fig,
        "tolerance": SPEAKER_TOLERANCE,
    }
    _write_gate(path or speakers_record_path(), gate)
    return gate


# -- cleaner ----------------------------------------------------------------------------------

Labelled = tuple[str, str, list[bool]]  # (name, text, is_boilerplate per non-blank line)


def clean_gate(labelled: Iterable[Labelled]) -> dict[str, Any]:
    """Line-level boilerplate precision / recall / F1 of the cleaner on labelled texts."""
    from spinscope.clean import label_lines

    tp = fp = fn = lines = texts = 0
    for name, text, gold in labelled:
        pred = [ll.label == "boilerplate" for ll in label_lines(text)]
        if len(pred) != len(gold):
            raise ValueError(f"{name}: {len(pred)} lines predicted, {len(gold)} labelled")
        texts += 1
        for p, g in zip(pred, gold, strict=True):
            lines += 1
            tp += p and g
            fp += p and not g
            fn += g and not p
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "texts": texts,
        "lines": lines,
        "boilerplate_lines": tp + fn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def labelled_boilerplate_set(shared: Path) -> list[Labelled]:
    """The labelled set of ``tests/data/boilerplate`` (a checkout is needed: it is test data)."""
    import importlib.util

    path = REPO_ROOT / "tests" / "data" / "boilerplate" / "labelled.py"
    spec = importlib.util.spec_from_file_location("spinscope_labelled_boilerplate", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"{path}: the labelled set needs a checkout of the repository")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    items: list[Labelled] = mod.labelled_set(shared)
    return items


def clean_record_path() -> Path:
    return REPO_ROOT / "tests" / "data" / "boilerplate" / "validation.json"


def record_clean_gate(shared: Path, path: Path | None = None) -> dict[str, Any]:
    if not (Path(shared) / "data").is_dir():
        raise FileNotFoundError(f"{shared}: no data/ (the generated half of the set needs it)")
    fig = clean_gate(labelled_boilerplate_set(shared))
    gate = {
        "what": (
            "line-level boilerplate precision / recall of spinscope.clean on tests/data/"
            "boilerplate (hand-written + corpus articles with residue); tests fail below "
            "figure - tolerance"
        ),
        **fig,
        "tolerance": CLEAN_TOLERANCE,
    }
    _write_gate(path or clean_record_path(), gate)
    return gate


# -- comparing --------------------------------------------------------------------------------


def below(
    measured: dict[str, float], recorded: dict[str, float], tolerance: float, keys: Sequence[str]
) -> list[str]:
    """One line per figure below ``recorded - tolerance`` (empty: the gate passes)."""
    out = []
    for k in keys:
        if k not in recorded:
            out.append(f"{k}: no recorded figure")
        elif measured[k] < recorded[k] - tolerance:
            out.append(
                f"{k}: {measured[k]:.4f} < recorded {recorded[k]:.4f} - tolerance {tolerance}"
            )
    return out


def technique_failures(measured: dict[str, Any], gate: dict[str, Any]) -> list[str]:
    """Why the technique gate fails (``measured`` as returned by :func:`technique_gate`)."""
    if not gate:
        return [
            "no gate recorded in the model card; run: python -m spinscope.gates record techniques"
        ]
    return below(measured["f1"], gate["f1"], gate["tolerance"], [t for t in TECHNIQUE_TASKS])


def _write_gate(path: Path, gate: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(gate, indent=2) + "\n", encoding="utf-8")


def read_gate(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    gate: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return gate


# -- command line -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(
        prog="python -m spinscope.gates", description=__doc__.split("\n\n")[0]
    )
    ap.add_argument("action", choices=["record", "check"])
    ap.add_argument(
        "stage", nargs="?", choices=["techniques", "attribution", "speakers", "clean", "all"]
    )
    ap.add_argument("--model", type=Path, default=None, help="technique model folder")
    ap.add_argument(
        "--accept-lower",
        default=None,
        metavar="WHY",
        help="record a technique model below the previous record, keeping WHY in its log",
    )
    a = ap.parse_args(argv)
    from spinscope.techniques.model import default_model_dir

    model_dir = a.model or default_model_dir()
    stages = (
        ["techniques", "attribution", "speakers", "clean"]
        if a.stage in (None, "all")
        else [a.stage]
    )
    ptc, polnear, shared = shared_path("data", "ptc"), shared_path("data", "polnear"), shared_path()
    failures: list[str] = []
    for stage in stages:
        if a.action == "record":
            if stage == "techniques":
                try:
                    fig = record_technique_gate(model_dir, ptc, a.accept_lower)
                except GateLowered as e:
                    print(f"techniques: not recorded: {e}", file=sys.stderr)
                    return 1
                fig = {**fig["unseen"], "fit_f1": fig["fit"]["f1"]}
            elif stage == "attribution":
                fig = record_attribution_gate(polnear)
            elif stage == "speakers":
                fig = record_speaker_gate(polnear)
            else:
                fig = record_clean_gate(shared)
            print(stage, json.dumps({k: v for k, v in fig.items() if k not in ("ids", "articles")}))
            continue
        if stage == "techniques":
            m = technique_gate(model_dir, ptc)
            fails = technique_failures(m, recorded_technique_gate())
            fails += unseen_failures(
                unseen_technique_figures(model_dir), read_gate(techniques_record_path())["unseen"]
            )
            if recorded_technique_gate().get("model_sha256") != model_fingerprint(model_dir):
                fails.append("model files changed since the gate was recorded")
        elif stage == "attribution":
            m = attribution_gate(polnear)
            g = read_gate(attribution_record_path())
            fails = below(m, g, g.get("tolerance", 0.0), ["f1", "source_accuracy"])
        elif stage == "speakers":
            from spinscope.attribution.speaker_eval import doc_predictions

            annotated, docs = speaker_documents(polnear)
            m = speaker_gate(annotated, [doc_predictions(d) for d in docs])
            fails = speaker_failures(m, read_gate(speakers_record_path()))
        else:
            m = clean_gate(labelled_boilerplate_set(shared))
            g = read_gate(clean_record_path())
            fails = below(m, g, g.get("tolerance", 0.0), ["precision", "recall"])
        print(stage, "FAIL" if fails else "ok", *fails, sep="\n  ")
        failures += fails
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
