"""Train the attribution tagger on PolNeAR train: MiniLM-L6 and one token head (six channels).

``spinscope train attribution --data ../shared/data/polnear`` (needs the ``train`` extra). The
head gives, per wordpiece, the probability of being inside a SOURCE, a CUE and a CONTENT, and of
starting one (so two contents side by side stay two). Spans may nest (a content holding another
attribution), which independent sigmoid channels allow and a single BIO tag sequence would not.

The articles are split by a fixed seed: ``fit`` trains the encoder, ``tune`` (other PolNeAR
*train* articles) chooses the decoding and the rules/tagger hybrid (``attribution.hybrid``), and
PolNeAR dev is only ever used to report. The exported encoder is int8 (per output channel).
"""

from __future__ import annotations

import json
import math
import random
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.attribution.polnear import GoldArticle, GoldAttribution, load_split
from spinscope.attribution.tagger import CHANNELS, LABELS
from spinscope.techniques.windows import (
    Tokens,
    Window,
    batch_inputs,
    load_tokenizer,
    make_windows,
    tokenize_ranges,
)


@dataclass
class AttributionTrainConfig:
    seed: int = 13
    epochs: int = 1
    fit_articles: int = 600  # of PolNeAR train's 840: ≈ 25 min an epoch on an idle 2-core CPU
    tune_articles: int = 150  # other train articles: decoding and hybrid are chosen on them
    batch_size: int = 16
    max_tokens: int = 254
    stride: int = 192
    lr_encoder: float = 1e-4
    lr_head: float = 1e-3
    warmup: float = 0.1
    max_pos_weight: float = 6.0
    threads: int = 2
    per_channel: bool = True
    limit: int | None = None  # debug: cap both parts
    #: reviewed articles as brat (``spinscope review export --format brat``) added to the fit
    #: articles ("": none); never used to tune or report
    extra_dir: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def split_train(root: Path, cfg: AttributionTrainConfig) -> tuple[list[str], list[str]]:
    """(fit names, tune names): a seeded shuffle of PolNeAR train's article names."""
    names = sorted(p.stem for p in (Path(root) / "train" / "text").glob("*.txt"))
    rng = random.Random(cfg.seed)
    rng.shuffle(names)
    fit = names[: cfg.fit_articles]
    tune = names[cfg.fit_articles : cfg.fit_articles + cfg.tune_articles]
    if cfg.limit:
        fit, tune = fit[: cfg.limit], tune[: cfg.limit]
    return fit, tune


def load_named(root: Path, names: list[str]) -> list[GoldArticle]:
    keep = set(names)
    arts = [a for a in load_split(root, "train") if a.name in keep]
    order = {n: i for i, n in enumerate(names)}
    return sorted(arts, key=lambda a: order[a.name])


_BRAT_T = re.compile(r"^(T\d+)\t(\w+) (\d+) (\d+)\t")
_BRAT_E = re.compile(r"^(E\d+)\t(.*)$")


def load_extra(extra: Path) -> list[GoldArticle]:
    """Reviewed articles exported as brat (``spinscope review export --format brat``): each
    ``ID.txt`` with its ``ID.ann`` — ``Content``, ``Cue`` and ``Source`` text-bounds joined by
    ``Attribution`` events (a statement the reviewer added may have no cue). ValueError, naming
    the file and line, for a folder without articles, a missing ``.ann``, an offset outside the
    text or an event naming an unknown text-bound."""
    extra = Path(extra)
    texts = sorted(extra.glob("*.txt")) if extra.is_dir() else []
    if not texts:
        raise ValueError(
            f"{extra}: not a reviewed brat export (no ID.txt files; write one with "
            "spinscope review export --format brat)"
        )
    out: list[GoldArticle] = []
    for txt in texts:
        ann = txt.with_suffix(".ann")
        if not ann.is_file():
            raise ValueError(f"{txt}: no {ann.name} beside it")
        with open(txt, encoding="utf-8", newline="") as f:  # offsets: no newline translation
            text = f.read()
        bounds: dict[str, tuple[int, int]] = {}
        atts: list[GoldAttribution] = []
        for n, line in enumerate(ann.read_text(encoding="utf-8").splitlines(), 1):
            m = _BRAT_T.match(line)
            if m:
                a, b = int(m.group(3)), int(m.group(4))
                if not 0 <= a < b <= len(text):
                    raise ValueError(f"{ann}:{n}: [{a}, {b}) is outside the text")
                bounds[m.group(1)] = (a, b)
                continue
            e = _BRAT_E.match(line)
            if e:
                args = dict(x.split(":", 1) for x in e.group(2).split() if ":" in x)
                missing = [v for v in args.values() if v not in bounds]
                if "Content" not in args or missing:
                    raise ValueError(f"{ann}:{n}: an event needs a Content and known text-bounds")
                cue = (bounds[args["Cue"]],) if "Cue" in args else ()
                src = (bounds[args["Source"]],) if "Source" in args else None
                atts.append(GoldAttribution((bounds[args["Content"]],), cue, src))
        out.append(GoldArticle(txt.stem, text, atts))
    return out


