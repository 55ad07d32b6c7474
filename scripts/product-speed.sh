#!/usr/bin/env bash
# Times the m = 1 product, exact and with int8 activations, for int4 and int8 weights (group 128,
# fp32 activations) at 11008×4096 and 4096×14336, each against a parallel read of the same bytes
# in the same run, through `rtn bench`, and prints one markdown table. Every measurement rotates
# through 512 MiB of quantized matrices, so the weights and the read both come from memory.
#
#   scripts/product-speed.sh                          # 1 s per measurement, one round
#   ROUNDS=5 SECONDS_EACH=2 scripts/product-speed.sh  # medians of 5 rounds, for a noisy machine
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${SECONDS_EACH:-1}
rounds=${ROUNDS:-1}
dotnet build src/Rtn.Cli -c Release -nologo -v quiet >&2
tool=(dotnet src/Rtn.Cli/bin/Release/net10.0/Rtn.Cli.dll)

echo "$(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for round in $(seq "$rounds"); do
  for shape in "11008 4096" "4096 14336"; do
    read -r rows columns <<< "$shape"
    for bits in 4 8; do
      "${tool[@]}" bench -b "$bits" -g 128 --rows "$rows" --columns "$columns" --dtype f32 \
        --seconds "$seconds" --activations both --json
    done
  done
done | python3 scripts/product-table.py
