#!/usr/bin/env python3
"""Benchmark: upload one large file and many small files to garage, side by side in one run.

Peers: `satchel cp`, `aws s3 cp` (CLI v1), `rclone copy`, `s3cmd put`, boto3 upload_file
(TransferConfig 8 threads, 16 MiB parts). Rounds alternate the order of the peers; the table shows
medians of wall time and the highest peak RSS (GNU time). Then satchel alone on a huge file, for
peak memory. Writes docs/BENCHMARKS.md (table) and docs/bench-upload.svg (chart).

Usage: make bench-upload   (or: tests/bench/upload.py [--size-mib 1024] [--files 2000] [--rounds 3] [--huge-gib 10])
Not a test: nothing here asserts timings.
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time

from common import ROOT, SATCHEL, aws_cli, client, peer_env, start_garage, svg_chart, timed_process, write_report_section

BOTO3_SCRIPT = """
import sys, boto3, os
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=os.environ["EP"], region_name=os.environ["AWS_REGION"],
                  config=Config(s3={"addressing_style": "path"}, max_pool_connections=16))
cfg = TransferConfig(max_concurrency=8, multipart_chunksize=16 * 1024 * 1024, multipart_threshold=16 * 1024 * 1024)
src, bucket, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
if os.path.isdir(src):
    import concurrent.futures
    paths = [os.path.join(d, f) for d, _, fs in os.walk(src) for f in fs]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda p: s3.upload_file(p, bucket, prefix + os.path.relpath(p, src), Config=cfg), paths))
else:
    s3.upload_file(src, bucket, prefix + os.path.basename(src), Config=cfg)
