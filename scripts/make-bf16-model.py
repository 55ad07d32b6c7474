#!/usr/bin/env python3
"""Writes a Llama-shaped BF16 safetensors checkpoint of about the asked size, for timing conversions.

usage: make-bf16-model.py OUTPUT.safetensors GIB

An embedding (32000 x 4096), then decoder layers (q/k/v/o 4096 x 4096, gate/up 11008 x 4096,
down 4096 x 11008, two norms) until the file holds about GIB gibibytes. Values are finite BF16
between 2^-11 and 2^-4 in magnitude, from one random block repeated (the bytes' content does
not change the work the tool does, only that they are finite).
"""
import json
import os
import struct
import sys

HIDDEN, INTERMEDIATE, VOCAB = 4096, 11008, 32000
BLOCK = 64 << 20


def layer(i):
    p = f"model.layers.{i}."
    return [
        (p + "input_layernorm.weight", [HIDDEN]),
        (p + "self_attn.q_proj.weight", [HIDDEN, HIDDEN]),
        (p + "self_attn.k_proj.weight", [HIDDEN, HIDDEN]),
        (p + "self_attn.v_proj.weight", [HIDDEN, HIDDEN]),
        (p + "self_attn.o_proj.weight", [HIDDEN, HIDDEN]),
        (p + "post_attention_layernorm.weight", [HIDDEN]),
        (p + "mlp.gate_proj.weight", [INTERMEDIATE, HIDDEN]),
        (p + "mlp.up_proj.weight", [INTERMEDIATE, HIDDEN]),
        (p + "mlp.down_proj.weight", [HIDDEN, INTERMEDIATE]),
    ]


def nbytes(shape):
    n = 2
    for d in shape:
        n *= d
    return n


def tensors(target):
    result = [("model.embed_tokens.weight", [VOCAB, HIDDEN])]
    size = nbytes(result[0][1])
    per_layer = sum(nbytes(s) for _, s in layer(0))
    i = 0
    while size + per_layer / 2 < target:
        result += layer(i)
        size += per_layer
        i += 1
    return result


def random_block():
    data = bytearray(os.urandom(BLOCK))
    # High byte of each little-endian BF16: keep the sign, exponent 0x74..0x7B.
    table = bytes((b & 0x80) | (0x3A + (b & 3)) for b in range(256))
    data[1::2] = bytes(data[1::2]).translate(table)
    return bytes(data)


def main():
    path, gib = sys.argv[1], float(sys.argv[2])
    entries, offset = {}, 0
    chosen = tensors(gib * (1 << 30))
    for name, shape in chosen:
        entries[name] = {"dtype": "BF16", "shape": shape, "data_offsets": [offset, offset + nbytes(shape)]}
        offset += nbytes(shape)
    header = json.dumps(entries, separators=(",", ":")).encode()
    header += b" " * (-len(header) % 8)
    block = random_block()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)))
        f.write(header)
        left = offset
        while left > 0:
            n = min(left, len(block))
            f.write(block[:n])
            left -= n


if __name__ == "__main__":
    main()
