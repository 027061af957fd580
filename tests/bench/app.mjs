// Benchmark of the real app (issue #17), not a test: nothing here asserts a timing. The release
// Satchel runs under Xvfb, driven through tauri-driver + WebKitWebDriver like the end-to-end tests,
// against garage with a folder of 100,000 keys; the same engine's CLI runs beside it in the same run.
// `make bench-app` runs it inside a D-Bus session with an unlocked gnome-keyring (the connection's
// secret lives there) and writes the table and the method into docs/BENCHMARKS.md.
//
// Usage: node tests/bench/app.mjs [--keys 100000] [--rounds 3] [--plan-files 50000] [--no-report]

import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { paintsWithCpu } from '../e2e/painting.mjs';
import { waitFor } from '../e2e/wait.mjs';
import { grab, screenshot, windowId } from '../e2e/screenshot.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const release = path.join(root, 'target/release');
const appBinary = path.join(release, 'satchel-app');
const bareBinary = path.join(release, 'bare-window');
const cli = path.join(release, 'satchel');
const servers = path.join(release, 'test-servers');
const tauriDriver = process.env.TAURI_DRIVER ?? path.join(root, '.tools/bin/tauri-driver');
const shots = path.join(root, 'target/bench-app');
const report = path.join(root, 'docs/BENCHMARKS.md');
const DRIVER_PORT = 4464;

const { values: opts } = parseArgs({
  options: {
    keys: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    'plan-files': { type: 'string', default: '50000' },
    'no-report': { type: 'boolean', default: false },
    // Comma-separated parts to run (start,list,actions,scroll,search,plan,upload): for working on one.
    only: { type: 'string', default: 'start,list,actions,scroll,search,plan,upload' },
  },
});
const KEYS = Number(opts.keys);
const ROUNDS = Number(opts.rounds);
const PLAN_FILES = Number(opts['plan-files']);
const ONLY = new Set(opts.only.split(','));
const SMALL_FILES = 2_000;
const BIG_BYTES = 1 << 30;

const require = createRequire(path.join(root, 'tests/e2e/package.json'));
const { remote } = await import(require.resolve('webdriverio'));

const children = [];
// Each with what it started (tauri-driver starts WebKitWebDriver): a child spawned `detached`
// leads a process group of its own, killed whole.
process.on('exit', () => children.forEach((c) => {
  try {
    process.kill(-c.pid, 'SIGKILL');
  } catch {
    c.kill('SIGKILL');
  }
}));
// Stopped from outside (Ctrl-C, a timeout), the exit handlers still run.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(1));
const log = (...a) => console.error(...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)];
const mib = (kb) => kb / 1024;

// ---------------------------------------------------------------------------------------------
// Processes: memory as proportional set size (shared pages split between their users), summed
// over a process and everything it started (WebKit's web and network processes).

function procTable() {
  const table = [];
  // Read in-process: a `cat` per process forked this large node process hundreds of times, its page
  // tables copied each time, right before the timed uploads.
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      table.push({ pid: Number(name), ppid, comm });
    } catch {
      // gone meanwhile
    }
  }
  return table;
}

/** `pid` and its descendants, each with its name. */
function processTree(pid) {
  const table = procTable();
  const out = table.filter((p) => p.pid === pid);
  for (let i = 0; i < out.length; i++) out.push(...table.filter((p) => p.ppid === out[i].pid));
  return out;
}

async function pssKb(pid) {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  const m = /^Pss:\s+(\d+) kB/m.exec(text);
  return m ? Number(m[1]) : 0;
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The CPU seconds each of `pids` (by name) uses from now: call the result to read them. */
function cpuFrom(pids) {
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
  return () => Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid) - before[k]]));
}

/** PSS in KiB of each process of the tree, by name (WebKitWebProcess shows as "WebKitWebProces"). */
async function treeMemory(pid) {
  const byName = {};
  for (const p of processTree(pid)) byName[p.comm] = (byName[p.comm] ?? 0) + (await pssKb(p.pid));
  return byName;
}
const total = (byName) => Object.values(byName).reduce((a, b) => a + b, 0);

function findProcess(comm) {
  return procTable().filter((p) => p.comm === comm).map((p) => p.pid).sort((a, b) => b - a)[0] ?? null;
}

// ---------------------------------------------------------------------------------------------
// The X screen: when a window is mapped, and when it is painted (holds an interface, not one flat
// colour). The same method as tests/package/start_time.py.

function colours(id) {
  const r = spawnSync('import', ['-window', id, '-format', '%k', 'info:']);
  return r.status === 0 ? Number(r.stdout.toString()) || 0 : 0;
}