"""

S3CMD_CONFIG = """[default]
access_key = {access_key_id}
secret_key = {secret_access_key}
host_base = {hostport}
host_bucket = {hostport}
bucket_location = {region}
use_https = False
signature_v2 = False
multipart_chunk_size_mb = 16
"""


def make_file(path, mib):
    chunk = os.urandom(1024 * 1024)
    with open(path, "wb") as f:
        for _ in range(mib):
            f.write(chunk)


def peers(info, work, py, boto3_file, s3cmd_cfg):
    def satchel(src, b, recursive):
        return [SATCHEL, "--endpoint", info["endpoint"], "--region", info["region"], "--path-style", "cp"] + (
            ["--recursive"] if recursive else []) + [src, f"s3://{b}/"]

    def aws(src, b, recursive):
        return [aws_cli(), "--endpoint-url", info["endpoint"], "s3", "cp"] + (["--recursive"] if recursive else []) + [src, f"s3://{b}/"]

    def rclone(src, b, recursive):
        return ["rclone", "copy", "--s3-upload-concurrency", "8", "--s3-chunk-size", "16M", "--transfers", "8", src, f"g:{b}/"]

    def s3cmd(src, b, recursive):
        exe = os.path.join(ROOT, ".venv", "bin", "s3cmd")
        return [py, exe, "-c", s3cmd_cfg, "--no-progress", "put"] + (["--recursive"] if recursive else []) + [src, f"s3://{b}/"]

    def boto3_(src, b, recursive):
        return [py, boto3_file, src, b, ""]

    return {
        "satchel cp": satchel,
        "aws s3 cp (CLI v1)": aws,
        "rclone copy (8x16M, 8 transfers)": rclone,
        "s3cmd put": s3cmd,
        "boto3 TransferConfig(8, 16 MiB)": boto3_,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--huge-gib", type=int, default=10, help="satchel alone on a file this big, for peak memory (0 skips)")
    ap.add_argument("--no-report", action="store_true", help="don't rewrite docs/BENCHMARKS.md")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="satchel-bench-")
    big = os.path.join(work, "big.bin")
    make_file(big, args.size_mib)
    small = os.path.join(work, "small")
    for i in range(args.files):
        d = os.path.join(small, f"d{i // 100:02d}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"f{i:05d}.bin"), "wb") as f:
            f.write(os.urandom(64 * 1024))
    proc, info = start_garage()
    sections = []
    try:
        s3 = client(info)
        env = peer_env(info)
        env["EP"] = info["endpoint"]
        boto3_file = os.path.join(work, "boto3_upload.py")
        with open(boto3_file, "w") as f:
            f.write(BOTO3_SCRIPT)
        s3cmd_cfg = os.path.join(work, "s3cmd.cfg")
        with open(s3cmd_cfg, "w") as f:
            f.write(S3CMD_CONFIG.format(hostport=info["endpoint"].split("://", 1)[1], **info))
        py = os.path.join(ROOT, ".venv", "bin", "python")
        tools = peers(info, work, py, boto3_file, s3cmd_cfg)
        counter = 0
        for label, src, total in [(f"1 file of {args.size_mib} MiB", big, args.size_mib * 1024 * 1024),
                                  (f"{args.files} files of 64 KiB", small, args.files * 64 * 1024)]:
            recursive = os.path.isdir(src)
            times = {name: [] for name in tools}
            rss = {name: 0.0 for name in tools}
            names = list(tools)
            for round_no in range(args.rounds):
                # Alternate the order so no peer always runs on a warmer (or busier) machine.
                order = names if round_no % 2 == 0 else list(reversed(names))
                for name in order:
                    counter += 1
                    bucket = f"bench-up-{int(time.time())}-{counter}"
                    s3.create_bucket(Bucket=bucket)
                    elapsed, peak = timed_process(tools[name](src, bucket, recursive), env)
                    times[name].append(elapsed)
                    rss[name] = max(rss[name], peak)
                    print(f"  {label} round {round_no + 1}: {name}: {elapsed:.2f} s, {peak:.0f} MiB", file=sys.stderr)
            rows = [{"name": n, "median": statistics.median(times[n]), "rss": rss[n], "times": times[n]} for n in names]
            fastest_peer = min(r["median"] for r in rows if not r["name"].startswith("satchel"))
            sections.append({"label": label, "total": total, "rows": rows, "fastest_peer": fastest_peer})
        huge = None
        if args.huge_gib:
            path = os.path.join(work, "huge.bin")
            make_file(path, args.huge_gib * 1024)
            bucket = f"bench-huge-{int(time.time())}"
            s3.create_bucket(Bucket=bucket)
            elapsed, peak = timed_process(tools["satchel cp"](path, bucket, False), env)
            os.remove(path)
            huge = {"gib": args.huge_gib, "seconds": elapsed, "rss": peak}
            print(f"  {args.huge_gib} GiB: satchel cp: {elapsed:.2f} s, {peak:.0f} MiB", file=sys.stderr)
    finally:
        proc.stdin.close()
        proc.kill()

    lines = []
    for s in sections:
        lines.append(f"\n### Upload {s['label']} to garage (loopback)\n")
        lines.append("| client | median s | MiB/s | vs fastest peer | peak RSS | rounds (s) |")
        lines.append("|---|---:|---:|---:|---:|---|")
        for r in s["rows"]:
            ratio = r["median"] / s["fastest_peer"]
            lines.append(f"| {r['name']} | {r['median']:.2f} | {s['total'] / r['median'] / 1048576:.0f} | {ratio:.2f}x | "
                         f"{r['rss']:.0f} MiB | {', '.join(f'{t:.2f}' for t in r['times'])} |")
    if huge:
        lines.append(f"\n### satchel cp alone, one file of {huge['gib']} GiB\n")
        lines.append(f"{huge['seconds']:.1f} s ({huge['gib'] * 1024 / huge['seconds']:.0f} MiB/s), peak RSS {huge['rss']:.0f} MiB.")
    table = "\n".join(lines)
    print(table)
    if not args.no_report:
        docs = os.path.join(ROOT, "docs")
        with open(os.path.join(docs, "bench-upload.svg"), "w") as f:
            f.write(svg_chart(sections))
        write_report_section("upload", "## Uploads\n\n"
                             "Written by `make bench-upload` (tests/bench/upload.py); numbers from one run on this machine: "
                             f"{platform.machine()}, {os.cpu_count()} cores, garage on loopback. Medians of {args.rounds} rounds with "
                             "the order of the peers alternating; peak RSS is the highest of the rounds (GNU time). "
                             "`vs fastest peer` divides by the fastest tool other than satchel.\n"
                             "\n![Upload times](bench-upload.svg)\n" + table)


if __name__ == "__main__":
    main()
