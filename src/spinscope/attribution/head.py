"""The attribution head on the shared encoder: SOURCE / CUE / CONTENT from the hidden states the
technique model's encoder already computed (one encoder pass per window, DESIGN.md).

The head is two 1-D convolutions over the token sequence (kernel 3, the second dilated) and a
linear layer to the six sigmoid channels of :data:`spinscope.attribution.tagger.CHANNELS`. It
reads the int8 encoder's hidden states exactly as inference computes them, so what it was
trained on is what it sees. Inference is numpy (no torch); training needs the ``[train]`` extra:

    python -m spinscope.attribution.head ../shared/data/polnear OUT_DIR [--epochs N] [--seed S]

writes ``head.npz`` and ``head_report.json`` to OUT_DIR (features are cached per article under
``~/.cache/spinscope/attribution_head``: a rerun, or a run cut short, resumes). Then
``spinscope train attribution --tune-only --model OUT_DIR`` chooses the decoding on the tune
articles and writes the model card.
"""

from __future__ import annotations

import json
import math
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

KERNEL = 3
WIDTH = 256
DILATIONS = (1, 2, 4)
#: what a head.npz without a ``dilations`` entry was trained with (the first shipped head)
LEGACY_DILATIONS = (1, 2)


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + np.tanh(0.7978845608 * (x + 0.044715 * x**3)))


