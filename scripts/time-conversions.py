#!/usr/bin/env python3
"""Times commands interleaved, several rounds, and reports medians, ratios and peak memory.

usage: time-conversions.py ROUNDS NAME=COMMAND...

A NAME ending in -SIZE is compared with cp-SIZE (else with the first command).

Every round runs each command once, in the order given, after `sync` (so no run pays for the
previous one's dirty pages). A command's output (the word after -o, else the last word, less
any `of=`: `cp IN OUT`, `dd if=IN ... of=OUT`, `TOOL quantize IN -o OUT ...`) is removed after
each run. After the timed rounds each command runs once more while /proc/PID/status is sampled
every 2 ms for the peak RssAnon (anonymous memory: the heap and buffers, not the mapped input or
the page cache), and VmHWM (peak resident, mapped file pages included).
"""
import os
import shlex
import statistics
import subprocess
import sys
import time


def remove_output(command):
    words = shlex.split(command)
    out = words[words.index("-o") + 1] if "-o" in words else words[-1].removeprefix("of=")
    if os.path.isdir(out):
        subprocess.run(["rm", "-rf", out], check=True)
    elif os.path.exists(out):
        os.remove(out)


def timed(command):
    subprocess.run(["sync"], check=True)
    start = time.perf_counter()
    subprocess.run(shlex.split(command), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    remove_output(command)
    return wall


def status_kib(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def peak_memory(command):
    subprocess.run(["sync"], check=True)
    process = subprocess.Popen(shlex.split(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    anon = hwm = 0
    while process.poll() is None:
        anon = max(anon, status_kib(process.pid, "RssAnon"))
        hwm = max(hwm, status_kib(process.pid, "VmHWM"))
        time.sleep(0.002)
    if process.returncode != 0:
        raise SystemExit(f"{command} failed with exit code {process.returncode}")
    remove_output(command)
    return anon, hwm


def main():
    rounds = int(sys.argv[1])
    commands = [arg.split("=", 1) for arg in sys.argv[2:]]
    walls = {name: [] for name, _ in commands}
    for r in range(rounds):
        for name, command in commands:
            walls[name].append(timed(command))
        print(f"round {r + 1}: " + "  ".join(f"{name} {walls[name][-1]:.3f}" for name, _ in commands), file=sys.stderr)

    medians = {name: statistics.median(w) for name, w in walls.items()}
    print(f"{'command':<24} {'median s':>9} {'min s':>7} {'max s':>7} {'spread':>7} {'vs cp':>7} {'anon MiB':>9} {'HWM MiB':>8}")
    for name, command in commands:
        anon, hwm = peak_memory(command)
        w = walls[name]
        spread = (max(w) - min(w)) / medians[name]
        copy = medians.get("cp-" + name.rsplit("-", 1)[-1], medians[commands[0][0]])
        print(f"{name:<24} {medians[name]:9.3f} {min(w):7.3f} {max(w):7.3f} {spread:6.0%} {medians[name] / copy:6.2f}x {anon / 1024:9.0f} {hwm / 1024:8.0f}")
    for name, _ in commands:
        if name.endswith("-4g") and name[:-3] + "-1g" in medians:
            print(f"{name[:-3]}: 4 GiB / 1 GiB time = {medians[name] / medians[name[:-3] + '-1g']:.2f}")


if __name__ == "__main__":
    main()