/** Starts `binary` alone (no WebDriver), times it to its window painted, then measures it idle. */
async function startAndIdle(binary, title, env) {
  const started = performance.now();
  const child = spawn(binary, [], { env: { ...process.env, ...env }, stdio: 'ignore' });
  children.push(child);
  let id = null;
  while (!id && performance.now() - started < 30_000) id = windowId(title);
  if (!id) throw new Error(`${title} showed no window within 30 s`);
  const mapped = (performance.now() - started) / 1000;
  while (performance.now() - started < 30_000 && colours(id) < 64) {
    // grabbing takes ~50 ms: that is the poll
  }
  const painted = (performance.now() - started) / 1000;
  await sleep(8_000);
  const memory = await treeMemory(child.pid);
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  await sleep(2_000);
  return { mapped, painted, memory };
}

// ---------------------------------------------------------------------------------------------
// garage and the CLI.

async function startGarage() {
  const child = spawn(servers, ['garage'], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  const line = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      if (buf.includes('\n')) resolve(buf.slice(0, buf.indexOf('\n')));
    });
    child.on('exit', (code) => reject(new Error(`test-servers garage exited with ${code}`)));
  });
  return JSON.parse(line);
}

/** Runs the CLI; resolves with seconds from start to exit, and the time to its first line of output. */
function satchel(args, env, input) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let first = null;
    let err = '';
    const child = spawn(cli, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.on('data', () => (first ??= (performance.now() - started) / 1000));
    child.stderr.on('data', (d) => (err = (err + d).slice(-2000)));
    child.stdin.end(input ?? '');
    child.on('exit', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) reject(new Error(`satchel ${args.join(' ')} failed (${code}): ${err}`));
      else resolve({ seconds, first: first ?? seconds });
    });
  });
}

async function makeFiles(dir, count, bytes) {
  await mkdir(dir, { recursive: true });
  const body = Buffer.alloc(bytes, 120);
  for (let i = 0; i < count; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, count - i) }, (_, j) => writeFile(path.join(dir, `obj-${String(i + j).padStart(6, '0')}.bin`), body)));
  }
}

function xdo(...args) {
  return spawnSync('xdotool', args).status;
}

// ---------------------------------------------------------------------------------------------
// In the window. Each function below runs in the page (WebDriver's execute): times are taken
// there with performance.now(), so WebDriver's own round trips never count.

/** Time from an action to the next frame painted after it: one frame callback, then a task. */
function pageTimeAction(kind, arg) {
  const grid = document.querySelector('[data-testid="object-table"]');
  const actions = {
    sort: () => document.querySelector(`.columnheader[data-column="${arg}"] button.sort`).click(),
    filter: () => {
      const input = document.getElementById('object-filter');
      input.value = arg;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    },
    selectAll: () => {
      grid.focus();
      grid.dispatchEvent(new KeyboardEvent('keydown', { key: 'a', ctrlKey: true, bubbles: true, cancelable: true }));
    },
    clearSelection: () => {
      grid.focus();
      grid.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    },
  };
  const t0 = performance.now();
  actions[kind]();
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0)));
}

/**
 * Runs `start` (a click on a row, a button) until the listing status says `doneText` (or
 * `timeoutMs` passes): the first row matching `firstRow` and everything listed, each at the frame
 * that shows it. With `everyFrame`, also the longest frame meanwhile; that asks for every frame, which
 * the window would not otherwise draw (each costs a composite: in software with no GPU), so the
 * listing's own time is taken without it: the DOM is watched and a frame asked for only once it
 * holds what is awaited.
 */
function pageTimeListing(start, firstRow, doneText, timeoutMs, everyFrame) {
  const status = () => document.querySelector('[data-testid="listing-status"]');
  const begin = {
    open: () => {
      const row = document.querySelector(`[data-testid="object-row"][data-key="${start.key}"]`);
      row.dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
    },
    click: () => document.querySelector(start.selector).click(),
  };
  const isDone = () => {
    const s = status();
    return s?.dataset.state === 'done' && s.textContent.includes(doneText);
  };
  return new Promise((resolve) => {
    const t0 = performance.now();
    let first = null;
    let last = t0;
    let longest = 0;
    let finished = false;
    const finish = (all) => {
      if (finished) return;
      finished = true;
      observer?.disconnect();
      resolve({ first, all, longest, says: status()?.textContent.trim() });
    };
    const tick = (now) => {
      longest = Math.max(longest, now - last);
      last = now;
      if (first === null && document.querySelector(firstRow)) first = now - t0;
      if (first !== null && isDone()) return finish(now - t0);
      if (now - t0 > timeoutMs) return finish(null);
      if (everyFrame) requestAnimationFrame(tick);
    };
    let observer = null;
    if (!everyFrame) {
      let asked = false;
      observer = new MutationObserver(() => {
        const wanted = (first === null && document.querySelector(firstRow)) || isDone();
        if (wanted && !asked) {
          asked = true;
          requestAnimationFrame((now) => {
            asked = false;
            tick(now);
          });
        }
      });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-state'] });
      setTimeout(() => finish(null), timeoutMs);
    }
    begin[start.kind]();
    if (everyFrame) requestAnimationFrame(tick);
  });
}