def _conv(x: np.ndarray, w: np.ndarray, b: np.ndarray, dilation: int) -> np.ndarray:
    """Same-padded 1-D convolution of ``x`` (n, c_in) with ``w`` (k, c_in, c_out)."""
    k = w.shape[0]
    pad = dilation * (k // 2)
    xp = np.pad(x, ((pad, pad), (0, 0)))
    n = x.shape[0]
    out = np.broadcast_to(b, (n, w.shape[2])).copy()
    for j in range(k):
        out += xp[j * dilation : j * dilation + n] @ w[j]
    return out


class AttributionHead:
    """Six channel probabilities per token from the shared encoder's hidden states."""

    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        self.w = {k: np.asarray(v, np.float32) for k, v in weights.items() if k != "dilations"}
        if "dilations" in weights:
            self.dilations = tuple(int(d) for d in np.asarray(weights["dilations"]).ravel())
        else:
            self.dilations = LEGACY_DILATIONS
        missing = [f"c{i}_w" for i in range(1, len(self.dilations) + 1) if f"c{i}_w" not in self.w]
        if missing or "out_w" not in self.w:
            raise ValueError(f"attribution head: weights missing {missing or ['out_w']}")

    @classmethod
    def load(cls, path: Path) -> AttributionHead:
        with np.load(path) as z:
            return cls({k: z[k] for k in z.files})

    def __call__(self, hidden: np.ndarray) -> np.ndarray:
        if len(hidden) == 0:
            return np.zeros((0, self.w["out_w"].shape[1]), np.float32)
        x = np.asarray(hidden, np.float32)
        dilations = self.dilations
        h = _gelu(_conv(x, self.w["c1_w"], self.w["c1_b"], dilations[0]))
        for i, d in enumerate(dilations[1:], start=2):
            h = h + _gelu(_conv(h, self.w[f"c{i}_w"], self.w[f"c{i}_b"], d))
        logits = h @ self.w["out_w"] + self.w["out_b"]
        return (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)


# -- training (torch) ---------------------------------------------------------------------------


def cache_dir() -> Path:
    return Path.home() / ".cache" / "spinscope" / "attribution_head"


def features(root: Path, names: list[str], log: Any = print) -> list[tuple[np.ndarray, np.ndarray]]:
    """(hidden states, targets) of each named PolNeAR train article, through the shipped int8
    encoder exactly as inference runs it (whole text as one region); cached per article."""
    from spinscope.attribution.train import build_example, load_named
    from spinscope.encoder import get_encoder

    enc = get_encoder()
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    out: list[tuple[np.ndarray, np.ndarray]] = []
    todo = [n for n in names if not (cache / f"{n}.npz").exists()]
    arts = {a.name: a for a in load_named(root, todo)} if todo else {}
    t0 = time.time()
    for k, name in enumerate(names):
        path = cache / f"{name}.npz"
        if not path.exists():
            art = arts[name]
            ex = build_example(art, enc.tokenizer)
            (e,) = enc.encode([(art.text, [(0, len(art.text))])])
            if len(e.tokens.ids) != len(ex.tokens.ids):
                raise RuntimeError(f"{name}: tokenisation differs between encoder and labels")
            tmp = path.with_suffix(".tmp.npz")
            np.savez(tmp, hidden=e.hidden.astype(np.float16), targets=ex.targets.astype(np.uint8))
            tmp.replace(path)
            if (k + 1) % 25 == 0:
                log(f"features: {k + 1}/{len(names)} articles, {time.time() - t0:.0f} s")
        with np.load(path) as z:
            out.append((z["hidden"], z["targets"]))
    return out


def train_head(
    root: Path,
    out_dir: Path,
    epochs: int = 8,
    seed: int = 13,
    limit: int | None = None,
    log: Any = print,
) -> dict[str, Any]:
    """Fit the head on the tagger's ``fit`` articles (the same seeded split as the tagger had),
    choose the epoch on a held-out tenth of them, write ``head.npz`` + ``head_report.json``."""
    import torch
    from torch import nn

    from spinscope.attribution.tagger import CHANNELS
    from spinscope.attribution.train import AttributionTrainConfig, split_train

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(2)
    cfg = AttributionTrainConfig(seed=13)  # the tagger's split: tune articles stay unseen
    fit_names, tune_names = split_train(root, cfg)
    if limit:
        fit_names = fit_names[:limit]
    data = features(root, fit_names, log)
    n_val = max(1, len(data) // 10)
    order = list(range(len(data)))
    random.Random(seed).shuffle(order)
    val = [data[i] for i in order[:n_val]]
    trn = [data[i] for i in order[n_val:]]

    class Net(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.convs = nn.ModuleList(
                nn.Conv1d(384 if i == 0 else WIDTH, WIDTH, KERNEL, padding="same", dilation=d)
                for i, d in enumerate(DILATIONS)
            )
            self.out = nn.Linear(WIDTH, len(CHANNELS))
            self.drop = nn.Dropout(0.1)
            self.act = nn.GELU(approximate="tanh")

        def forward(self, x: Any) -> Any:  # x: (batch, n, 384)
            h = self.act(self.convs[0](self.drop(x).transpose(1, 2)))
            for conv in self.convs[1:]:
                h = h + self.act(conv(self.drop(h)))
            return self.out(self.drop(h.transpose(1, 2)))

    net = Net()
    tg = np.concatenate([t for _, t in trn]).astype(np.float32)
    pos = tg.sum(axis=0)
    pos_weight = np.clip(np.sqrt((len(tg) - pos) / np.maximum(pos, 1.0)), 1.0, 6.0)
    bce = nn.BCEWithLogitsLoss(
        pos_weight=torch.tensor(pos_weight, dtype=torch.float32), reduction="none"
    )
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0.01)
    batch = 8
    steps = epochs * math.ceil(len(trn) / batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-3, total_steps=steps)

    def batches(items: list[tuple[np.ndarray, np.ndarray]], shuffle: bool) -> Any:
        # articles of similar length batched together (little padding), batches shuffled
        idx = sorted(range(len(items)), key=lambda i: len(items[i][0]))
        groups = [idx[k : k + batch] for k in range(0, len(idx), batch)]
        if shuffle:
            random.shuffle(groups)
        for group in groups:
            chunk = [items[i] for i in group]
            n = max(len(h) for h, _ in chunk)
            x = np.zeros((len(chunk), n, 384), np.float32)
            y = np.zeros((len(chunk), n, len(CHANNELS)), np.float32)
            m = np.zeros((len(chunk), n), np.float32)
            for r, (h, t) in enumerate(chunk):
                x[r, : len(h)], y[r, : len(t)], m[r, : len(h)] = h, t, 1.0
            yield torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(m)

    def loss_of(x: Any, y: Any, m: Any) -> Any:
        return (bce(net(x), y).mean(-1) * m).sum() / m.sum()

    history: list[dict[str, Any]] = []
    best: tuple[float, dict[str, Any]] | None = None
    for epoch in range(epochs):
        net.train()
        t0, total, nb = time.time(), 0.0, 0
        for x, y, m in batches(trn, True):
            loss = loss_of(x, y, m)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total, nb = total + float(loss.detach()), nb + 1
        net.eval()
        with torch.no_grad():
            vl = [float(loss_of(x, y, m)) for x, y, m in batches(val, False)]
        rec = {
            "epoch": epoch + 1,
            "loss": round(total / max(1, nb), 4),
            "val_loss": round(float(np.mean(vl)), 4),
            "seconds": round(time.time() - t0, 1),
        }
        history.append(rec)
        log(json.dumps(rec))
        if best is None or rec["val_loss"] < best[0]:
            best = (rec["val_loss"], {k: v.detach().clone() for k, v in net.state_dict().items()})
    assert best is not None
    sd = best[1]
    weights = {"out_w": sd["out.weight"].numpy().T, "out_b": sd["out.bias"].numpy()}
    for i in range(len(DILATIONS)):
        # (c_out, c_in, k) -> (k, c_in, c_out)
        weights[f"c{i + 1}_w"] = sd[f"convs.{i}.weight"].numpy().transpose(2, 1, 0)
        weights[f"c{i + 1}_b"] = sd[f"convs.{i}.bias"].numpy()
    out_dir.mkdir(parents=True, exist_ok=True)
    np.savez(
        out_dir / "head.npz",
        dilations=np.asarray(DILATIONS, np.int64),
        **{k: v.astype(np.float32) for k, v in weights.items()},
    )
    # the numpy head gives what torch gave
    with torch.no_grad():
        net.load_state_dict(sd)
        net.eval()
        h0 = val[0][0].astype(np.float32)
        ref = torch.sigmoid(net(torch.from_numpy(h0)[None]))[0].numpy()
    got = AttributionHead({**weights, "dilations": np.asarray(DILATIONS)})(h0)
    if not np.allclose(ref, got, atol=1e-4):
        raise RuntimeError(f"numpy head differs from torch: {np.abs(ref - got).max()}")
    report = {
        "what": "attribution head on the shared encoder (technique model's int8 MiniLM)",
        "seed": seed,
        "epochs": epochs,
        "chosen_epoch": min(history, key=lambda r: r["val_loss"])["epoch"],
        "fit_articles": len(trn),
        "val_articles": len(val),
        "tune_articles": len(tune_names),
        "pos_weight": [round(float(p), 3) for p in pos_weight],
        "history": history,
        "command": f"python -m spinscope.attribution.head POLNEAR {out_dir.name} --epochs "
        f"{epochs} --seed {seed}",
    }
    (out_dir / "head_report.json").write_text(json.dumps(report, indent=1) + "\n", "utf-8")
    write_config(out_dir)
    # what `train attribution --tune-only` and the model card read
    training = {
        "config": {
            "seed": seed,
            "epochs": epochs,
            "head": f"conv k{KERNEL} w{WIDTH} d{list(DILATIONS)}",
        },
        "fit_articles": fit_names,
        "tune_articles": tune_names,
        "history": history,
    }
    (out_dir / "training_report.json").write_text(json.dumps(training, indent=1) + "\n", "utf-8")
    return report


def write_config(out_dir: Path) -> None:
    """``config.json`` of a head model: its channels, the encoder it reads (the technique model
    beside it when it is installed next to one, else the shipped one by path) and the tagger's
    default decoding until ``tune`` chooses one."""
    from spinscope.attribution.tagger import CHANNELS
    from spinscope.encoder import default_encoder_dir

    path = out_dir / "config.json"
    cfg = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    beside = out_dir.parent / "techniques"
    cfg["channels"] = list(CHANNELS)
    cfg["encoder"] = (
        "techniques" if (beside / "encoder.onnx").exists() else str(default_encoder_dir().resolve())
    )
    cfg.setdefault("decoding", {"mode": "filter", "threshold": 0.4, "begin": 0.5})
    path.write_text(json.dumps(cfg, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m spinscope.attribution.head")
    ap.add_argument("data", type=Path, help="PolNeAR folder (train/ is read)")
    ap.add_argument("out", type=Path)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--limit", type=int, default=None, help="debug: fewer fit articles")
    a = ap.parse_args(argv)
    train_head(a.data, a.out, a.epochs, a.seed, a.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