@dataclass
class Example:
    name: str
    tokens: Tokens
    targets: np.ndarray  # (n_tokens, 6)


def build_example(art: GoldArticle, tok: Any) -> Example:
    tokens = tokenize_ranges(tok, art.text, [(0, len(art.text))])
    targets = np.zeros((len(tokens.ids), len(CHANNELS)), np.float32)
    for g in art.attributions:
        parts = {"SOURCE": g.source or (), "CUE": g.cue, "CONTENT": g.content}
        for k, label in enumerate(LABELS):
            for a, b in parts[label]:
                inside = np.nonzero((tokens.starts < b) & (tokens.ends > a))[0]
                if len(inside):
                    targets[inside, k] = 1.0
                    targets[inside[0], len(LABELS) + k] = 1.0
    return Example(art.name, tokens, targets)


def build_net(torch: Any, nn: Any, base: Path) -> Any:
    from transformers import AutoModel

    class Net(nn.Module):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base))
            self.dropout = nn.Dropout(0.1)
            self.head = nn.Linear(self.encoder.config.hidden_size, len(CHANNELS))

        def forward(self, ids: Any, mask: Any) -> Any:
            h = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
            return self.head(self.dropout(h))

    return Net()


def fit_examples(
    root: Path, cfg: AttributionTrainConfig, tok: Any, log: Any = print
) -> tuple[list[str], list[Example], list[GoldArticle], list[str]]:
    """The fit article names, the fit examples (PolNeAR fit articles, then any reviewed ``--extra`` articles), the
    reviewed articles themselves and the tune article names; needs no torch."""
    fit_names, tune_names = split_train(root, cfg)
    fit = [build_example(a, tok) for a in load_named(root, fit_names)]
    extra = load_extra(Path(cfg.extra_dir)) if cfg.extra_dir else []
    fit.extend(build_example(a, tok) for a in extra)
    log(
        f"attribution tagger: {len(fit)} fit articles ({len(extra)} reviewed), "
        f"{len(tune_names)} tune articles"
    )
    return fit_names, fit, extra, tune_names