/** Scrolls the table from top to bottom in `frames` equal jumps, one a frame: each frame's time. */
function pageScroll(frames) {
  const grid = document.querySelector('[data-testid="object-table"]');
  grid.scrollTop = 0;
  const step = (grid.scrollHeight - grid.clientHeight) / frames;
  return new Promise((resolve) => {
    const times = [];
    let last = null;
    let i = 0;
    const tick = (now) => {
      if (last !== null) times.push(now - last);
      last = now;
      if (i === frames) {
        resolve({ times, bottom: grid.scrollTop, rowsShown: document.querySelectorAll('[data-testid="object-row"]').length });
        return;
      }
      i += 1;
      grid.scrollTop = Math.round(i * step);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/** Records every frame's length from now on (window.__frames), until pageFramesStop. */
function pageFramesStart() {
  const w = window;
  w.__frames = [];
  w.__framesOn = true;
  let last = performance.now();
  w.__sheetAt = null;
  const tick = (now) => {
    if (w.__sheetAt === null && document.querySelector('[data-testid="upload-sheet"]')) w.__sheetAt = now;
    w.__frames.push([now, now - last]);
    last = now;
    if (w.__framesOn) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return performance.now();
}
function pageFramesStop(since) {
  window.__framesOn = false;
  const frames = window.__frames.filter(([t]) => t >= since);
  const longest = frames.reduce((a, f) => (f[1] > a[1] ? f : a), [since, 0]);
  // From the frame that first showed the summary sheet (the pick answered) to the plan shown in it.
  const sheet = window.__sheetAt ?? Infinity;
  const planning = frames.filter(([t]) => t > sheet);
  return { frames: frames.length, longest: longest[1], longestEndedAt: longest[0] - since, sheetAt: sheet - since, planningFrames: planning.length, longestAfterPick: Math.max(0, ...planning.map(([, d]) => d)) };
}

/** Clicks Start in the upload sheet and resolves when the batch is done, in seconds. */
function pageTimeUpload(timeoutMs) {
  return new Promise((resolve) => {
    // Done: one more finished batch in the open panel, or (panel closed) the status bar's progress
    // gone again after it showed.
    const doneCount = () => document.querySelectorAll('[data-testid="batch"][data-state="done"]').length;
    const before = doneCount();
    let running = false;
    const ended = () => {
      const bar = document.querySelector('[data-testid="transfer-progress"]') !== null;
      running ||= bar;
      return doneCount() > before || (running && !bar);
    };
    const t0 = performance.now();
    const timer = setTimeout(() => {
      observer.disconnect();
      resolve({ seconds: null, states: [...document.querySelectorAll('[data-testid="batch"]')].map((b) => b.dataset.state) });
    }, timeoutMs);
    // What animates a second in (a transition restarted by every progress update once cost a core).
    setTimeout(() => {
      window.__anims = document.getAnimations().map((a) => {
        const t = a.effect?.target;
        return `${a.animationName ?? a.transitionProperty ?? a.constructor.name} on ${t?.tagName}.${t?.getAttribute?.('class')} in ${t?.closest?.('[data-testid]')?.getAttribute('data-testid')}`;
      });
    }, 1000);
    const observer = new MutationObserver(() => {
      if (ended()) {
        const seconds = (performance.now() - t0) / 1000;
        observer.disconnect();
        clearTimeout(timer);
        resolve({ seconds, animating: window.__anims });
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
    document.querySelector('[data-testid="upload-start"]').click();
  });
}

// ---------------------------------------------------------------------------------------------

async function main() {
  for (const [what, p] of [['release app', appBinary], ['bare window', bareBinary], ['release CLI', cli], ['test-servers', servers], ['tauri-driver', tauriDriver]]) {
    if (!existsSync(p)) throw new Error(`${what} not found at ${p}: run \`make bench-app\``);
  }
  await mkdir(shots, { recursive: true });
  const home = await mkdtemp(path.join(os.tmpdir(), 'satchel-bench-app-'));
  // Its fixtures take 1.8 GB: a run leaves none behind, whichever way it ends.
  process.on('exit', () => rmSync(home, { recursive: true, force: true }));
  const env = { SATCHEL_CONFIG_DIR: path.join(home, 'config'), SATCHEL_DATA_DIR: path.join(home, 'data') };
  const results = { keys: KEYS, rounds: ROUNDS, machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}`.trim() };

  // Start and idle memory first, on a quiet machine: Satchel (its first start sets up the sandbox,
  // so one start is made and thrown away) and the bare window, alternating.
  log('start and idle memory: Satchel and a bare Tauri window, alternating ...');
  if (ONLY.has('start')) await startAndIdle(appBinary, 'Satchel', env);
  // Where no GPU render node is, Satchel has WebKit paint with the CPU and not composite
  // (src-tauri/src/painting.rs): the bare window is measured both as Tauri paints by default and
  // painting as Satchel does.
  const cpuPainting = paintsWithCpu() && process.env.WEBKIT_SKIA_ENABLE_CPU_RENDERING === undefined;
  const starts = { satchel: [], bare: [], bareCpu: [], cpuPainting };
  const bareEnv = { ...env, SATCHEL_CONFIG_DIR: undefined };
  for (let r = 0; ONLY.has('start') && r < ROUNDS; r++) {
    starts.satchel.push(await startAndIdle(appBinary, 'Satchel', env));
    starts.bare.push(await startAndIdle(bareBinary, 'Bare window', bareEnv));
    if (cpuPainting) starts.bareCpu.push(await startAndIdle(bareBinary, 'Bare window', { ...bareEnv, WEBKIT_SKIA_ENABLE_CPU_RENDERING: '1', WEBKIT_DISABLE_COMPOSITING_MODE: '1' }));
    log(`  round ${r + 1}: Satchel painted ${starts.satchel.at(-1).painted.toFixed(2)} s, ${mib(total(starts.satchel.at(-1).memory)).toFixed(0)} MiB;` +
      ` bare ${starts.bare.at(-1).painted.toFixed(2)} s, ${mib(total(starts.bare.at(-1).memory)).toFixed(0)} MiB` +
      (cpuPainting ? `; bare painting with the CPU ${starts.bareCpu.at(-1).painted.toFixed(2)} s, ${mib(total(starts.bareCpu.at(-1).memory)).toFixed(0)} MiB` : ''));
  }
  results.start = starts;

  const garage = await startGarage();
  const keyEnv = { ...env };
  await satchel(['connection', 'add', 'Bench', '--endpoint', garage.endpoint, '--region', garage.region, '--path-style',
    '--access-key-id', garage.access_key_id, '--secret-stdin'], keyEnv, garage.secret_access_key);
  const withBench = (args) => [...args, '--connection', 'Bench'];
  await satchel(withBench(['bucket', 'create', 'bench-app-list']), env);
  await satchel(withBench(['bucket', 'create', 'bench-app-up']), env);

  log(`fixtures: ${KEYS.toLocaleString('en-US')} keys in one folder, 1 GiB, ${SMALL_FILES.toLocaleString('en-US')} × 64 KiB, ${PLAN_FILES.toLocaleString('en-US')} files to plan ...`);
  const fixtures = path.join(home, 'fixtures');
  await makeFiles(path.join(fixtures, 'flat'), KEYS, 64);
  await satchel(withBench(['cp', '--recursive', path.join(fixtures, 'flat'), 's3://bench-app-list/flat/']), env);
  const big = path.join(fixtures, 'big.bin');
  spawnSync('head', ['-c', String(BIG_BYTES), '/dev/urandom'], { stdio: ['ignore', (await import('node:fs')).openSync(big, 'w'), 'inherit'] });
  await makeFiles(path.join(fixtures, 'small'), SMALL_FILES, 64 * 1024);
  await makeFiles(path.join(fixtures, 'plan'), PLAN_FILES, 16);
  spawnSync('sync');

  // The CLI's listing of the same folder, best of the rounds.
  const cliList = [];
  for (let r = 0; r < ROUNDS; r++) {
    const garageCpu = cpuFrom({ garage: findProcess('garage') });
    const ls = await satchel(withBench(['ls', 's3://bench-app-list/flat/']), env);
    cliList.push({ ...ls, garageCpu: garageCpu().garage });
  }
  results.cliList = cliList;
  log(`  satchel ls: ${cliList.map((x) => `${x.seconds.toFixed(2)} s (garage CPU ${x.garageCpu.toFixed(2)} s)`).join(', ')}`);

  const driver = spawn(tauriDriver, ['--port', String(DRIVER_PORT), '--native-port', String(DRIVER_PORT + 1)], { env: { ...process.env, ...env }, stdio: 'ignore', detached: true });
  children.push(driver);
  await waitFor('tauri-driver', async () => (await fetch(`http://127.0.0.1:${DRIVER_PORT}/status`)).ok);
  const b = await remote({
    hostname: '127.0.0.1', port: DRIVER_PORT, logLevel: 'error',
    capabilities: { 'tauri:options': { application: appBinary }, 'wdio:enforceWebDriverClassic': true },
  });
  await b.setTimeout({ script: 300_000 });
  const $ = (sel) => b.$(sel);
  const webProcess = () => {
    const app = findProcess('satchel-app');
    return processTree(app).find((p) => p.comm.startsWith('WebKitWebProces'))?.pid;
  };

  try {
    await (await $('[data-testid="connection"][data-name="Bench"]')).waitForDisplayed({ timeout: 20_000 });
    await (await $('[data-testid="connection"][data-name="Bench"]')).click();
    await (await $('[data-testid="bucket"][data-name="bench-app-list"]')).waitForDisplayed({ timeout: 20_000 });
    await (await $('[data-testid="bucket"][data-name="bench-app-list"]')).click();
    const flatRow = await $('[data-testid="object-row"][data-key="flat/"]');
    await flatRow.waitForDisplayed({ timeout: 20_000 });

    // Listing 100,000 keys, each round from the bucket's root; memory before and after.
    const doneText = `${KEYS.toLocaleString('en-US')} items`;
    results.list = [];
    for (let r = 0; r < (ONLY.has('list') ? ROUNDS : ONLY.has('actions') || ONLY.has('scroll') ? 1 : 0); r++) {
      await (await $('[data-testid="breadcrumb"][data-prefix=""]')).click();
      await flatRow.waitForDisplayed({ timeout: 20_000 });
      await sleep(3_000);
      const web = webProcess();
      const before = { web: await pssKb(web), app: total(await treeMemory(findProcess('satchel-app'))) };
      // Where the listing's CPU goes: the engine (and the window's IPC) in satchel-app, the page in
      // the web process, the server.
      const listingCpu = cpuFrom({ app: findProcess('satchel-app'), web, garage: findProcess('garage') });
      const timing = await b.execute(pageTimeListing, { kind: 'open', key: 'flat/' }, '[data-testid="object-row"][data-key^="flat/obj-"]', doneText, 120_000, false);
      timing.cpu = listingCpu();
      const stillCpu = cpuFrom({ webAfter: web });
      await sleep(3_000);
      Object.assign(timing.cpu, stillCpu());
      const after = { web: await pssKb(web), app: total(await treeMemory(findProcess('satchel-app'))) };
      results.list.push({ ...timing, before, after });
      log(`  round ${r + 1}: first row ${timing.first?.toFixed(0)} ms, all ${timing.all?.toFixed(0)} ms (${timing.says}); web process +${mib(after.web - before.web).toFixed(1)} MiB; CPU s: ${Object.entries(timing.cpu).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
    }
    if (results.list.length) await screenshot(b, path.join(shots, 'listed.png'));

    // Sorting, filtering and selecting at 100,000 rows: each to the next painted frame.
    const actions = [['sort by size', 'sort', 'size'], ['sort by name again', 'sort', 'name'], ['filter by name', 'filter', 'obj-0123'],
      ['clear the filter', 'filter', ''], ['select all', 'selectAll'], ['clear the selection', 'clearSelection']];
    results.actions = {};
    for (let r = 0; ONLY.has('actions') && r < ROUNDS; r++) {
      for (const [label, kind, arg] of actions) {
        (results.actions[label] ??= []).push(await b.execute(pageTimeAction, kind, arg ?? null));
        await sleep(300);
      }
    }
    log(`  actions: ${Object.entries(results.actions).map(([k, v]) => `${k} ${median(v).toFixed(0)} ms`).join(', ')}`);

    // Scrolling: 120 frames from the first row to the last, twice.
    results.scroll = [];
    for (let r = 0; ONLY.has('scroll') && r < ROUNDS; r++) {
      const s = await b.execute(pageScroll, 120);
      results.scroll.push(...s.times);
      log(`  scroll round ${r + 1}: median ${median(s.times).toFixed(1)} ms, p95 ${quantile(s.times, 0.95).toFixed(1)} ms a frame (${s.rowsShown} rows in the DOM)`);
      await sleep(500);
    }

    // Search below the bucket's root: every key, recursively, while frames are watched.
    results.search = [];
    for (let r = 0; ONLY.has('search') && r < ROUNDS; r++) {
      await (await $('[data-testid="breadcrumb"][data-prefix=""]')).click();
      await flatRow.waitForDisplayed({ timeout: 20_000 });
      await sleep(1_000);
      const timing = await b.execute(pageTimeListing, { kind: 'click', selector: '[data-testid="action-search"]' }, '[data-testid="object-row"][data-key^="flat/obj-"]', doneText, 120_000, true);
      results.search.push(timing);
      log(`  search round ${r + 1}: all ${timing.all?.toFixed(0)} ms, longest frame ${timing.longest.toFixed(0)} ms`);
      await (await $('[data-testid="search-close"]')).click();
    }

    // Uploads, through the window's own path: the picker (driven with xdotool), the plan in the
    // summary sheet, Start; the batch is timed from Start to done. `satchel cp` alternates with it.
    await (await $('[data-testid="connection"][data-name="Bench"]')).click();
    await (await $('[data-testid="bucket"][data-name="bench-app-up"]')).waitForDisplayed({ timeout: 20_000 });
    await (await $('[data-testid="bucket"][data-name="bench-app-up"]')).click();
    await (await $('[data-testid="action-upload"]')).waitForDisplayed({ timeout: 20_000 });

    async function pick(button, title, where) {
      const folder = button === 'action-upload-folder';
      await (await $(`[data-testid="${button}"]`)).click();
      await waitFor(`the “${title}” dialog`, () => windowId(title) !== null, 20_000);
      await sleep(500);
      xdo('windowfocus', '--sync', windowId(title));
      // Out of "Recent" first (Alt+Home: the home folder): there a typed folder can't be chosen.
      if (folder) {
        xdo('key', 'alt+Home');
        await sleep(500);
      }
      // A folder is chosen with its path typed and Open clicked. Taken into the folder instead
      // (its path and Return), GTK would list and sort its 50,000 names on the main thread the
      // window draws from, and go on after the pick until the dialog is gone: a frame of 115-212 ms,
      // GTK's, not Satchel's. (Without a trailing "/", GTK's completion doesn't read the folder.)
      xdo('key', 'ctrl+l');
      await sleep(300);
      xdo('type', '--delay', '10', where);
      await sleep(500);
      if (folder) {
        const id = windowId(title);
        const g = Object.fromEntries(spawnSync('xdotool', ['getwindowgeometry', '--shell', id]).stdout.toString().trim().split('\n').map((l) => l.split('=')));
        // Open, at the dialog's bottom right.
        xdo('mousemove', '--window', id, String(Number(g.WIDTH) - 45), String(Number(g.HEIGHT) - 24), 'click', '1');
      } else {
        xdo('key', 'Return');
      }
      await waitFor(`the “${title}” dialog to close`, () => windowId(title) === null, 20_000).catch(async (e) => {
        try {
          grab('root', path.join(shots, 'FAILED-dialog.png'));
        } catch {
          // a picture for debugging only
        }
        throw e;
      });
    }
    async function planned() {
      await (await $('[data-testid="upload-start"]')).waitForEnabled({ timeout: 600_000 });
    }

    // A plan of 50,000 files: the longest frame from the pick to the summary.
    if (ONLY.has('plan')) {
      const since = await b.execute(pageFramesStart);
      await pick('action-upload-folder', 'Upload a folder', path.join(fixtures, 'plan'));
      const picked = await b.execute(() => performance.now());
      await planned();
      const planMs = (await b.execute(() => performance.now())) - picked;
      // Frames from the click on "Upload folder", the native dialog included (GTK lists the 50,000
      // files of the folder the dialog is taken into, on the main thread the window draws from), and
      // from the pick on: what Satchel's hold and plan cost the window.
      const frames = await b.execute(pageFramesStop, since);
      results.plan = { files: PLAN_FILES, ms: planMs, ...frames };
      await screenshot(b, path.join(shots, 'plan.png'));
      log(`  plan of ${PLAN_FILES.toLocaleString('en-US')} files: ${planMs.toFixed(0)} ms after the pick, longest frame ${frames.longestAfterPick.toFixed(0)} ms over the ${frames.planningFrames} frames from the sheet to its plan, ${frames.longest.toFixed(0)} ms from the click (ending at ${frames.longestEndedAt.toFixed(0)} ms; the sheet showed at ${frames.sheetAt.toFixed(0)} ms)`);
      await (await $('[data-testid="upload-cancel"]')).click();
    }

    // The transfers panel open: the batch's progress is drawn as it runs, as a user watching sees it.
    const panel = await $('[data-testid="transfer-status"]');
    if ((await panel.getAttribute('aria-expanded')) !== 'true' && !process.env.BENCH_PANEL_CLOSED) await panel.click();
    results.upload = { big: { app: [], cli: [] }, small: { app: [], cli: [] } };
    // garage's first large writes are slower than the rest: one of each, untimed, before the rounds.
    if (ONLY.has('upload')) {
      await satchel(withBench(['cp', big, 's3://bench-app-up/warm/big.bin']), env);
      await satchel(withBench(['cp', '--recursive', path.join(fixtures, 'small'), 's3://bench-app-up/warm/small/']), env);
      await satchel(withBench(['rm', '--recursive', 's3://bench-app-up/']), env);
    }
    for (let r = 0; ONLY.has('upload') && r < ROUNDS; r++) {
      for (const [name, button, title, what, cliArgs] of [
        ['big', 'action-upload', 'Upload files', big, ['cp', big, 's3://bench-app-up/cli/big.bin']],
        ['small', 'action-upload-folder', 'Upload a folder', path.join(fixtures, 'small'), ['cp', '--recursive', path.join(fixtures, 'small'), 's3://bench-app-up/cli/small/']],
      ]) {
        const viaCli = async () => {
          spawnSync('sync');
          const garageCpu = cpuFrom({ garage: findProcess('garage') });
          const c = await satchel(withBench(cliArgs), env);
          (results.upload[name].cliCpu ??= []).push(garageCpu());
          results.upload[name].cli.push(c.seconds);
          await satchel(withBench(['rm', '--recursive', 's3://bench-app-up/']), env);
          return c;
        };
        // The order alternates from round to round, so neither side always follows the other.
        const c1 = r % 2 === 1 ? await viaCli() : null;
        spawnSync('sync');
        await pick(button, title, what);
        await planned();
        await sleep(500);
        const uploadCpu = cpuFrom({ app: findProcess('satchel-app'), web: webProcess(), garage: findProcess('garage') });
        const app = await b.execute(pageTimeUpload, 600_000);
        if (app.seconds === null) throw new Error(`the app's upload did not finish: ${JSON.stringify(app.states)}`);
        const cpu = uploadCpu();
        (results.upload[name].appCpu ??= []).push(cpu);
        (results.upload[name].animating ??= []).push(app.animating);
        results.upload[name].app.push(app.seconds);
        await satchel(withBench(['rm', '--recursive', 's3://bench-app-up/']), env);
        const c = c1 ?? (await viaCli());
        log(`  upload ${name} round ${r + 1}: app ${app.seconds.toFixed(2)} s (CPU s: ${Object.entries(cpu).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}), satchel cp ${c.seconds.toFixed(2)} s (CPU s: garage ${results.upload[name].cliCpu.at(-1).garage.toFixed(2)})`);
      }
    }
    await screenshot(b, path.join(shots, 'uploaded.png'));
  } catch (e) {
    await screenshot(b, path.join(shots, 'FAILED.png')).catch(() => {});
    throw e;
  } finally {
    await b.deleteSession().catch(() => {});
  }

  await writeFile(path.join(shots, 'results.json'), JSON.stringify(results, null, 1));
  const markdown = table(results);
  console.log(markdown);
  if (!opts['no-report']) await writeReport(markdown);
}

function table(r) {
  const s = (xs) => `${median(xs).toFixed(2)} s`;
  const ms = (xs) => `${median(xs).toFixed(0)} ms`;
  const n = r.keys.toLocaleString('en-US');
  const lines = ['| what | the app | beside it | goal |', '|---|---|---|---|'];
  const list = (r.list ?? []).filter((x) => x.all !== null);
  if (list.length) {
    const appAll = list.map((x) => x.all / 1000);
    const cliAll = r.cliList.map((x) => x.seconds);
    // The largest growth of the rounds: a later listing may fill heap an earlier one freed and the
    // web process kept, and would then look nearly free.
    const grown = Math.max(...list.map((x) => x.after.web - x.before.web));
    lines.push(
      `| open a folder of ${n} keys: first row | ${ms(list.map((x) => x.first))} | — | < 200 ms |`,
      `| … all listed | ${s(appAll)} | \`satchel ls\` ${s(cliAll)} (**${(median(appAll) / median(cliAll)).toFixed(2)}x**) | <= 1.2x |`,
      `| memory of the rows (web process) | **${((grown * 1024) / r.keys).toFixed(0)} B** a row (+${mib(grown).toFixed(1)} MiB, the largest of ${list.length} rounds) | — | < 400 B |`,
    );
    // What the window costs while it lists, and once it is still: animations composite the whole
    // window each frame, in software where there is no GPU (docs/BENCHMARKS.md).
    if (list[0].cpu) {
      const cpu = (k) => median(list.map((x) => x.cpu[k])).toFixed(2);
      lines.push(
        `| CPU while listing: web process, satchel-app, garage | ${cpu('web')} s, ${cpu('app')} s, ${cpu('garage')} s | \`satchel ls\`: garage ${median(r.cliList.map((x) => x.garageCpu)).toFixed(2)} s | — |`,
        `| CPU of the web process in the 3 s after the listing | ${cpu('webAfter')} s | — | still |`,
      );
    }
  }
  for (const [k, v] of Object.entries(r.actions ?? {})) lines.push(`| ${k}, at ${n} rows | ${ms(v)} (worst ${Math.max(...v).toFixed(0)} ms) | — | < 100 ms |`);
  if (r.scroll?.length) {
    lines.push(`| scroll top to bottom in 120 frames | median ${median(r.scroll).toFixed(1)} ms, p95 **${quantile(r.scroll, 0.95).toFixed(1)} ms** a frame | — | p95 < 20 ms |`);
  }
  if (r.start.satchel.length) {
    const idle = (xs) => median(xs.map((x) => mib(total(x.memory))));
    // The floor painted as Satchel paints here; the default beside it.
    const same = r.start.bareCpu?.length ? r.start.bareCpu : r.start.bare;
    const gap = idle(r.start.satchel) - idle(same);
    const floor = (f) => (r.start.bareCpu?.length
      ? `bare Tauri window painting with the CPU and not compositing, as Satchel does here ${f(r.start.bareCpu)} (as Tauri paints by default, through Mesa's software GL: ${f(r.start.bare)})`
      : `bare Tauri window ${f(r.start.bare)}`);
    lines.push(
      `| memory idle, whole app (PSS) | ${idle(r.start.satchel).toFixed(0)} MiB | ${floor((xs) => `${idle(xs).toFixed(0)} MiB`)} (**${gap >= 0 ? '+' : ''}${gap.toFixed(0)} MiB**) | within 50 MiB |`,
      `| start to window painted (release) | **${s(r.start.satchel.map((x) => x.painted))}** | ${floor((xs) => s(xs.map((x) => x.painted)))} | < 1 s |`,
    );
  }
  const upload = (u) => `${s(u.app)} | \`satchel cp\` ${s(u.cli)} (**${(median(u.app) / median(u.cli)).toFixed(2)}x**)`;
  if (r.upload?.big.app.length) {
    lines.push(
      `| upload 1 GiB, Start to done | ${upload(r.upload.big)} | within 5% |`,
      `| upload ${SMALL_FILES.toLocaleString('en-US')} × 64 KiB, Start to done | ${upload(r.upload.small)} | within 5% |`,
    );
  }
  if (r.search?.length) {
    lines.push(`| search below a prefix of ${n} keys | longest frame **${Math.max(...r.search.map((x) => x.longest)).toFixed(0)} ms** (all listed in ${s(r.search.map((x) => x.all / 1000))}) | — | no frame > 100 ms |`);
  }
  if (r.plan) {
    lines.push(`| plan an upload of ${r.plan.files.toLocaleString('en-US')} files | longest frame **${r.plan.longestAfterPick.toFixed(0)} ms** from the pick to the summary; ${r.plan.longest.toFixed(0)} ms counting the native dialog (its path typed, then Open) | — | no frame > 100 ms |`);
  }
  return lines.join('\n');
}

async function writeReport(markdown) {
  const start = '<!-- bench:app -->';
  const end = '<!-- /bench:app -->';
  const body = `${start}\n## The app (\`make bench-app\`)\n\n${method}\n\n${markdown}\n${end}`;
  let text = await readFile(report, 'utf8').catch(() => '# Benchmarks\n');
  text = text.includes(start) && text.includes(end)
    ? text.slice(0, text.indexOf(start)) + body + text.slice(text.indexOf(end) + end.length)
    : `${text.trimEnd()}\n\n${body}\n`;
  await writeFile(report, text);
}

const method = `Measured ${new Date().toISOString().slice(0, 10)}, medians of ${ROUNDS} rounds: the release build
(\`target/release/satchel-app\`, thin LTO) under Xvfb (1400×900, no GPU: the app has WebKitGTK paint
with the CPU there and not composite, since compositing would go through Mesa's software GL; a
desktop with a GPU draws at least as fast), on ${os.cpus().length} cores, against
garage on loopback. Times in the window are taken in the page with \`performance.now()\`: an action
(a click, a key, a character typed in the filter) to the next frame painted after it (a frame
callback, then a task); a listing from the double-click on the folder to the frame that shows its
first row, and to the frame whose status line says every item is listed. Scrolling sets the table's
\`scrollTop\` once a frame, in 120 equal jumps from the first row to the last, and times each frame;
every jump shows rows not drawn before. Memory is the proportional set size (shared pages divided
between the processes sharing them) from \`/proc/PID/smaps_rollup\`, summed over the app and the
processes it starts (WebKit's web and network processes); a row's cost is the web process's growth
between the bucket's root and the same folder fully listed, 3 s after each, divided by the keys
(the largest of the rounds: a later one can reuse heap an earlier one freed). CPU is user plus
system time from \`/proc/PID/stat\`, over the listing and over the 3 s after it: with no GPU every
frame of an animation (a spinner, a native overlay scrollbar fading) is painted by the CPU in the
web process, so what the window burns while nothing changes is a figure of its own.
Idle memory and start time come from a start without WebDriver, 8 s after the window is painted;
"painted" is the window grabbed every ~50 ms until it holds at least 64 colours (the method of
\`tests/package/start_time.py\`). The bare window is \`tests/bench/bare-window\`: Tauri ${'2.12.5'} with
one static page, built in the same profile. Since 789e160 the app's startup code is laid out
together (\`make startup-order\`, docs/ARCHITECTURE.md): idle, its binary's code held 24 MiB in
memory before and 6 MiB after, a run of this benchmark +58 MiB over the bare window before, +41
after. Uploads go through the window's own path (the native
picker, driven with xdotool; the plan in the summary sheet; Start) and are timed from Start to the
batch done; \`satchel cp\` of the same files alternates with them, each timed from process start to exit. The transfers
panel is open, so the batch's progress is drawn as it runs (up to 10 updates a second; until 4a92fa0 an
upload sent progress only as each file ended, so a single large file drew none).`;

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
