#!/usr/bin/env bash
# Times `rtn quantize` (default save format, int4 g128) of a 1 GiB and a 4 GiB BF16 checkpoint
# against `cp` of the same files (and, at 1 GiB, a copy flushed to disk as rtn flushes its
# output), interleaved in one run from a warm page cache, and reports
# medians, the ratio to cp, the 4 GiB / 1 GiB ratio and peak memory (scripts/time-conversions.py).
#
#   scripts/conversion-speed.sh                    # this tree, 5 rounds
#   ROUNDS=7 BASELINE=main scripts/conversion-speed.sh   # also a published build of another revision, same run
#
# WORK (default /tmp/rtn-conversion) holds the published tools, the generated models and the
# outputs (about 12 GiB at the peak); it is deleted at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${ROUNDS:-5}
work=${WORK:-/tmp/rtn-conversion}
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64) rid=linux-arm64 ;;
  *) echo "no RID for $(uname -m)" >&2; exit 1 ;;
esac

mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
free_gib=$(df --output=avail -BG "$work" | tail -n 1 | tr -dc 0-9)
if [ "$free_gib" -lt 14 ]; then
  echo "$work has ${free_gib} GiB free; the run needs about 14." >&2
  exit 1
fi

# Published for this machine's RID, as the RID-specific tool package installs it.
publish() {
  dotnet publish "$1/src/Rtn.Cli" -c Release -r "$rid" --self-contained false -o "$2" -nologo -v quiet >&2
}

publish . "$work/tool"
commands=()
if [ -n "${BASELINE:-}" ]; then
  mkdir -p "$work/baseline-src"
  git archive "$BASELINE" | tar -x -C "$work/baseline-src"
  publish "$work/baseline-src" "$work/baseline-tool"
  rm -rf "$work/baseline-src"
fi

python3 scripts/make-bf16-model.py "$work/model-1g.safetensors" 1
python3 scripts/make-bf16-model.py "$work/model-4g.safetensors" 4
ls -l "$work"/model-*.safetensors >&2
cat "$work"/model-*.safetensors > /dev/null

quantize() { echo "$1-$2=$work/$1/Rtn.Cli quantize $work/model-$2.safetensors -o $work/out-$1-$2.safetensors --bits 4 --group-size 128"; }
commands+=("cp-1g=cp $work/model-1g.safetensors $work/copy-1g.safetensors")
# A copy that, like rtn, flushes its output to disk before it ends.
commands+=("dd-fsync-1g=dd if=$work/model-1g.safetensors bs=8M conv=fsync status=none of=$work/copy-fsync-1g.safetensors")
commands+=("$(quantize tool 1g)")
[ -n "${BASELINE:-}" ] && commands+=("$(quantize baseline-tool 1g)")
commands+=("cp-4g=cp $work/model-4g.safetensors $work/copy-4g.safetensors")
commands+=("$(quantize tool 4g)")
[ -n "${BASELINE:-}" ] && commands+=("$(quantize baseline-tool 4g)")

echo "$(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 scripts/time-conversions.py "$rounds" "${commands[@]}"
