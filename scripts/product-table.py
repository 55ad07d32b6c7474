#!/usr/bin/env python3
"""Reads `rtn bench --json` results from stdin, one after another, and prints their products
against the read baseline as one markdown table (scripts/product-speed.sh). A product measured
in several rounds gets the medians of its rounds and the range of its fraction of the read."""
import json
import statistics
import sys

decoder, text, rows = json.JSONDecoder(), sys.stdin.read(), {}
while text.strip():
    result, end = decoder.raw_decode(text.lstrip())
    text = text.lstrip()[end:]
    for m in result["measurements"]:
        if m["baseline"] == "read":
            rows.setdefault((result["rows"], result["columns"], result["bits"], m["operation"]), []).append((result, m))

print("| shape | bits | activations | time | GB/s | read GB/s | fraction of read | range | Gweights/s |")
print("|---|---|---|---|---|---|---|---|---|")
for (r, c, bits, operation), runs in rows.items():
    median = lambda key: statistics.median(key(m) for _, m in runs)
    fractions = [1 / m["ratio"] for _, m in runs]
    mode = "int8" if "int8" in operation else "exact fp32"
    print(f"| {r}×{c} | {bits} | {mode} | {median(lambda m: m['secondsPerMatrix']) * 1e6:.0f} µs "
          f"| {median(lambda m: m['gigabytesPerSecond']):.1f} | {median(lambda m: m['baselineGigabytesPerSecond']):.1f} "
          f"| {statistics.median(fractions):.2f} | {min(fractions):.2f}–{max(fractions):.2f} "
          f"| {median(lambda m: m['weightsPerSecond']) / 1e9:.1f} |")
first = next(iter(rows.values()))[0][0]
print()
print(f"{first['threads']} threads; {len(next(iter(rows.values())))} round(s), medians; each shape rotates through "
      f"{first['quantizedMatrices']}+ quantized matrices; fraction of read = read time / product time.")
