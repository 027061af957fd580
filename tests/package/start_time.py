"""How long Satchel takes from process start to its window, measured as a user would see it: the
window mapped on the X screen, then painted (its pixels hold the interface rather than one flat
colour). Run under Xvfb: `xvfb-run -a -s "-noreset" python3 tests/package/start_time.py /usr/bin/satchel-app`.
Without -noreset Xvfb resets itself when its last client leaves, and a start that falls in that
moment fails in GTK ("Failed to initialize GTK") and shows no window: an Xvfb matter, not the app's.

The first run starts on empty settings (the sandbox is created); the others find it. Painting is
checked by grabbing the window, every ~60 ms, so that figure is good to about 0.1 s. Xvfb renders
in software: a desktop with a GPU paints at least as fast.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

app = sys.argv[1] if len(sys.argv) > 1 else "/usr/bin/satchel-app"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5


def window_id():
    r = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^Satchel$"], capture_output=True, text=True)
    return r.stdout.split()[0] if r.returncode == 0 and r.stdout.strip() else None


def colours(wid):
    r = subprocess.run(["import", "-window", wid, "-format", "%k", "info:"], capture_output=True, text=True)
    return int(r.stdout or 0) if r.returncode == 0 else 0


home = tempfile.mkdtemp(prefix="satchel-start-")
env = dict(os.environ, SATCHEL_CONFIG_DIR=f"{home}/config", SATCHEL_DATA_DIR=f"{home}/data")
mapped, painted = [], []
for run in range(runs):
    started = time.monotonic()
    proc = subprocess.Popen([app], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wid = None
    while wid is None and time.monotonic() - started < 30:
        wid = window_id()
    mapped.append(time.monotonic() - started)
    while time.monotonic() - started < 30 and colours(wid) < 64:
        pass
    painted.append(time.monotonic() - started)
    proc.terminate()
    proc.wait()
    time.sleep(2)
    print(f"run {run + 1}{' (first start: the sandbox is set up)' if run == 0 else ''}: window mapped {mapped[-1]:.2f} s, painted {painted[-1]:.2f} s")
print(f"median of {runs}: mapped {statistics.median(mapped):.2f} s, painted {statistics.median(painted):.2f} s")
