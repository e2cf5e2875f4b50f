"""The attribution top: SOURCE / CUE / CONTENT from the shared encoder's middle layer.

The technique model's int8 encoder (``models/techniques/encoder.onnx``) also returns, as its
output ``mid``, the hidden states after its layer ``k`` (0-based; ``config.json`` "layer").
The attribution model is the last ``5 - k`` transformer layers of its own, fine-tuned on PolNeAR
train, reading those states, and the six sigmoid channels of
:data:`spinscope.attribution.tagger.CHANNELS` (``top.onnx``, int8 per channel). So a window
runs the shared bottom once for both tasks and each task its own top: one encoder pass per
window, with as much of the tagger's own fine-tuning as the top layers hold (DESIGN.md, "One
encoder pass, several heads"; issue 22: "a few task-specific top layers on a shared frozen
bottom").

The top runs window by window on the windows the encoder cut, and its outputs are stitched as
the encoder stitches its own. Inference is ONNX Runtime (no torch); training needs the
``[train]`` extra:

    python -m spinscope.attribution.top ../shared/data/polnear OUT_DIR [--epochs N] [--seed S]

(per-window ``mid`` states of each fit article are cached under
``~/.cache/spinscope/attribution_top``, the model after each epoch too: a run cut short
resumes). Then ``spinscope train attribution --tune-only --model OUT_DIR`` chooses the decoding
on the tune articles and writes the model card.
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

from spinscope.encoder import MID, Encoded, SharedEncoder, get_encoder
from spinscope.onnx_session import cpu_session

#: the encoder layer whose output the shipped top reads (0-based: layers 4 and 5 are the top's)
LAYER = 3
HIDDEN = 384
HEADS = 12
FFN = 1536
N_LAYERS = 6


def _layer_tensor(layer: int) -> str:
    return f"/net/encoder/encoder/layer.{layer}/output/LayerNorm/LayerNormalization_output_0"


def add_mid_output(encoder_onnx: Path, layer: int = LAYER) -> bool:
    """Expose the output of encoder layer ``layer`` as the graph output ``mid`` (an Identity
    node; weights and the other outputs unchanged). Returns False when it is already there.
    Needs the ``onnx`` package (the ``[train]`` extra)."""
    import onnx
    from onnx import TensorProto, helper

    model = onnx.load(str(encoder_onnx))
    if any(o.name == MID for o in model.graph.output):
        return False
    tensor = _layer_tensor(layer)
    if not any(tensor in n.output for n in model.graph.node):
        raise ValueError(f"{encoder_onnx}: no tensor {tensor} (not a MiniLM export?)")
    model.graph.node.append(helper.make_node("Identity", [tensor], [MID], name="mid_output"))
    model.graph.output.append(
        helper.make_tensor_value_info(MID, TensorProto.FLOAT, ["b", "t", HIDDEN])
    )
    onnx.checker.check_model(model)
    tmp = encoder_onnx.with_suffix(".tmp.onnx")
    onnx.save(model, str(tmp))
    tmp.replace(encoder_onnx)
    return True


class AttributionTop:
    """Six channel probabilities per token of an :class:`Encoded` that kept its windows' ``mid``
    states (the encoder's ``mid`` output)."""

    def __init__(self, model_dir: Path, threads: int | None = None) -> None:
        self.session = cpu_session(Path(model_dir) / "top.onnx", threads)

    def __call__(self, enc: Encoded, encoder: SharedEncoder) -> np.ndarray:
        if not enc.mid:
            if len(enc.tokens.ids):
                raise ValueError(
                    f"{encoder.model_dir}/encoder.onnx has no '{MID}' output for the "
                    "attribution top (python -m spinscope.attribution.top --add-mid ENCODER)"
                )
            return np.zeros((0, 6), np.float32)
        pieces = []
        for w, mid in enc.mid:
            mask = np.ones((1, mid.shape[0]), np.int64)
            (p,) = self.session.run(None, {"mid": mid[None].astype(np.float32), MASK: mask})
            pieces.append((w, p[0]))
        return encoder.stitch_windows(pieces, len(enc.tokens.ids))


MASK = "attention_mask"


# -- training (torch) ---------------------------------------------------------------------------


def cache_dir() -> Path:
    return Path.home() / ".cache" / "spinscope" / "attribution_top"


def features(
    root: Path, names: list[str], layer: int = LAYER, log: Any = print
) -> list[list[tuple[np.ndarray, np.ndarray]]]:
    """Per named PolNeAR train article, its encoder windows as ``(mid states incl. [CLS] and
    [SEP], targets of the window's tokens)``, through the shipped int8 encoder exactly as
    inference runs it (whole text as one region); cached per article."""
    from spinscope.attribution.train import build_example, load_named
    from spinscope.techniques.windows import batch_inputs, tokenize_ranges

    enc = get_encoder()
    if MID not in [o.name for o in enc.session.get_outputs()]:
        raise SystemExit(f"{enc.model_dir}/encoder.onnx has no '{MID}' output (--add-mid)")
    cache = cache_dir() / f"layer{layer}"
    cache.mkdir(parents=True, exist_ok=True)
    out: list[list[tuple[np.ndarray, np.ndarray]]] = []
    todo = [n for n in names if not (cache / f"{n}.npz").exists()]
    arts = {a.name: a for a in load_named(root, todo)} if todo else {}
    t0 = time.time()
    for k, name in enumerate(names):
        path = cache / f"{name}.npz"
        if not path.exists():
            art = arts[name]
            ex = build_example(art, enc.tokenizer)
            tokens = tokenize_ranges(enc.tokenizer, art.text, [(0, len(art.text))])
            if len(tokens.ids) != len(ex.tokens.ids):
                raise RuntimeError(f"{name}: tokenisation differs between encoder and labels")
            mids, tgts = [], []
            for w in enc.windows(art.text, tokens):
                ids, mask = batch_inputs([w], [tokens])
                (mid,) = enc.session.run([MID], {"input_ids": ids, MASK: mask})
                mids.append(mid[0].astype(np.float16))
                tgts.append(ex.targets[w.lo : w.hi].astype(np.uint8))
            tmp = path.with_suffix(".tmp.npz")
            arrays = {f"m{i}": m for i, m in enumerate(mids)}
            arrays.update({f"t{i}": t for i, t in enumerate(tgts)})
            np.savez(tmp, **arrays)
            tmp.replace(path)
            if (k + 1) % 25 == 0:
                log(f"features: {k + 1}/{len(names)} articles, {time.time() - t0:.0f} s")
        with np.load(path) as z:
            n = len(z.files) // 2
            out.append([(z[f"m{i}"], z[f"t{i}"]) for i in range(n)])
    return out


def build_top(torch: Any, nn: Any, layer: int, base: Path | None) -> Any:
    """The top: BERT layers ``layer + 1 … 5`` (post-LayerNorm, 12 heads, GELU), initialised
    from the base MiniLM's same layers, and a linear layer to the six channels."""
    from spinscope.attribution.tagger import CHANNELS

    class Layer(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.q, self.k, self.v = (nn.Linear(HIDDEN, HIDDEN) for _ in range(3))
            self.o = nn.Linear(HIDDEN, HIDDEN)
            self.ln1 = nn.LayerNorm(HIDDEN, eps=1e-12)
            self.ff1 = nn.Linear(HIDDEN, FFN)
            self.ff2 = nn.Linear(FFN, HIDDEN)
            self.ln2 = nn.LayerNorm(HIDDEN, eps=1e-12)
            self.drop = nn.Dropout(0.1)

        def forward(self, x: Any, bias: Any) -> Any:
            b, t, _ = x.shape
            d = HIDDEN // HEADS

            def heads(y: Any) -> Any:
                return y.view(b, t, HEADS, d).transpose(1, 2)

            q, k, v = heads(self.q(x)), heads(self.k(x)), heads(self.v(x))
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + bias, dim=-1)
            ctx = (self.drop(att) @ v).transpose(1, 2).reshape(b, t, HIDDEN)
            x = self.ln1(x + self.drop(self.o(ctx)))
            ff = self.ff2(nn.functional.gelu(self.ff1(x)))
            return self.ln2(x + self.drop(ff))

    class Top(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList(Layer() for _ in range(layer + 1, N_LAYERS))
            self.drop = nn.Dropout(0.1)
            self.out = nn.Linear(HIDDEN, len(CHANNELS))

        def forward(self, mid: Any, attention_mask: Any) -> Any:
            bias = (1.0 - attention_mask[:, None, None, :].to(mid.dtype)) * -1e4
            h = mid
            for lyr in self.layers:
                h = lyr(h, bias)
            return self.out(self.drop(h))

    top = Top()
    if base is not None:
        from safetensors.numpy import load_file

        sd = load_file(str(base / "model.safetensors"))
        names = {
            "q": "attention.self.query",
            "k": "attention.self.key",
            "v": "attention.self.value",
            "o": "attention.output.dense",
            "ln1": "attention.output.LayerNorm",
            "ff1": "intermediate.dense",
            "ff2": "output.dense",
            "ln2": "output.LayerNorm",
        }
        state = {}
        for j, src in enumerate(range(layer + 1, N_LAYERS)):
            for mine, theirs in names.items():
                for p in ("weight", "bias"):
                    state[f"layers.{j}.{mine}.{p}"] = torch.from_numpy(
                        sd[f"encoder.layer.{src}.{theirs}.{p}"].copy()
                    )
        missing = top.load_state_dict(state, strict=False)
        if [m for m in missing.missing_keys if not m.startswith("out.")]:
            raise RuntimeError(f"top: base weights missing {missing.missing_keys}")
    return top


def weights_from_tagger(encoder_onnx: Path, layer: int = LAYER) -> dict[str, np.ndarray]:
    """The state of a top (``build_top``'s names) read from a whole fine-tuned tagger's int8
    export (``models/attribution/encoder.onnx`` of 0.1–0.2): its layers above ``layer`` and its
    head, dequantised (int8 per channel → float32). A better start than the base MiniLM: these
    layers were already fine-tuned for SOURCE / CUE / CONTENT (on their own bottom's states)."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(encoder_onnx))
    init = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    weight_of: dict[str, np.ndarray] = {}
    for node in model.graph.node:  # MatMulInteger(x_q, W_q, x_zp, W_zp) -> '/net/…/MatMul…'
        if node.op_type != "MatMulInteger":
            continue
        q = node.input[1]
        base = q.removesuffix("_quantized")
        w = (init[q].astype(np.float32) - init[base + "_zero_point"].astype(np.float32)) * init[
            base + "_scale"
        ].astype(np.float32)
        weight_of[node.output[0].split("/MatMul")[0]] = w  # (in, out)
    names = {
        "q": "attention/self/query",
        "k": "attention/self/key",
        "v": "attention/self/value",
        "o": "attention/output/dense",
        "ff1": "intermediate/dense",
        "ff2": "output/dense",
    }
    state: dict[str, np.ndarray] = {}
    prefix = "net.encoder.encoder.layer"
    for j, src in enumerate(range(layer + 1, N_LAYERS)):
        for mine, path in names.items():
            state[f"layers.{j}.{mine}.weight"] = weight_of[
                f"/net/encoder/encoder/layer.{src}/{path}"
            ].T
            state[f"layers.{j}.{mine}.bias"] = init[f"{prefix}.{src}.{path.replace('/', '.')}.bias"]
        for mine, ln in (("ln1", "attention.output.LayerNorm"), ("ln2", "output.LayerNorm")):
            state[f"layers.{j}.{mine}.weight"] = init[f"{prefix}.{src}.{ln}.weight"]
            state[f"layers.{j}.{mine}.bias"] = init[f"{prefix}.{src}.{ln}.bias"]
    state["out.weight"] = weight_of["/net/head"].T
    state["out.bias"] = init["net.head.bias"]
    return {k: np.ascontiguousarray(v, np.float32) for k, v in state.items()}


def train_top(
    root: Path,
    out_dir: Path,
    epochs: int = 3,
    seed: int = 13,
    layer: int = LAYER,
    limit: int | None = None,
    lr: float = 2e-4,
    log: Any = print,
    init_from: Path | None = None,
) -> dict[str, Any]:
    """Fit the top on the tagger's ``fit`` articles (the tagger's seeded split: the tune
    articles stay unseen), choose the epoch on a held-out tenth of them, export ``top.onnx``
    (int8 per channel) and the reports ``train attribution --tune-only`` reads."""
    import torch
    from torch import nn

    from spinscope.attribution.tagger import CHANNELS
    from spinscope.attribution.train import AttributionTrainConfig, split_train
    from spinscope.techniques.train import base_model_dir

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(2)
    cfg = AttributionTrainConfig(seed=13)
    fit_names, tune_names = split_train(root, cfg)
    if limit:
        fit_names = fit_names[:limit]
    data = features(root, fit_names, layer, log)
    n_val = max(1, len(data) // 10)
    order = list(range(len(data)))
    random.Random(seed).shuffle(order)
    val = [w for i in order[:n_val] for w in data[i]]
    trn = [w for i in order[n_val:] for w in data[i]]
    log(f"attribution top: {len(trn)} windows to fit, {len(val)} to choose the epoch")

    net = build_top(torch, nn, layer, base_model_dir())
    if init_from is not None:
        net.load_state_dict(
            {k: torch.from_numpy(v) for k, v in weights_from_tagger(init_from, layer).items()}
        )
        log(f"top layers and head from {init_from}")
    tg = np.concatenate([t for _, t in trn]).astype(np.float32)
    pos = tg.sum(axis=0)
    pos_weight = np.clip(np.sqrt((len(tg) - pos) / np.maximum(pos, 1.0)), 1.0, 6.0)
    bce = nn.BCEWithLogitsLoss(
        pos_weight=torch.tensor(pos_weight, dtype=torch.float32), reduction="none"
    )
    batch = 16
    steps = epochs * math.ceil(len(trn) / batch)
    opt = torch.optim.AdamW(
        [
            {"params": list(net.layers.parameters()), "lr": lr},
            {"params": list(net.out.parameters()), "lr": 1e-3},
        ],
        weight_decay=0.01,
    )
    warm = max(1, int(0.1 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )

    def batches(items: list[tuple[np.ndarray, np.ndarray]], shuffle: bool) -> Any:
        idx = sorted(range(len(items)), key=lambda i: len(items[i][0]))
        groups = [idx[k : k + batch] for k in range(0, len(idx), batch)]
        if shuffle:
            random.shuffle(groups)
        for group in groups:
            chunk = [items[i] for i in group]
            n = max(len(m) for m, _ in chunk)
            x = np.zeros((len(chunk), n, HIDDEN), np.float32)
            y = np.zeros((len(chunk), n, len(CHANNELS)), np.float32)
            am = np.zeros((len(chunk), n), np.int64)
            lm = np.zeros((len(chunk), n), np.float32)
            for r, (m, t) in enumerate(chunk):
                x[r, : len(m)], am[r, : len(m)] = m, 1
                y[r, 1 : 1 + len(t)], lm[r, 1 : 1 + len(t)] = t, 1.0  # not [CLS] / [SEP]
            yield (
                torch.from_numpy(x),
                torch.from_numpy(am),
                torch.from_numpy(y),
                torch.from_numpy(lm),
            )

    def loss_of(x: Any, am: Any, y: Any, lm: Any) -> Any:
        return (bce(net(x, am), y).mean(-1) * lm).sum() / lm.sum()

    tag = "-tagger" if init_from is not None else ""
    ckpt = cache_dir() / f"layer{layer}" / f"top-seed{seed}-e{epochs}-n{len(fit_names)}{tag}.pt"
    history: list[dict[str, Any]] = []
    best: tuple[float, dict[str, Any]] | None = None
    start = 0
    if ckpt.exists():  # resume after the last finished epoch
        state = torch.load(ckpt, weights_only=False)
        net.load_state_dict(state["net"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        history, best, start = state["history"], state["best"], len(state["history"])
        random.setstate(state["py_random"])
        torch.set_rng_state(state["torch_random"])
        log(f"resumed after epoch {start}")
    for epoch in range(start, epochs):
        net.train()
        t0, total, nb = time.time(), 0.0, 0
        for x, am, y, lm in batches(trn, True):
            loss = loss_of(x, am, y, lm)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            total, nb = total + float(loss.detach()), nb + 1
            if nb % 50 == 0:
                log(f"epoch {epoch + 1} batch {nb} loss {total / nb:.4f} {time.time() - t0:.0f}s")
        net.eval()
        with torch.no_grad():
            vl = [float(loss_of(*b)) for b in batches(val, False)]
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
        torch.save(
            {
                "net": net.state_dict(),
                "opt": opt.state_dict(),
                "sched": sched.state_dict(),
                "history": history,
                "best": best,
                "py_random": random.getstate(),
                "torch_random": torch.get_rng_state(),
            },
            ckpt,
        )
    assert best is not None
    net.load_state_dict(best[1])
    net.eval()
    export(torch, net, out_dir)
    net.eval()  # the exporter may leave the module in training mode (dropout)
    # the int8 top gives about what torch gave
    m0 = val[0][0].astype(np.float32)
    with torch.no_grad():
        ref = torch.sigmoid(net(torch.from_numpy(m0)[None], torch.ones(1, len(m0)).long()))[0]
    sess = cpu_session(out_dir / "top.onnx")
    (got,) = sess.run(None, {"mid": m0[None], MASK: np.ones((1, len(m0)), np.int64)})
    drift = float(np.abs(ref.numpy() - got[0]).max())
    report = {
        "what": f"attribution top on the shared encoder: layers {layer + 1}-{N_LAYERS - 1} + "
        "six sigmoid channels, reading the technique encoder's layer "
        f"{layer} output",
        "seed": seed,
        "epochs": epochs,
        "layer": layer,
        "lr_layers": lr,
        "chosen_epoch": min(history, key=lambda r: r["val_loss"])["epoch"],
        "fit_articles": len(data) - n_val,
        "val_articles": n_val,
        "fit_windows": len(trn),
        "tune_articles": len(tune_names),
        "pos_weight": [round(float(p), 3) for p in pos_weight],
        "int8_max_drift": round(drift, 4),
        "history": history,
        "command": f"python -m spinscope.attribution.top POLNEAR {out_dir.name} --epochs "
        f"{epochs} --seed {seed} --layer {layer}",
    }
    (out_dir / "head_report.json").write_text(json.dumps(report, indent=1) + "\n", "utf-8")
    write_config(out_dir, layer)
    training = {
        "config": {"seed": seed, "epochs": epochs, "head": f"top layers {layer + 1}-5"},
        "fit_articles": fit_names,
        "tune_articles": tune_names,
        "history": history,
    }
    (out_dir / "training_report.json").write_text(json.dumps(training, indent=1) + "\n", "utf-8")
    return training


def export(torch: Any, net: Any, out_dir: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class Probs(torch.nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.net = net

        def forward(self, mid: Any, attention_mask: Any) -> Any:
            return torch.sigmoid(self.net(mid, attention_mask))

    out_dir.mkdir(parents=True, exist_ok=True)
    fp32 = out_dir / "top.fp32.onnx"
    x = torch.zeros((1, 16, HIDDEN))
    torch.onnx.export(
        Probs(),
        (x, torch.ones((1, 16), dtype=torch.long)),
        str(fp32),
        input_names=["mid", MASK],
        output_names=["probs"],
        dynamic_axes={"mid": {0: "b", 1: "t"}, MASK: {0: "b", 1: "t"}, "probs": {0: "b", 1: "t"}},
        opset_version=17,
        dynamo=False,
    )
    quantize_dynamic(
        str(fp32), str(out_dir / "top.onnx"), weight_type=QuantType.QInt8, per_channel=True
    )
    fp32.unlink()


def write_config(out_dir: Path, layer: int) -> None:
    """``config.json`` of a top model: its channels, the encoder it reads (the technique model
    beside it when installed next to one, else the shipped one by path), the layer, and the
    tagger's default decoding until ``tune`` chooses one."""
    from spinscope.attribution.tagger import CHANNELS
    from spinscope.encoder import default_encoder_dir

    path = out_dir / "config.json"
    cfg = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    beside = out_dir.parent / "techniques"
    cfg["channels"] = list(CHANNELS)
    cfg["encoder"] = (
        "techniques" if (beside / "encoder.onnx").exists() else str(default_encoder_dir().resolve())
    )
    cfg["layer"] = layer
    cfg.setdefault("decoding", {"mode": "filter", "threshold": 0.4, "begin": 0.5})
    path.write_text(json.dumps(cfg, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m spinscope.attribution.top")
    ap.add_argument("data", type=Path, nargs="?", help="PolNeAR folder (train/ is read)")
    ap.add_argument("out", type=Path, nargs="?")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--layer", type=int, default=LAYER)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--limit", type=int, default=None, help="debug: fewer fit articles")
    ap.add_argument(
        "--init-from",
        type=Path,
        metavar="TAGGER_ONNX",
        help="start from a fine-tuned tagger's top layers and head (its int8 encoder.onnx)",
    )
    ap.add_argument(
        "--add-mid",
        type=Path,
        metavar="ENCODER_ONNX",
        help="expose the layer's output of this encoder as 'mid' (then nothing else)",
    )
    a = ap.parse_args(argv)
    if a.add_mid:
        print("added" if add_mid_output(a.add_mid, a.layer) else "already there")
        return 0
    if a.data is None or a.out is None:
        ap.error("data and out are needed to train")
    train_top(a.data, a.out, a.epochs, a.seed, a.layer, a.limit, a.lr, init_from=a.init_from)
    return 0


if __name__ == "__main__":
    sys.exit(main())
