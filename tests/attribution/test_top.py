"""The attribution top: its own top layers on the shared encoder's middle layer (one pass)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from spinscope.attribution.top import LAYER, add_mid_output
from spinscope.encoder import MID, SharedEncoder, default_encoder_dir, get_encoder
from spinscope.techniques.windows import Window

TEXT = (Path(__file__).parents[1] / "data" / "behaviour" / "statements-senator.txt").read_text(
    encoding="utf-8"
)


def test_the_shared_encoder_returns_its_middle_layer_per_window() -> None:
    enc = get_encoder()
    assert enc.outputs == ["hidden", "probs", MID]
    long = TEXT * 4  # several windows
    (e,) = enc.encode([(long, [(0, len(long))])])
    wins = [w for w, _ in e.mid]
    assert len(wins) == len(enc.windows(long, e.tokens)) > 1
    assert [w.lo for w in wins] == sorted(w.lo for w in wins)
    for w, m in e.mid:  # [CLS] + the window's tokens + [SEP], the encoder's width
        assert m.shape == (w.hi - w.lo + 2, 384) and np.isfinite(m).all()
    covered = np.zeros(len(e.tokens.ids), bool)
    for w in wins:
        covered[w.keep_lo : w.keep_hi] = True
    assert covered.all()


def test_windows_are_stitched_as_the_encoder_stitches() -> None:
    enc = SharedEncoder(default_encoder_dir())
    # two windows over 6 tokens: the first keeps 0-4, the second 4-6
    a = Window(doc=0, lo=0, hi=5, keep_lo=0, keep_hi=4)
    b = Window(doc=0, lo=2, hi=6, keep_lo=4, keep_hi=6)
    pa = np.arange(7, dtype=np.float32)[:, None] + 100  # row 0 is [CLS]
    pb = np.arange(6, dtype=np.float32)[:, None] + 200
    enc.stitch = "centre"
    got = enc.stitch_windows([(a, pa), (b, pb)], 6)
    assert got[:, 0].tolist() == [101, 102, 103, 104, 203, 204]
    enc.stitch, enc.ramp = "average", 1
    avg = enc.stitch_windows([(a, pa), (b, pb)], 6)
    assert avg[0, 0] == 101 and avg[5, 0] == 204  # one window only
    assert 101 < avg[3, 0] < 202  # both windows, weighted
    assert enc.stitch_windows([], 3, 6).shape == (3, 6)


def test_add_mid_output_exposes_a_layer_once(tmp_path: Path) -> None:
    pytest.importorskip("onnx", reason="the onnx package (dev and train extras) edits graphs")
    import onnx

    path = tmp_path / "encoder.onnx"
    src = onnx.load(str(default_encoder_dir() / "encoder.onnx"))
    # the graph as the technique export writes it: hidden and probs only
    keep = [o for o in src.graph.output if o.name != MID]
    del src.graph.output[:]
    src.graph.output.extend(keep)
    nodes = [n for n in src.graph.node if MID not in n.output]
    del src.graph.node[:]
    src.graph.node.extend(nodes)
    onnx.save(src, str(path))
    shutil.copy(default_encoder_dir() / "tokenizer.json", tmp_path / "tokenizer.json")
    shutil.copy(default_encoder_dir() / "config.json", tmp_path / "config.json")
    assert SharedEncoder(tmp_path).outputs == ["hidden", "probs"]
    with pytest.raises(ValueError, match="no tensor"):
        add_mid_output(path, 9)  # MiniLM-L6 has layers 0-5
    assert add_mid_output(path, LAYER) is True
    assert add_mid_output(path, LAYER) is False  # already there
    fresh = SharedEncoder(tmp_path)
    assert fresh.outputs == ["hidden", "probs", MID]
    (a,) = fresh.encode([(TEXT, [(0, len(TEXT))])])
    (b,) = get_encoder().encode([(TEXT, [(0, len(TEXT))])])
    assert np.array_equal(a.hidden, b.hidden) and np.array_equal(a.mid[0][1], b.mid[0][1])
