#!/usr/bin/env python3
"""Benchmark: sync 10,000 files where 100 changed, both ways, and the no-change case, on garage.

Peers: `satchel sync`, `rclone sync` (8 transfers, 16 checkers), `aws s3 sync` (CLI v1). Each tool
has its own copy of the data (its own prefix, its own local folder), synced once untimed; then
100 files change (a new size) on the source side and each tool's sync is timed; then the same
command again, with nothing to send; then what each tool sent up is synced down to a new folder
and, timed, again with nothing to send (where a tool that keeps file times asks for them). Dirty pages are flushed (`sync`) before each timed run; the
order of the tools alternates between the two phases.

Usage: make bench-sync   (or: tests/bench/sync.py [--files 10000] [--changed 100])
Not a test: nothing here asserts timings.
"""

import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile
import time

from common import SATCHEL, aws_cli, client, peer_env, start_garage, timed_process, write_report_section


def tools(info):
    ep, region = info["endpoint"], info["region"]
    return {
        "satchel sync": lambda src, dst: [SATCHEL, "--endpoint", ep, "--region", region, "--path-style", "sync", src, dst],
        "rclone sync (8 transfers, 16 checkers)": lambda src, dst: ["rclone", "sync", "--transfers", "8", "--checkers", "16",
                                                                   src.replace("s3://", "g:"), dst.replace("s3://", "g:")],
        "aws s3 sync (CLI v1)": lambda src, dst: [aws_cli(), "--endpoint-url", ep, "s3", "sync", src, dst],
    }


def write_files(folder, n, size):
    for i in range(n):
        d = os.path.join(folder, f"d{i // 500:02d}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"f{i:05d}.bin"), "wb") as f:
            f.write(os.urandom(size))


def change_local(folder, changed, n):
    for i in range(0, n, n // changed):
        with open(os.path.join(folder, f"d{i // 500:02d}", f"f{i:05d}.bin"), "ab") as f:
            f.write(b"changed")


def timed(cmd, env):
    subprocess.run(["sync"], check=True)
    return timed_process(cmd, env)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--changed", type=int, default=100)
    ap.add_argument("--size", type=int, default=4096)
    ap.add_argument("--no-report", action="store_true")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="satchel-bench-sync-")
    proc, info = start_garage()
    results = {}
    try:
        s3 = client(info)
        env = peer_env(info)
        peers = tools(info)
        bucket = f"bench-sync-{int(time.time())}"
        s3.create_bucket(Bucket=bucket)
        source = os.path.join(work, "source")
        write_files(source, args.files, args.size)

        # Up: each tool's local copy of the source, synced once to its own prefix.
        for i, name in enumerate(peers):
            local = os.path.join(work, f"up-{i}")
            shutil.copytree(source, local, copy_function=shutil.copy2)
            subprocess.run(peers[name](local, f"s3://{bucket}/up-{i}/"), env=env, check=True, stdout=subprocess.DEVNULL)
            change_local(local, args.changed, args.files)
        for phase, order in [("up: 100 changed", list(peers)), ("up: nothing changed", list(reversed(list(peers))))]:
            for name in order:
                i = list(peers).index(name)
                secs, rss = timed(peers[name](os.path.join(work, f"up-{i}"), f"s3://{bucket}/up-{i}/"), env)
                results.setdefault(phase, {})[name] = (secs, rss)
                print(f"  {phase}: {name}: {secs:.2f} s, {rss:.0f} MiB", file=sys.stderr)

        # Round trip: what each tool sent up, synced down to a new folder once, then again with
        # nothing changed. Tools that keep the file's time with the object (satchel, rclone) give it
        # back to the file, which is then older than its object: this is where they ask for it.
        for i, name in enumerate(peers):
            subprocess.run(peers[name](f"s3://{bucket}/up-{i}/", os.path.join(work, f"back-{i}")), env=env, check=True, stdout=subprocess.DEVNULL)
        for name in reversed(list(peers)):
            i = list(peers).index(name)
            secs, rss = timed(peers[name](f"s3://{bucket}/up-{i}/", os.path.join(work, f"back-{i}")), env)
            results.setdefault("down what it sent up: nothing changed", {})[name] = (secs, rss)
            print(f"  round trip: {name}: {secs:.2f} s, {rss:.0f} MiB", file=sys.stderr)

        # Down: each tool's own prefix, synced once to its own folder; then 100 objects replaced.
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            def put(job):
                prefix, path = job
                rel = os.path.relpath(path, source)
                s3.upload_file(path, bucket, f"{prefix}{rel}")
            jobs = [(f"down-{i}/", os.path.join(d, f)) for i in range(len(peers)) for d, _, fs in os.walk(source) for f in fs]
            list(pool.map(put, jobs))
        for i, name in enumerate(peers):
            subprocess.run(peers[name](f"s3://{bucket}/down-{i}/", os.path.join(work, f"down-{i}")), env=env, check=True, stdout=subprocess.DEVNULL)
            for j in range(0, args.files, args.files // args.changed):
                s3.put_object(Bucket=bucket, Key=f"down-{i}/d{j // 500:02d}/f{j:05d}.bin", Body=os.urandom(args.size + 7))
        time.sleep(1.1)  # Whole-second times: the replaced objects are surely newer than the files.
        for phase, order in [("down: 100 changed", list(peers)), ("down: nothing changed", list(reversed(list(peers))))]:
            for name in order:
                i = list(peers).index(name)
                secs, rss = timed(peers[name](f"s3://{bucket}/down-{i}/", os.path.join(work, f"down-{i}")), env)
                results.setdefault(phase, {})[name] = (secs, rss)
                print(f"  {phase}: {name}: {secs:.2f} s, {rss:.0f} MiB", file=sys.stderr)
    finally:
        proc.stdin.close()
        proc.kill()
        shutil.rmtree(work, ignore_errors=True)

    lines = [f"Written by `make bench-sync` (tests/bench/sync.py): {args.files:,} files of {args.size // 1024} KiB, "
             f"{args.changed} of them changed (a new size) on the source side; each tool syncs its own copy. "
             f"One timed run each, dirty pages flushed before it; {os.cpu_count()} cores, garage on loopback.\n",
             "| sync | " + " | ".join(peers) + " |",
             "|---|" + "---:|" * len(peers)]
    for phase, row in results.items():
        fastest_peer = min(s for n, (s, _) in row.items() if not n.startswith("satchel"))
        # The phases ran the tools in different orders: the cells follow the header's.
        cells = [f"{row[n][0]:.2f} s ({row[n][0] / fastest_peer:.2f}x, {row[n][1]:.0f} MiB)" for n in peers]
        lines.append(f"| {phase} | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    print(table)
    if not args.no_report:
        write_report_section("sync", "## Sync\n\n" + table + "\n\nEach cell: seconds (vs the fastest other tool, peak RSS). "
                             "\"Down what it sent up\": each tool's upload synced down to a new folder once, then again, timed, with "
                             "nothing changed. The objects are newer than the files written from them and of the same size: rclone asks "
                             "each object for the time it kept on upload (a HEAD each); satchel asks nothing for a file its journal records "
                             "as holding that object (the same ETag, the file unchanged since). The AWS CLI compares sizes and times only: "
                             "it fetches a same-size file only when the local copy is newer than the object, so it asks nothing per object "
                             "(and would keep a file whose object was replaced by another of the same size).")


if __name__ == "__main__":
    main()
