"""What the benchmarks share: a garage server from the test harness, clients, filling, timing."""

import concurrent.futures
import json
import os
import subprocess
import tempfile
import time

import boto3
from botocore.config import Config

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def start_garage():
    servers = os.path.join(ROOT, "target", "release", "test-servers")
    proc = subprocess.Popen([servers, "garage"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    info = json.loads(proc.stdout.readline())
    return proc, info


def client(info):
    return boto3.client(
        "s3",
        endpoint_url=info["endpoint"],
        region_name=info["region"],
        aws_access_key_id=info["access_key_id"],
        aws_secret_access_key=info["secret_access_key"],
        config=Config(s3={"addressing_style": "path"}, max_pool_connections=32, retries={"max_attempts": 3}),
    )


def fill(s3, bucket, n):
    s3.create_bucket(Bucket=bucket)
    body = b"x" * 64

    def put(i):
        s3.put_object(Bucket=bucket, Key=f"data/{i // 1000:03d}/obj-{i:06d}.bin", Body=body)

    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        list(pool.map(put, range(n)))


def timed_process(cmd, env):
    """Runs cmd under GNU time; returns (seconds, peak RSS in MiB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        start = time.perf_counter()
        r = subprocess.run(["/usr/bin/time", "-v", "-o", t.name] + cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - start
        if r.returncode != 0:
            raise RuntimeError(f"{cmd[0]} failed: {r.stderr[-500:]}")
        rss_kb = next(int(line.split(":")[1]) for line in t.read().splitlines() if "Maximum resident set size" in line)
    return elapsed, rss_kb / 1024



def peer_env(info):
    """Environment in which the AWS CLI, rclone and satchel all reach `info`'s server."""
    env = dict(os.environ)
    # rclone 1.60 fails on AWS_CA_BUNDLE with its own transport; the servers here are plain http.
    env.pop("AWS_CA_BUNDLE", None)
    env.update(
        AWS_ACCESS_KEY_ID=info["access_key_id"],
        AWS_SECRET_ACCESS_KEY=info["secret_access_key"],
        AWS_DEFAULT_REGION=info["region"],
        AWS_REGION=info["region"],
        AWS_CONFIG_FILE="/nonexistent",
        AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
        RCLONE_CONFIG_G_TYPE="s3",
        RCLONE_CONFIG_G_PROVIDER="Other",
        RCLONE_CONFIG_G_ENDPOINT=info["endpoint"],
        RCLONE_CONFIG_G_ACCESS_KEY_ID=info["access_key_id"],
        RCLONE_CONFIG_G_SECRET_ACCESS_KEY=info["secret_access_key"],
        RCLONE_CONFIG_G_REGION=info["region"],
        RCLONE_CONFIG_G_FORCE_PATH_STYLE="true",
        SATCHEL_CONFIG_DIR=tempfile.mkdtemp(),
        SATCHEL_DATA_DIR=tempfile.mkdtemp(),
    )
    return env


SATCHEL = os.path.join(ROOT, "target", "release", "satchel")


def aws_cli():
    import shutil
    return shutil.which("aws", path=os.path.join(ROOT, ".venv", "bin")) or shutil.which("aws")


REPORT = os.path.join(ROOT, "docs", "BENCHMARKS.md")


def write_report_section(name, markdown):
    """Replaces one benchmark's section of docs/BENCHMARKS.md (between its markers), keeping the others."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    try:
        with open(REPORT) as f:
            text = f.read()
    except FileNotFoundError:
        text = "# Benchmarks\n"
    if start in text and end in text:
        text = text[:text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    with open(REPORT, "w") as f:
        f.write(text)


def svg_chart(sections):
    """A small horizontal bar chart of median seconds per peer, one group per workload."""
    width, bar_h, gap, left = 760, 18, 6, 260
    rows = sum(len(s["rows"]) + 2 for s in sections)
    height = rows * (bar_h + gap) + 20
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>']
    y = 10
    for s in sections:
        out.append(f'<text x="4" y="{y + 13}" font-weight="bold">{s["label"]} (seconds, lower is better)</text>')
        y += bar_h + gap
        longest = max(r["median"] for r in s["rows"])
        for r in s["rows"]:
            w = (width - left - 70) * r["median"] / longest
            colour = "#2563eb" if r["name"].startswith("satchel") else "#9ca3af"
            out.append(f'<text x="4" y="{y + 13}">{r["name"]}</text>')
            out.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}"/>')
            out.append(f'<text x="{left + w + 6:.1f}" y="{y + 13}">{r["median"]:.2f}</text>')
            y += bar_h + gap
        y += bar_h
    out.append("</svg>")
    return "\n".join(out)