def train(
    root: Path, out_dir: Path, cfg: AttributionTrainConfig, log: Any = print
) -> dict[str, Any]:
    """Fine-tune on the ``fit`` articles and export ``encoder.onnx`` + ``config.json``."""
    from spinscope.techniques.train import base_model_dir

    base = base_model_dir()
    tok = load_tokenizer(base / "tokenizer.json")
    fit_names, fit, extra, tune_names = fit_examples(root, cfg, tok, log)

    import torch
    from torch import nn

    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.threads)

    net = build_net(torch, nn, base)
    targets = np.concatenate([e.targets for e in fit])
    pos = targets.sum(axis=0)
    ratio = np.sqrt((len(targets) - pos) / np.maximum(pos, 1.0))
    pos_weight = np.clip(ratio, 1.0, cfg.max_pos_weight)
    bce = nn.BCEWithLogitsLoss(
        pos_weight=torch.tensor(pos_weight, dtype=torch.float32), reduction="none"
    )
    wins: list[Window] = []
    for i, ex in enumerate(fit):
        wins.extend(make_windows(len(ex.tokens.ids), i, cfg.max_tokens, cfg.stride))
    steps = cfg.epochs * math.ceil(len(wins) / cfg.batch_size)
    opt = torch.optim.AdamW(
        [
            {"params": list(net.encoder.parameters()), "lr": cfg.lr_encoder},
            {"params": list(net.head.parameters()), "lr": cfg.lr_head},
        ],
        weight_decay=0.01,
    )
    warm = max(1, int(cfg.warmup * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    toks = [e.tokens for e in fit]
    history: list[dict[str, Any]] = []
    step = 0
    for epoch in range(cfg.epochs):
        net.train()
        order = list(range(len(wins)))
        random.shuffle(order)
        t0, total = time.time(), 0.0
        for k in range(0, len(order), cfg.batch_size):
            chunk = [wins[i] for i in order[k : k + cfg.batch_size]]
            ids, mask = batch_inputs(chunk, toks)
            tgt = np.zeros((len(chunk), ids.shape[1], len(CHANNELS)), np.float32)
            for r, w in enumerate(chunk):
                tgt[r, 1 : 1 + w.hi - w.lo] = fit[w.doc].targets[w.lo : w.hi]
            logits = net(torch.from_numpy(ids), torch.from_numpy(mask))
            tok_mask = torch.from_numpy(mask.astype(np.float32))
            tok_mask[:, 0] = 0
            tok_mask[torch.arange(len(chunk)), tok_mask.sum(1).long()] = 0  # [SEP]
            loss = (bce(logits, torch.from_numpy(tgt)).mean(-1) * tok_mask).sum() / tok_mask.sum()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            total += float(loss.detach())
            if step % 20 == 0:
                log(
                    f"epoch {epoch + 1} step {step}/{steps} "
                    f"loss {total / (k // cfg.batch_size + 1):.4f} {time.time() - t0:.0f}s"
                )
        history.append(
            {
                "epoch": epoch + 1,
                "loss": round(total / max(1, math.ceil(len(order) / cfg.batch_size)), 4),
                "train_seconds": round(time.time() - t0, 1),
            }
        )
        log(json.dumps(history[-1]))
    report = {
        "config": asdict(cfg),
        "fit_articles": fit_names,
        "tune_articles": tune_names,
        "extra_articles": [a.name for a in extra],
        "windows": len(wins),
        "history": history,
    }
    export(torch, net, out_dir, cfg, report, base)
    log(f"exported to {out_dir}")
    return report


def export(
    torch: Any,
    net: Any,
    out_dir: Path,
    cfg: AttributionTrainConfig,
    report: dict[str, Any],
    base: Path,
) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class Probs(torch.nn.Module):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.net = net

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return torch.sigmoid(self.net(input_ids, attention_mask))

    out_dir.mkdir(parents=True, exist_ok=True)
    net.eval()
    ids = torch.ones((2, 16), dtype=torch.long)
    fp32 = out_dir / "encoder.fp32.onnx"
    torch.onnx.export(
        Probs(),
        (ids, torch.ones_like(ids)),
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["probs"],
        dynamic_axes={
            "input_ids": {0: "b", 1: "t"},
            "attention_mask": {0: "b", 1: "t"},
            "probs": {0: "b", 1: "t"},
        },
        opset_version=17,
        dynamo=False,
    )
    quantize_dynamic(
        str(fp32),
        str(out_dir / "encoder.onnx"),
        weight_type=QuantType.QInt8,
        per_channel=cfg.per_channel,
    )
    fp32.unlink()
    config = {
        "channels": list(CHANNELS),
        "max_tokens": cfg.max_tokens,
        "stride": cfg.stride,
        # provisional; ``attribution.hybrid.tune`` replaces it with settings chosen on tune articles
        "decoding": {"threshold": 0.5, "begin": 0.5, "cue_filter": 0.0, "mode": "rules"},
    }
    (out_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    (out_dir / "tokenizer.json").write_text(
        (base / "tokenizer.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (out_dir / "training_report.json").write_text(
        json.dumps(report, indent=2) + "\n", encoding="utf-8"
    )
