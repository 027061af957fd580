#!/usr/bin/env python3
"""Benchmark: empty and delete a bucket of N objects on garage, side by side in one run.

Peers: `satchel bucket rm --force`, `aws s3 rb --force`, `rclone purge`, and a boto3 loop of
DeleteObjects (1,000 keys per request, 4 threads). Each tool gets its own bucket filled the same
way; the time covers emptying and deleting. Peak RSS comes from /usr/bin/time -v (GNU time) where
the tool is a separate process, and from the process's own rusage for the boto3 loop.

Usage: make bench-bucket-rm   (or: tests/bench/bucket_rm.py [--objects 20000])
Not a test: nothing here asserts timings.
"""

import argparse
import concurrent.futures
import os
import resource
import sys
import tempfile
import time

from common import SATCHEL, aws_cli, client, fill, peer_env, start_garage, timed_process

def boto3_batched(info, bucket):
    s3 = client(info)
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        futures = []
        for page in pages:
            keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
            if keys:
                futures.append(pool.submit(s3.delete_objects, Bucket=bucket, Delete={"Objects": keys, "Quiet": True}))
        for f in futures:
            errors = f.result().get("Errors", [])
            if errors:
                raise RuntimeError(f"boto3 delete errors: {errors[:3]}")
    s3.delete_bucket(Bucket=bucket)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--objects", type=int, default=20000)
    args = ap.parse_args()
    proc, info = start_garage()
    try:
        s3 = client(info)
        env = peer_env(info)
        satchel, aws = SATCHEL, aws_cli()
        peers = {
            "satchel bucket rm --force": lambda b: timed_process(
                [satchel, "--endpoint", info["endpoint"], "--region", info["region"], "--path-style", "bucket", "rm", b, "--force"], env),
            "aws s3 rb --force": lambda b: timed_process(
                [aws, "--endpoint-url", info["endpoint"], "s3", "rb", f"s3://{b}", "--force"], env),
            "rclone purge": lambda b: timed_process(["rclone", "purge", f"g:{b}"], env),
            "boto3 DeleteObjects x4": None,
        }
        results = []
        for i, (name, run) in enumerate(peers.items()):
            bucket = f"bench-rm-{i}-{int(time.time())}"
            print(f"filling {bucket} with {args.objects} objects for {name} ...", file=sys.stderr)
            fill(s3, bucket, args.objects)
            if run is None:
                before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                start = time.perf_counter()
                boto3_batched(info, bucket)
                elapsed = time.perf_counter() - start
                rss = max(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024
            else:
                elapsed, rss = run(bucket)
            gone = bucket not in [b["Name"] for b in s3.list_buckets().get("Buckets", [])]
            results.append((name, elapsed, rss, gone))
            print(f"  {name}: {elapsed:.2f} s", file=sys.stderr)
        fastest = min(r[1] for r in results)
        print(f"\nEmpty and delete a bucket of {args.objects:,} objects on garage (loopback)\n")
        print(f"{'client':<28} {'seconds':>8} {'objects/s':>10} {'vs fastest':>10} {'peak RSS':>10}  deleted")
        for name, elapsed, rss, gone in results:
            print(f"{name:<28} {elapsed:>8.2f} {args.objects / elapsed:>10.0f} {elapsed / fastest:>9.2f}x {rss:>7.0f} MiB  {'yes' if gone else 'NO'}")
        print("\n(boto3's peak RSS is the benchmark process itself, which also holds the fill client.)")
    finally:
        proc.stdin.close()
        proc.kill()


if __name__ == "__main__":
    main()
