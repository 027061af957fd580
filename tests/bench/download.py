#!/usr/bin/env python3
"""Benchmark: download many small objects and one large object from garage, side by side in one run.

Peers: `satchel cp --recursive` / `satchel cp`, `rclone copy --transfers 8`, `aws s3 cp` (CLI v1),
boto3 download_file (TransferConfig 8 threads, 16 MiB parts). Before each timed run the dirty pages
of the previous one are flushed (`sync`), so one client's writeback is not charged to the next, and
the 2,000 small files of each run stay until the section ends, so neither is their removal; the
order of the peers alternates from round to round. Medians of wall time, highest peak RSS.

Usage: make bench-download   (or: tests/bench/download.py [--size-mib 1024] [--files 2000] [--rounds 3])
Not a test: nothing here asserts timings.
"""

import argparse
import concurrent.futures
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from common import ROOT, SATCHEL, aws_cli, client, peer_env, start_garage, svg_chart, timed_process, write_report_section

BOTO3_SCRIPT = """
import sys, os, boto3, concurrent.futures
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=os.environ["EP"], region_name=os.environ["AWS_REGION"],
                  config=Config(s3={"addressing_style": "path"}, max_pool_connections=16))
cfg = TransferConfig(max_concurrency=8, multipart_chunksize=16 * 1024 * 1024, multipart_threshold=16 * 1024 * 1024)
bucket, prefix, dest = sys.argv[1], sys.argv[2], sys.argv[3]
keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix) for o in page.get("Contents", [])]
def one(key):
    path = os.path.join(dest, os.path.relpath(key, prefix) if prefix else key)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    s3.download_file(bucket, key, path, Config=cfg)
with concurrent.futures.ThreadPoolExecutor(8) as pool:
    list(pool.map(one, keys))
"""


def peers(info, py, boto3_file):
    ep, region = info["endpoint"], info["region"]

    def satchel(bucket, prefix, dest):
        return [SATCHEL, "--endpoint", ep, "--region", region, "--path-style", "cp", "--recursive", f"s3://{bucket}/{prefix}", dest + "/"]

    def rclone(bucket, prefix, dest):
        return ["rclone", "copy", "--transfers", "8", "--multi-thread-streams", "8", "--multi-thread-cutoff", "16M", f"g:{bucket}/{prefix}", dest]

    def aws(bucket, prefix, dest):
        return [aws_cli(), "--endpoint-url", ep, "s3", "cp", "--recursive", f"s3://{bucket}/{prefix}", dest]

    def boto3_(bucket, prefix, dest):
        return [py, boto3_file, bucket, prefix, dest]

    return {
        "satchel cp --recursive": satchel,
        "rclone copy (8 transfers)": rclone,
        "aws s3 cp --recursive (CLI v1)": aws,
        "boto3 TransferConfig(8, 16 MiB)": boto3_,
    }


def fill(s3, bucket, prefix, files, size):
    def put(i):
        s3.put_object(Bucket=bucket, Key=f"{prefix}d{i // 100:02d}/f{i:05d}.bin", Body=os.urandom(size))
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(put, range(files)))


