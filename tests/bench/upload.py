#!/usr/bin/env python3
"""Benchmark: upload one large file and many small files to garage, side by side in one run.

Peers: `satchel cp`, `aws s3 cp` (CLI v1), `rclone copy`, boto3 upload_file (8 threads, 16 MiB parts).
Reports seconds, MiB/s, ratio to the fastest and peak RSS (GNU time).

Usage: make bench-upload   (or: tests/bench/upload.py [--size-mib 1024] [--files 2000])
Not a test: nothing here asserts timings.
"""

import argparse
import os
import sys
import tempfile
import time

from common import SATCHEL, aws_cli, client, peer_env, start_garage, timed_process

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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--files", type=int, default=2000)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="satchel-bench-")
    big = os.path.join(work, "big.bin")
    with open(big, "wb") as f:
        chunk = os.urandom(1024 * 1024)
        for _ in range(args.size_mib):
            f.write(chunk)
    small = os.path.join(work, "small")
    for i in range(args.files):
        d = os.path.join(small, f"d{i // 100:02d}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"f{i:05d}.bin"), "wb") as f:
            f.write(os.urandom(64 * 1024))
    proc, info = start_garage()
    try:
        s3 = client(info)
        env = peer_env(info)
        env["EP"] = info["endpoint"]
        boto3_file = os.path.join(work, "boto3_upload.py")
        with open(boto3_file, "w") as f:
            f.write(BOTO3_SCRIPT)
        py = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", ".venv", "bin", "python")
        for label, src, total in [(f"1 file of {args.size_mib} MiB", big, args.size_mib * 1024 * 1024),
                                  (f"{args.files} files of 64 KiB", small, args.files * 64 * 1024)]:
            recursive = os.path.isdir(src)
            peers = {
                "satchel cp": lambda b: [SATCHEL, "--endpoint", info["endpoint"], "--region", info["region"], "--path-style", "cp"]
                + (["--recursive"] if recursive else []) + [src, f"s3://{b}/"],
                "aws s3 cp": lambda b: [aws_cli(), "--endpoint-url", info["endpoint"], "s3", "cp"]
                + (["--recursive"] if recursive else []) + [src, f"s3://{b}/"],
                "rclone copy (8x16M, 8 transfers)": lambda b: ["rclone", "copy", "--s3-upload-concurrency", "8", "--s3-chunk-size", "16M",
                                                                "--transfers", "8", src, f"g:{b}/"],
                "boto3 TransferConfig(8, 16 MiB)": lambda b: [py, boto3_file, src, b, ""],
            }
            rows = []
            for i, (name, cmd) in enumerate(peers.items()):
                bucket = f"bench-up-{int(time.time())}-{i}-{len(rows)}"
                s3.create_bucket(Bucket=bucket)
                elapsed, rss = timed_process(cmd(bucket), env)
                rows.append((name, elapsed, rss))
                print(f"  {label}: {name}: {elapsed:.2f} s", file=sys.stderr)
            fastest = min(r[1] for r in rows)
            print(f"\nUpload {label} to garage (loopback)\n")
            print(f"{'client':<34} {'seconds':>8} {'MiB/s':>8} {'vs fastest':>10} {'peak RSS':>9}")
            for name, elapsed, rss in rows:
                print(f"{name:<34} {elapsed:>8.2f} {total / elapsed / 1048576:>8.1f} {elapsed / fastest:>9.2f}x {rss:>6.0f} MiB")
    finally:
        proc.stdin.close()
        proc.kill()


if __name__ == "__main__":
    main()
