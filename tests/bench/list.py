#!/usr/bin/env python3
"""Benchmark: list a prefix of N objects on garage, side by side in one run.

Peers: `satchel ls --recursive`, `aws s3 ls --recursive`, `rclone ls`. For each: the time to the
first line of output, the time to the full listing, the line count (checked equal) and peak RSS.
Each tool runs `--rounds` times, alternating, and the best round counts.

Usage: make bench-list   (or: tests/bench/list.py [--objects 100000])
Not a test: nothing here asserts timings.
"""

import argparse
import os
import subprocess
import tempfile
import sys
import time

from common import SATCHEL, aws_cli, client, fill, peer_env, start_garage


def run_streaming(cmd, env):
    """Runs cmd, reading stdout as it comes: (first line s, total s, lines, peak RSS MiB)."""
    # GNU time measures the peak RSS: a child forked from this (large) Python process would report
    # Python's size, since Linux keeps the high-water mark across exec.
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        start = time.perf_counter()
        proc = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss_file.name] + cmd, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        first = None
        lines = 0
        for _ in iter(proc.stdout.readline, b""):
            if first is None:
                first = time.perf_counter() - start
            lines += 1
        proc.wait()
        total = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"{cmd[0]} failed: {proc.stderr.read()[-500:]}")
        rss_kb = int(rss_file.read().split()[-1])
    return first or total, total, lines, rss_kb / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--objects", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    proc, info = start_garage()
    try:
        s3 = client(info)
        bucket = f"bench-list-{int(time.time())}"
        print(f"filling {bucket} with {args.objects:,} objects ...", file=sys.stderr)
        fill(s3, bucket, args.objects)
        env = peer_env(info)
        peers = {
            "satchel ls --recursive": [SATCHEL, "--endpoint", info["endpoint"], "--region", info["region"], "--path-style",
                                       "ls", "--recursive", f"s3://{bucket}/data/"],
            "aws s3 ls --recursive": [aws_cli(), "--endpoint-url", info["endpoint"], "s3", "ls", "--recursive", f"s3://{bucket}/data/"],
            "rclone ls": ["rclone", "ls", f"g:{bucket}/data/"],
        }
        best = {}
        for r in range(args.rounds):
            for name, cmd in peers.items():
                first, total, lines, rss = run_streaming(cmd, env)
                print(f"  round {r + 1}: {name}: first line {first:.3f} s, all {lines} lines {total:.2f} s", file=sys.stderr)
                if name not in best or total < best[name][1]:
                    best[name] = (first, total, lines, rss)
        fastest = min(v[1] for v in best.values())
        print(f"\nList a prefix of {args.objects:,} objects on garage (loopback), best of {args.rounds}\n")
        print(f"{'client':<26} {'first line':>10} {'full list':>10} {'keys/s':>9} {'vs fastest':>10} {'peak RSS':>9} {'lines':>8}")
        for name, (first, total, lines, rss) in best.items():
            print(f"{name:<26} {first:>9.3f}s {total:>9.2f}s {lines / total:>9.0f} {total / fastest:>9.2f}x {rss:>6.0f} MiB {lines:>8}")
    finally:
        proc.stdin.close()
        proc.kill()


if __name__ == "__main__":
    main()