def put_large(s3, bucket, key, mib):
    with tempfile.NamedTemporaryFile() as f:
        chunk = os.urandom(1024 * 1024)
        for _ in range(mib):
            f.write(chunk)
        f.flush()
        s3.upload_file(f.name, bucket, key)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", default="", help="run only peers whose name contains this")
    ap.add_argument("--no-report", action="store_true", help="don't rewrite the download section of docs/BENCHMARKS.md")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="satchel-bench-down-")
    proc, info = start_garage()
    sections = []
    try:
        s3 = client(info)
        bucket = f"bench-down-{int(time.time())}"
        s3.create_bucket(Bucket=bucket)
        print(f"filling {bucket} ...", file=sys.stderr)
        fill(s3, bucket, "small/", args.files, 64 * 1024)
        put_large(s3, bucket, "large/big.bin", args.size_mib)
        env = peer_env(info)
        env["EP"] = info["endpoint"]
        boto3_file = os.path.join(work, "boto3_download.py")
        with open(boto3_file, "w") as f:
            f.write(BOTO3_SCRIPT)
        py = os.path.join(ROOT, ".venv", "bin", "python")
        tools = {n: t for n, t in peers(info, py, boto3_file).items() if args.only in n or n.startswith("satchel")}
        for label, prefix, total in [(f"{args.files} files of 64 KiB", "small/", args.files * 64 * 1024),
                                     (f"1 file of {args.size_mib} MiB", "large/", args.size_mib * 1024 * 1024)]:
            names = list(tools)
            times = {n: [] for n in names}
            rss = {n: 0.0 for n in names}
            for round_no in range(args.rounds):
                order = names if round_no % 2 == 0 else list(reversed(names))
                for name in order:
                    # Many small files: a folder of its own per run, all removed after the section.
                    # On ext4 without a journal (this kind of VM's disk), a new file's inode is
                    # picked past those deleted in the last minute, so 2,000 files removed just
                    # before made the next client's creates scan them: a quarter of its CPU time
                    # (perf), and noise. One large file is removed at once: kept, a dozen of them
                    # filled the page cache, and reclaiming it slowed every later run.
                    shutil.rmtree(os.path.join(work, "dest-large"), ignore_errors=True)
                    dest = os.path.join(work, f"dest-{round_no}-{names.index(name)}" if prefix == "small/" else "dest-large")
                    os.makedirs(dest)
                    # Writeback of the previous run (and the removal) is not charged to this one.
                    subprocess.run(["sync"], check=True)
                    elapsed, peak = timed_process(tools[name](bucket, prefix, dest), env)
                    got = sum(len(fs) for _, _, fs in os.walk(dest))
                    expected = args.files if prefix == "small/" else 1
                    if got != expected:
                        raise RuntimeError(f"{name} left {got} files, expected {expected}")
                    times[name].append(elapsed)
                    rss[name] = max(rss[name], peak)
                    print(f"  {label} round {round_no + 1}: {name}: {elapsed:.2f} s, {peak:.0f} MiB", file=sys.stderr)
            for d in os.listdir(work):
                if d.startswith("dest-"):
                    shutil.rmtree(os.path.join(work, d), ignore_errors=True)
            rows = [{"name": n, "median": statistics.median(times[n]), "rss": rss[n], "times": times[n]} for n in names]
            fastest_peer = min((r["median"] for r in rows if not r["name"].startswith("satchel")), default=1.0)
            sections.append({"label": label, "total": total, "rows": rows, "fastest_peer": fastest_peer})
    finally:
        proc.stdin.close()
        proc.kill()
        shutil.rmtree(work, ignore_errors=True)

    lines = [f"Written by `make bench-download` (tests/bench/download.py): {os.cpu_count()} cores, garage on loopback. "
             f"Medians of {args.rounds} rounds, the order of the peers alternating, the small files of each run kept until the section ends (see the script), dirty pages flushed (`sync`) before "
             "each timed run; peak RSS is the highest of the rounds (GNU time)."]
    for s in sections:
        lines.append(f"\n### Download {s['label']} from garage (loopback)\n")
        lines.append("| client | median s | MiB/s | vs fastest peer | peak RSS | rounds (s) |")
        lines.append("|---|---:|---:|---:|---:|---|")
        for r in s["rows"]:
            lines.append(f"| {r['name']} | {r['median']:.2f} | {s['total'] / r['median'] / 1048576:.0f} | "
                         f"{r['median'] / s['fastest_peer']:.2f}x | {r['rss']:.0f} MiB | {', '.join(f'{t:.2f}' for t in r['times'])} |")
    table = "\n".join(lines)
    print(table)
    if not args.no_report:
        with open(os.path.join(ROOT, "docs", "bench-download.svg"), "w") as f:
            f.write(svg_chart(sections))
        write_report_section("download", "## Downloads\n\n" + table.replace("\n", "\n\n![Download times](bench-download.svg)\n", 1))


if __name__ == "__main__":
    main()
