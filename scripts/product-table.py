#!/usr/bin/env python3
"""Reads `rtn bench --json` results from stdin, one after another, and prints their products
against the read baseline as one markdown table (scripts/product-speed.sh)."""
import json
import sys

decoder, text, rows = json.JSONDecoder(), sys.stdin.read(), []
while text.strip():
    result, end = decoder.raw_decode(text.lstrip())
    text = text.lstrip()[end:]
    rows += [(result, m) for m in result["measurements"] if m["baseline"] == "read"]

print("| shape | bits | activations | time | GB/s | read GB/s | fraction of read | Gweights/s |")
print("|---|---|---|---|---|---|---|---|")
for r, m in rows:
    mode = "int8" if "int8" in m["operation"] else "exact fp32"
    print(f"| {r['rows']}×{r['columns']} | {r['bits']} | {mode} | {m['secondsPerMatrix'] * 1e6:.0f} µs "
          f"| {m['gigabytesPerSecond']:.1f} | {m['baselineGigabytesPerSecond']:.1f} | {1 / m['ratio']:.2f} "
          f"| {m['weightsPerSecond'] / 1e9:.1f} |")
print()
print(f"{rows[0][0]['threads']} threads; each shape rotates through {rows[0][0]['quantizedMatrices']}+ quantized matrices; "
      "fraction of read = read time / product time.")
