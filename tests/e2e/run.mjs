// End-to-end tests of the real Satchel app: tauri-driver + WebKitWebDriver drive the debug binary
// (built with the UI embedded) under Xvfb, against a moto server started here. `make test-e2e`
// runs this inside a D-Bus session with an unlocked gnome-keyring, so secrets go to a real keychain.
//
// Screenshots of every step land in target/e2e/ (a failing step's is named FAILED-...).

import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { remote } from 'webdriverio';
import { composites, paintsWithCpu } from './painting.mjs';
import { waitFor } from './wait.mjs';
import { grab, screenshot } from './screenshot.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const appBinary = path.join(root, 'target/debug/satchel-app');
const tauriDriver = process.env.TAURI_DRIVER ?? path.join(root, '.tools/bin/tauri-driver');
const motoServer = path.join(root, '.venv/bin/moto_server');
const cli = path.join(root, 'target/debug/satchel');
const shots = path.join(root, 'target/e2e');
const WAIT = 20_000;
// axe-core, injected into the real window to audit each main screen.
const axeSource = await readFile(path.join(import.meta.dirname, 'node_modules/axe-core/axe.min.js'), 'utf8');
/** Screens audited, with what axe found there (serious and critical only). */
const audited = [];
/** Where notifications.py writes each desktop notification it receives. */
let notificationsFile;

const children = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function start(cmd, args, env) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  child.on('exit', (code) => {
    if (code && !child.killedOnPurpose) console.error(`${path.basename(cmd)} exited with ${code}:\n${stderr}`);
  });
  children.push(child);
  return child;
}

async function startMoto() {
  const port = await freePort();
  start(motoServer, ['-H', '127.0.0.1', '-p', String(port)]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('moto', async () => (await fetch(url)).ok);
  return url;
}

async function startDriver(env) {
  const driver = start(tauriDriver, ['--port', '4444'], env);
  await waitFor('tauri-driver', async () => (await fetch('http://127.0.0.1:4444/status')).ok);
  return driver;
}

async function openApp() {
  return remote({
    hostname: '127.0.0.1',
    port: 4444,
    logLevel: 'error',
    capabilities: {
      'tauri:options': { application: appBinary },
      // WebKitWebDriver speaks classic WebDriver only.
      'wdio:enforceWebDriverClassic': true,
    },
  });
}

/** Runs xdotool: its exit code and what it printed. */
const xdo = (...args) => new Promise((resolve) => {
  let out = '';
  const p = spawn('xdotool', args, { stdio: ['ignore', 'pipe', 'ignore'] });
  p.stdout.on('data', (d) => (out += d));
  p.on('exit', (code) => resolve({ code, out }));
});

/** Whether a native window titled `title` is up. */
const dialogOpen = async (title) => (await xdo('search', '--onlyvisible', '--name', title)).code === 0;

/** Waits for the native dialog titled `title` and gives its window id. */
async function nativeDialog(title) {
  await waitFor(`the “${title}” dialog`, () => dialogOpen(title), 20_000);
  await new Promise((r) => setTimeout(r, 500));
  return (await xdo('search', '--onlyvisible', '--name', title)).out.trim().split('\n')[0];
}

/**
 * Accepts the native GTK folder dialog titled `title` (opened by Rust with rfd) on the folder it
 * opened in: a click on Open, at the dialog's bottom-right corner. The window is not the webview's,
 * so xdotool drives it.
 */
async function acceptFolderDialog(title) {
  const id = await nativeDialog(title);
  const geometry = Object.fromEntries(
    (await xdo('getwindowgeometry', '--shell', id)).out.trim().split('\n').map((l) => l.split('=')),
  );
  await xdo('windowactivate', '--sync', id);
  await xdo('mousemove', '--window', id, String(Number(geometry.WIDTH) - 45), String(Number(geometry.HEIGHT) - 24), 'click', '1');
  await waitFor(`the “${title}” dialog to close`, async () => !(await dialogOpen(title)), 10_000).catch(async (e) => {
    await grabScreen('dialog-still-open');
    throw e;
  });
}

/**
 * Chooses the first folder inside the user's Downloads in the native GTK folder dialog titled
 * `title`: Downloads in its sidebar, the folder's row, then Open. (Typing a path races GTK's
 * completion.) Positions are the dialog's own layout under Xvfb.
 */
async function chooseInDownloads(title) {
  const id = await nativeDialog(title);
  await xdo('windowactivate', '--sync', id);
  await xdo('mousemove', '--window', id, '70', '135', 'click', '1');
  await new Promise((r) => setTimeout(r, 800));
  // The first row, under the path bar and the column headers.
  await xdo('mousemove', '--window', id, '260', '83', 'click', '1');
  await new Promise((r) => setTimeout(r, 500));
  await acceptFolderDialog(title);
}

/** The whole X screen, native dialogs included (WebDriver sees only the webview). */
async function grabScreen(name) {
  try {
    grab('root', path.join(shots, `screen-${name}.png`));
  } catch {
    // a picture for debugging only: the failure it goes with is what counts
  }
}

/**
 * Runs axe-core on the window as it is now and fails on any serious or critical violation, naming
 * the rule and the first elements it found.
 */
async function audit(screen) {
  // Colours are judged as they end: a focus or fade transition half-way reads as low contrast. One
  // still running after 5 s means the window stopped drawing (as it did while Mesa's software GL
  // compiled its shaders for the first time), which the report says rather than blaming colours.
  const stalled = await browser
    .waitUntil(() => browser.execute(() => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity)), {
      timeout: 5_000,
    })
    .then(() => false, () => true);
  if (!(await browser.execute(() => typeof window.axe !== 'undefined'))) await browser.execute(axeSource);
  const found = await browser.executeAsync((done) => {
    window.axe
      .run(document, { resultTypes: ['violations'] })
      .then((r) => done(r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }))))
      .catch((e) => done([{ id: 'axe-failed', impact: 'critical', help: String(e), nodes: [] }]));
  });
  audited.push({ screen, violations: found.length });
  const still = stalled ? ' (an animation was still running after 5 s: the window had stopped drawing)' : '';
  assert.deepEqual(found, [], `accessibility of ${screen}${still}: ${JSON.stringify(found, null, 1)}`);
}

// ---- helpers over the UI's stable test hooks ----
const byTestId = (b, id) => b.$(`[data-testid="${id}"]`);
const connectionRow = (b, name) => b.$(`[data-testid="connection"][data-name="${name}"]`);
const bucketRow = (b, name) => b.$(`[data-testid="bucket"][data-name="${name}"]`);

async function fill(b, id, value) {
  const el = await b.$(`#${id}`);
  await el.waitForDisplayed({ timeout: WAIT });
  await el.clearValue();
  if (value !== '') await el.setValue(value);
}

async function choose(b, id) {
  const el = await b.$(`#${id}`);
  if (!(await el.isSelected())) await el.click();
}

async function setChecked(b, id, wanted) {
  const el = await b.$(`#${id}`);
  if ((await el.isSelected()) !== wanted) await el.click();
}

async function outcome(b, testId) {
  const el = await byTestId(b, testId);
  await b.waitUntil(async () => {
    if (!(await el.isExisting())) return false;
    const o = await el.getAttribute('data-outcome');
    return o && o !== 'pending';
  }, { timeout: WAIT, timeoutMsg: `no ${testId}` });
  return { code: await el.getAttribute('data-outcome'), text: await el.getText() };
}

async function openNewConnectionForm(b) {
  await (await byTestId(b, 'add-connection')).click();
  await (await byTestId(b, 'connection-form')).waitForDisplayed({ timeout: WAIT });
}

async function fillKeysConnection(b, { name, url, region, key, secret }) {
  await fill(b, 'conn-name', name);
  await choose(b, 'conn-storage-custom');
  await fill(b, 'conn-url', url);
  await fill(b, 'conn-region', region);
  await setChecked(b, 'conn-path-style', true);
  await choose(b, 'conn-cred-keys');
  await fill(b, 'conn-access-key', key);
  await fill(b, 'conn-secret', secret);
}

// ---- the run ----
const results = [];
let browser;

async function step(name, body) {
  const slug = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  const started = Date.now();
  try {
    await body();
    await screenshot(browser, path.join(shots, `${String(results.length + 1).padStart(2, '0')}-${slug}.png`));
    results.push({ name, ok: true, ms: Date.now() - started });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}\n     ${e.stack ?? e}`);
    try {
      await screenshot(browser, path.join(shots, `FAILED-${slug}.png`));
    } catch {
      // the session may be gone
    }
  }
}

async function main() {
  for (const [what, p] of [['app binary', appBinary], ['tauri-driver', tauriDriver], ['moto_server', motoServer], ['satchel CLI', cli]]) {
    if (!existsSync(p)) throw new Error(`${what} not found at ${p}: run \`make test-deps app\``);
  }
  await mkdir(shots, { recursive: true });
  const moto = await startMoto();
  // moto checks no signatures, so the fixtures are made with plain requests.
  assert.equal((await fetch(`${moto}/e2e-reports`, { method: 'PUT' })).status, 200);
  for (const key of ['2024/q1.csv', '2024/q2.csv', '2024/q3.csv', '2024/sub/x.txt', 'readme.txt']) {
    assert.equal((await fetch(`${moto}/e2e-reports/${key}`, { method: 'PUT', body: `contents of ${key}\n` })).status, 200);
  }
  // A folder of more than a thousand, to see counts written as people read them.
  assert.equal((await fetch(`${moto}/e2e-many`, { method: 'PUT' })).status, 200);
  for (let i = 0; i < 1_200; i += 100) {
    await Promise.all(Array.from({ length: 100 }, (_, j) => fetch(`${moto}/e2e-many/k${String(i + j).padStart(4, '0')}`, { method: 'PUT', body: 'x' })));
  }

  const home = await mkdtemp(path.join(os.tmpdir(), 'satchel-e2e-'));
  // The desktop's notification server on this D-Bus session: what the app shows lands here.
  notificationsFile = path.join(home, 'notifications.jsonl');
  await writeFile(notificationsFile, '');
  const notifier = spawn(path.join(root, '.venv/bin/python'), [path.join(import.meta.dirname, 'notifications.py'), notificationsFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(notifier);
  await new Promise((resolve, reject) => {
    notifier.stdout.once('data', resolve);
    notifier.once('exit', (code) => reject(new Error(`notifications.py exited with ${code}`)));
  });
  // The user's Downloads folder, where the download dialog opens.
  const downloads = path.join(home, 'Downloads');
  await mkdir(path.join(home, 'xdg'), { recursive: true });
  await writeFile(path.join(home, 'xdg', 'user-dirs.dirs'), `XDG_DOWNLOAD_DIR="${downloads}"\n`);
  const env = {
    SATCHEL_CONFIG_DIR: path.join(home, 'config'),
    SATCHEL_DATA_DIR: path.join(home, 'data'),
    XDG_CONFIG_HOME: path.join(home, 'xdg'),
  };
  const secret = 'e2e-secret-that-must-stay-in-the-keychain';
  let driver = await startDriver(env);
  browser = await openApp();

  await step('a fresh start opens on the local sandbox', async () => {
    const row = await connectionRow(browser, 'Local sandbox');
    await row.waitForDisplayed({ timeout: WAIT });
    await browser.waitUntil(async () => (await row.getAttribute('aria-selected')) === 'true', { timeout: WAIT });
    const location = await byTestId(browser, 'location');
    await browser.waitUntil(async () => /sandbox/i.test(await location.getProperty('textContent')), {
      timeout: WAIT, timeoutMsg: 'the header never said it is the sandbox',
    });
    await (await byTestId(browser, 'test-selected')).click();
    const r = await outcome(browser, 'test-selected-result');
    assert.equal(r.code, 'ok', r.text);
    await audit('the start (the sandbox, no buckets)');
  });

  await step('a second launch hands over to the open window and exits', async () => {
    // Same settings folder, same session bus: the plugin finds the first instance.
    const second = spawn(appBinary, [], { env: { ...process.env, ...env }, stdio: 'ignore' });
    const code = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => { second.kill('SIGKILL'); reject(new Error('the second launch kept running')); }, 30_000);
      second.on('exit', (c) => { clearTimeout(timer); resolve(c); });
    });
    assert.equal(code, 0);
    const logs = path.join(env.SATCHEL_DATA_DIR, 'logs');
    await waitFor('the handover in the first window\'s log', async () => {
      for (const f of await readdir(logs)) {
        if ((await readFile(path.join(logs, f), 'utf8')).includes('a second launch was handed to this window')) return true;
      }
      return false;
    }, 10_000);
    assert.ok(await (await byTestId(browser, 'location')).isDisplayed(), 'the first window still answers');
  });

  await step('with no GPU to draw with, the window paints with the CPU', async () => {
    // Under Xvfb with no render node, Mesa's GL is software: painting through it stalled the window
    // while shaders compiled, and compositing through it took CPU from transfers
    // (src-tauri/src/painting.rs). The app's log says which way it paints.
    const expected = !paintsWithCpu() ? 'paints with the GPU' : composites() ? 'paints with the CPU and composites' : 'paints with the CPU, without compositing';
    const logs = path.join(env.SATCHEL_DATA_DIR, 'logs');
    const text = (await Promise.all((await readdir(logs)).map((f) => readFile(path.join(logs, f), 'utf8')))).join('');
    assert.ok(text.includes(`the window ${expected}`), `the log says the window ${expected}`);
  });

  await step('the connection form refuses bad input before any request', async () => {
    await openNewConnectionForm(browser);
    await fill(browser, 'conn-name', 'Broken');
    await choose(browser, 'conn-storage-custom');
    await fill(browser, 'conn-url', 'ftp://example.com');
    await (await byTestId(browser, 'conn-save')).click();
    const err = await browser.$('[data-testid="field-error"][data-field="url"]');
    await err.waitForDisplayed({ timeout: WAIT });
    assert.match(await err.getText(), /http/i);
    assert.ok(await (await byTestId(browser, 'connection-form')).isDisplayed(), 'the form stays open');
    await audit('the connection form, with an error');
  });

  await step('an endpoint where nothing listens is reported as unreachable', async () => {
    const closed = await freePort();
    await fillKeysConnection(browser, {
      name: 'Nowhere', url: `http://127.0.0.1:${closed}`, region: 'us-east-1', key: 'AKIAE2EEXAMPLE', secret,
    });
    await (await byTestId(browser, 'conn-test')).click();
    const r = await outcome(browser, 'conn-test-result');
    assert.equal(r.code, 'unreachable', r.text);
    assert.ok(!r.text.includes(secret));
  });

  await step('adding a moto connection saves it and lists its buckets', async () => {
    await fillKeysConnection(browser, {
      name: 'Moto', url: moto, region: 'us-east-1', key: 'AKIAE2EEXAMPLE', secret,
    });
    await (await byTestId(browser, 'conn-test')).click();
    const r = await outcome(browser, 'conn-test-result');
    assert.equal(r.code, 'ok', r.text);
    await (await byTestId(browser, 'conn-save')).click();
    await (await byTestId(browser, 'connection-form')).waitForDisplayed({ reverse: true, timeout: WAIT });
    await (await connectionRow(browser, 'Moto')).waitForDisplayed({ timeout: WAIT });
    await (await bucketRow(browser, 'e2e-reports')).waitForDisplayed({ timeout: WAIT });
  });

  await step('accessibility: the bucket list', async () => {
    await audit('the bucket list');
  });

  await step('a folder of 1,200 objects is counted as people write numbers', async () => {
    await (await bucketRow(browser, 'e2e-many')).click();
    const status = await byTestId(browser, 'listing-status');
    await browser.waitUntil(async () => (await status.getAttribute('data-state')) === 'done', { timeout: WAIT, timeoutMsg: 'the listing never finished' });
    assert.match(await status.getProperty('textContent'), /1,200 items/);
    await (await connectionRow(browser, 'Moto')).click();
  });

  await step('the secret is in no file, only in the keychain', async () => {
    const config = await readFile(path.join(env.SATCHEL_CONFIG_DIR, 'connections.json'), 'utf8');
    assert.match(config, /"Moto"/);
    assert.match(config, /AKIAE2EEXAMPLE/);
    assert.ok(!config.includes(secret), 'secret written to the config file');
  });

  // Made by the CLI while the app is closed, resumed by the app after its restart.
  // Big enough (20 parts, one at a time) that the interrupt lands mid-upload.
  const bigBody = Buffer.alloc(100 * 1024 * 1024, 0);
  for (let i = 0; i < bigBody.length; i += 4096) bigBody.writeUInt32LE(i, i);
  await step('the CLI pauses an upload on Ctrl-C and leaves it to resume', async () => {
    const file = path.join(home, 'big.bin');
    await writeFile(file, bigBody);
    const child = spawn(cli, ['--connection', 'Moto', 'cp', file, 's3://e2e-reports/big.bin', '--part-size', '5M', '--concurrency', '1'],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise((r) => child.on('exit', (code) => r(code)));
    // As soon as the multipart upload exists on moto, interrupt as a user at a terminal would.
    await waitFor('the multipart upload', async () => (await (await fetch(`${moto}/e2e-reports?uploads`)).text()).includes('<Key>big.bin</Key>'), WAIT, 10);
    child.kill('SIGINT');
    const code = await exited;
    assert.notEqual(code, 0, stderr);
    assert.match(stderr, /run the same command again to resume/, stderr);
  });

  await step('after a restart the connection is back, selected, and works from the keychain', async () => {
    await browser.deleteSession();
    driver.killedOnPurpose = true;
    driver.kill();
    await new Promise((r) => setTimeout(r, 500));
    driver = await startDriver(env);
    browser = await openApp();
    const row = await connectionRow(browser, 'Moto');
    await row.waitForDisplayed({ timeout: WAIT });
    await browser.waitUntil(async () => (await row.getAttribute('aria-selected')) === 'true', { timeout: WAIT });
    await (await byTestId(browser, 'test-selected')).click();
    const r = await outcome(browser, 'test-selected-result');
    assert.equal(r.code, 'ok', r.text);
  });

  await step('the app offers the interrupted upload and resumes it', async () => {
    const banner = await byTestId(browser, 'interrupted-banner');
    await banner.waitForDisplayed({ timeout: WAIT });
    assert.match(await banner.getText(), /1 upload was interrupted/);
    await (await byTestId(browser, 'interrupted-resume')).click();
    const start = await byTestId(browser, 'upload-start');
    await start.waitForDisplayed({ timeout: WAIT });
    await browser.waitUntil(async () => (await start.getAttribute('aria-disabled')) !== 'true' && (await start.isEnabled()),
      { timeout: WAIT, timeoutMsg: 'Start never became available' });
    await start.click();
    await waitFor('the completed object', async () => {
      const xml = await (await fetch(`${moto}/e2e-reports?list-type=2&prefix=big.bin`)).text();
      return xml.includes('<Key>big.bin</Key>') && xml.includes(`<Size>${bigBody.length}</Size>`);
    }, WAIT);
    const uploads = await (await fetch(`${moto}/e2e-reports?uploads`)).text();
    assert.ok(!uploads.includes('<Key>big.bin</Key>'), 'no multipart upload is left open');
    // The transfers panel keeps it in the history, with what was resumed.
    if (!(await (await byTestId(browser, 'transfers-panel')).isExisting())) await (await byTestId(browser, 'transfer-status')).click();
    const done = await browser.$('[data-testid="history-entry"], [data-testid="batch-outcome"]');
    await done.waitForDisplayed({ timeout: WAIT });
    assert.match(await done.getText(), /Uploaded 1 file/, await done.getText());
    await (await byTestId(browser, 'interrupted-banner')).waitForExist({ reverse: true, timeout: WAIT });
    await fetch(`${moto}/e2e-reports/big.bin`, { method: 'DELETE' });
  });

  const objectRow = (key) => browser.$(`[data-testid="object-row"][data-key="${key}"]`);
  // Read back what moto holds with a plain listing (moto refuses unsigned GETs of objects).
  const exists = async (key) => {
    const xml = await (await fetch(`${moto}/e2e-reports?list-type=2&prefix=${encodeURIComponent(key)}`)).text();
    return xml.includes(`<Key>${key}</Key>`);
  };

  await step('browse: open a bucket, enter a folder, select two objects and delete them', async () => {
    await (await bucketRow(browser, 'e2e-reports')).click();
    await (await byTestId(browser, 'object-table')).waitForDisplayed({ timeout: WAIT });
    const folder = await objectRow('2024/');
    await folder.waitForDisplayed({ timeout: WAIT });
    await folder.click();
    await browser.keys('Enter');
    await (await objectRow('2024/q1.csv')).waitForDisplayed({ timeout: WAIT });
    await (await objectRow('2024/q1.csv')).click();
    await audit('the objects of a folder, one selected, with its properties');
    await browser.keys(['Shift', 'ArrowDown']);
    await browser.waitUntil(async () => (await (await objectRow('2024/q2.csv')).getAttribute('aria-selected')) === 'true',
      { timeout: WAIT, timeoutMsg: 'shift+down did not extend the selection' });
    await (await byTestId(browser, 'action-delete')).click();
    await (await byTestId(browser, 'confirm')).waitForDisplayed({ timeout: WAIT });
    await audit('the delete confirmation');
    await (await byTestId(browser, 'confirm')).click();
    await (await objectRow('2024/q1.csv')).waitForExist({ reverse: true, timeout: WAIT });
    await (await objectRow('2024/q2.csv')).waitForExist({ reverse: true, timeout: WAIT });
    assert.ok(await (await objectRow('2024/q3.csv')).isExisting(), 'the third object is still listed');
    assert.ok(!(await exists('2024/q1.csv')) && !(await exists('2024/q2.csv')), 'moto no longer has them');
    assert.ok(await exists('2024/q3.csv'));
  });

  await step('rename a folder with nested keys', async () => {
    await browser.keys('Backspace');
    const folder = await objectRow('2024/');
    await folder.waitForDisplayed({ timeout: WAIT });
    await folder.click();
    await (await byTestId(browser, 'action-rename')).click();
    await fill(browser, 'rename-name', '2024-archive');
    await (await byTestId(browser, 'rename-ok')).click();
    await (await objectRow('2024-archive/')).waitForDisplayed({ timeout: WAIT });
    assert.ok(await exists('2024-archive/q3.csv') && await exists('2024-archive/sub/x.txt'), 'nested keys moved');
    assert.ok(!(await exists('2024/q3.csv')), 'old keys gone');
  });

  await step('share: a 1-hour link to the selected object downloads it', async () => {
    const row = await objectRow('readme.txt');
    await row.waitForDisplayed({ timeout: WAIT });
    await row.click();
    await (await byTestId(browser, 'action-share')).click();
    await (await byTestId(browser, 'share-dialog')).waitForDisplayed({ timeout: WAIT });
    await (await byTestId(browser, 'expiry-1h')).click();
    await (await byTestId(browser, 'share-create')).click();
    const urlField = await byTestId(browser, 'share-url');
    await urlField.waitForDisplayed({ timeout: WAIT });
    const url = await urlField.getValue();
    await audit('the share dialog with a link');
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/e2e-reports\/readme\.txt\?.*X-Amz-Expires=3600/);
    const got = await fetch(url);
    assert.equal(got.status, 200);
    assert.equal(await got.text(), 'contents of readme.txt\n');
    await browser.keys('Escape');
  });

  await step('tags: add a tag in the properties panel and see it after a reload', async () => {
    const row = await objectRow('readme.txt');
    await row.click();
    const section = await byTestId(browser, 'tags');
    await section.waitForDisplayed({ timeout: WAIT });
    await (await byTestId(browser, 'tags-edit')).click();
    await (await byTestId(browser, 'tag-add')).click();
    const keys = await browser.$$('[data-testid="tag-key"]');
    const values = await browser.$$('[data-testid="tag-value"]');
    await keys[keys.length - 1].setValue('project');
    await values[values.length - 1].setValue('alpha');
    await (await byTestId(browser, 'tags-save')).click();
    await (await browser.$('[data-testid="tag"][data-key="project"]')).waitForDisplayed({ timeout: WAIT });
    // Reload: list the folder again and select the object afresh.
    await (await byTestId(browser, 'action-refresh')).click();
    await (await objectRow('readme.txt')).waitForDisplayed({ timeout: WAIT });
    await (await objectRow('2024-archive/')).click();
    await (await objectRow('readme.txt')).click();
    const tag = await browser.$('[data-testid="tag"][data-key="project"]');
    await tag.waitForDisplayed({ timeout: WAIT });
    assert.equal(await tag.getAttribute('data-value'), 'alpha');
  });

  await step('a download into a folder that has the file asks once, keeps both, and is filed in the transfers history', async () => {
    const dl = downloads;
    await mkdir(dl, { recursive: true });
    await writeFile(path.join(dl, 'readme.txt'), 'mine\n');
    await (await objectRow('readme.txt')).click();
    await (await byTestId(browser, 'action-download')).click();
    await acceptFolderDialog('Download to');
    const dialog = await byTestId(browser, 'download-conflicts');
    await dialog.waitForDisplayed({ timeout: WAIT });
    await audit('the download conflicts question');
    assert.match(await dialog.getText(), /1 file is already in “Downloads”/);
    await screenshot(browser, path.join(shots, 'download-conflicts.png'));
    await (await byTestId(browser, 'download-conflict-rename')).click();
    // The report line still shows the rename from an earlier step until the download is handed over.
    const report = await byTestId(browser, 'action-report');
    await browser.waitUntil(async () => /Downloading/.test(await report.getText().catch(() => '')), {
      timeout: WAIT, timeoutMsg: 'the download was not handed to the transfers panel',
    });
    assert.match(await report.getText(), /Downloading 1 file .* to “Downloads”/);
    if (!(await (await byTestId(browser, 'transfers-panel')).isExisting())) await (await byTestId(browser, 'transfer-status')).click();
    const entry = await browser.$('[data-testid="history-entry"][data-kind="download"]');
    await entry.waitForDisplayed({ timeout: WAIT });
    assert.match(await entry.getText(), /e2e-reports\/ → Downloads[\s\S]*Downloaded 1 file/);
    assert.equal(await readFile(path.join(dl, 'readme.txt'), 'utf8'), 'mine\n', 'the file already there is untouched');
    assert.equal(await readFile(path.join(dl, 'readme (1).txt'), 'utf8'), 'contents of readme.txt\n');
    assert.equal(await (await byTestId(browser, 'download-status')).isExisting(), false);
    await screenshot(browser, path.join(shots, 'download-history.png'));
    await (await byTestId(browser, 'transfer-status')).click();
  });

  await step('a folder downloads through the transfers panel with its inner paths, and the desktop is told when the window is elsewhere', async () => {
    // Seen from the window, it is in the background and its clock runs 100,000 times fast: this
    // short download is "a long batch that ended while the user was away", and the notification
    // goes out through the plugin to the session's notification server (notifications.py).
    await browser.execute(() => {
      const real = Date.now;
      const from = real();
      window.__realDateNow = real;
      Date.now = () => from + (real() - from) * 100_000;
      document.hasFocus = () => false;
    });
    await (await objectRow('2024-archive/')).click();
    await (await byTestId(browser, 'action-download')).click();
    await acceptFolderDialog('Download to');
    const report = await byTestId(browser, 'action-report');
    await browser.waitUntil(async () => /Downloading 2 files/.test(await report.getText().catch(() => '')), {
      timeout: WAIT, timeoutMsg: 'the folder download was not handed to the transfers panel',
    });
    if (!(await (await byTestId(browser, 'transfers-panel')).isExisting())) await (await byTestId(browser, 'transfer-status')).click();
    await browser.waitUntil(async () => {
      const entries = await browser.$$('[data-testid="history-entry"][data-kind="download"]');
      for (const e of entries) if (/Downloaded 2 files/.test(await e.getText())) return true;
      return false;
    }, { timeout: WAIT, timeoutMsg: 'no history entry for the folder download' });
    await browser.execute(() => {
      Date.now = window.__realDateNow;
      delete document.hasFocus;
    });
    await waitFor('the desktop notification', async () => (await readFile(notificationsFile, 'utf8')).includes('Download finished'), 10_000);
    const told = (await readFile(notificationsFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(told.at(-1).summary, 'Download finished');
    assert.match(told.at(-1).body, /^2 files \(.+\) from /);
    await audit('the transfers panel with its history');
    assert.equal(await readFile(path.join(downloads, '2024-archive', 'sub', 'x.txt'), 'utf8').then((t) => t.length > 0), true);
    assert.ok((await readFile(path.join(downloads, '2024-archive', 'q3.csv'))).length > 0);
    await (await byTestId(browser, 'transfer-status')).click();
  });

  await step('a file and a folder dragged out of the window reach a file manager whole; let go over the window, they upload nothing', async () => {
    // The file manager's part: a GTK window taking file drops (drop_target.py), beside ours. The
    // drag is the real one: xdotool presses, pulls and lets go; GTK carries the URIs across.
    const drops = path.join(home, 'drops.jsonl');
    await writeFile(drops, '');
    const target = spawn('/usr/bin/python3', [path.join(import.meta.dirname, 'drop_target.py'), drops, '1000', '300'], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(target);
    await new Promise((resolve, reject) => {
      target.stdout.once('data', resolve);
      target.once('exit', (code) => reject(new Error(`drop_target.py exited with ${code}`)));
    });
    const origin = await browser.getWindowRect();
    const onScreen = async (key) => {
      const at = await browser.execute((k) => {
        const r = document.querySelector(`[data-testid="object-row"][data-key="${k}"] .cell`).getBoundingClientRect();
        return { x: r.left + 40, y: r.top + r.height / 2 };
      }, key);
      return { x: Math.round(origin.x + at.x), y: Math.round(origin.y + at.y) };
    };
    await (await objectRow('readme.txt')).click();
    const folder = await onScreen('2024-archive/');
    await xdo('mousemove', String(folder.x), String(folder.y), 'keydown', 'ctrl', 'click', '1', 'keyup', 'ctrl');
    await browser.waitUntil(async () => (await (await objectRow('2024-archive/')).getAttribute('aria-selected')) === 'true', { timeout: WAIT });

    /** Presses on the file's row, pulls, waits for the copy, and lets go at (x, y) on the screen. */
    const dragTo = async (x, y) => {
      const from = await onScreen('readme.txt');
      await xdo('mousemove', String(from.x), String(from.y), 'mousedown', '1');
      for (let i = 1; i <= 5; i++) await xdo('mousemove', String(from.x + 4 * i), String(from.y + 2 * i));
      await new Promise((r) => setTimeout(r, 1500));
      for (let i = 1; i <= 10; i++) await xdo('mousemove', String(Math.round(from.x + ((x - from.x) * i) / 10)), String(Math.round(from.y + ((y - from.y) * i) / 10)));
      await new Promise((r) => setTimeout(r, 300));
      await xdo('mouseup', '1');
    };
    await dragTo(1120, 420);
    await waitFor('the drop in the file manager', async () => (await readFile(drops, 'utf8')).trim() !== '', 10_000).catch(async (e) => {
      await grabScreen('drag-out');
      throw e;
    });
    const dropped = JSON.parse((await readFile(drops, 'utf8')).trim());
    assert.deepEqual(dropped.paths.map((p) => path.basename(p.path ?? p.error)).sort(), ['2024-archive', 'readme.txt']);
    assert.ok(dropped.paths.every((p) => p.path.startsWith(path.join(env.SATCHEL_DATA_DIR, 'drag-out'))), JSON.stringify(dropped.paths));
    assert.deepEqual(dropped.files, {
      'readme.txt': 'contents of readme.txt\n',
      '2024-archive/q3.csv': 'contents of 2024/q3.csv\n',
      '2024-archive/sub/x.txt': 'contents of 2024/sub/x.txt\n',
    });

    // Let go over the window itself: our own files are not a drop to upload.
    const table = await onScreen('readme.txt');
    await dragTo(table.x + 120, table.y + 200);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await (await byTestId(browser, 'upload-sheet-body')).isExisting(), false, 'a drag out let go over the window offered an upload');
    assert.equal(await (await byTestId(browser, 'drop-overlay')).isExisting(), false);
    assert.equal((await readFile(drops, 'utf8')).trim().split('\n').length, 1);
    // Nor is the button let go there a click on the empty area: what was dragged stays selected.
    for (const key of ['readme.txt', '2024-archive/']) {
      assert.equal(await (await objectRow(key)).getAttribute('aria-selected'), 'true', `${key} still selected after the drag`);
    }
    await screenshot(browser, path.join(shots, 'drag-out.png'));
    target.killedOnPurpose = true;
    target.kill();
  });

  await step('a folder synced into the folder shown sends what is new and, when asked, removes what it lacks', async () => {
    // The folder downloaded in the step before, with a file of its own now; the bucket has one it lacks.
    assert.equal((await fetch(`${moto}/e2e-reports/2024-archive/stale.txt`, { method: 'PUT', body: 'stale\n' })).status, 200);
    await writeFile(path.join(downloads, '2024-archive', 'new.csv'), 'new,1\n');
    const folder = await objectRow('2024-archive/');
    await folder.click();
    await browser.keys('Enter');
    await (await objectRow('2024-archive/q3.csv')).waitForDisplayed({ timeout: WAIT });
    await (await byTestId(browser, 'action-sync')).click();
    // Downloads holds one folder: the one downloaded in the step before.
    await chooseInDownloads('Sync a folder');
    const counts = await byTestId(browser, 'sync-counts');
    await counts.waitForDisplayed({ timeout: WAIT });
    assert.match(await counts.getText(), /Sends 1 new file \(6 bytes\); 2 files are already the same\./);
    const named = [];
    for (const e of await browser.$$('[data-testid="sync-delete"]')) named.push(await e.getProperty('textContent'));
    assert.deepEqual(named, ['2024-archive/stale.txt'], 'the object the folder lacks is named');
    await (await byTestId(browser, 'sync-remove-missing')).click();
    await screenshot(browser, path.join(shots, 'sync-sheet.png'));
    await (await byTestId(browser, 'upload-start')).click();
    await browser.waitUntil(async () => (await exists('2024-archive/new.csv')) && !(await exists('2024-archive/stale.txt')), {
      timeout: WAIT, timeoutMsg: 'the sync did not send new.csv and remove stale.txt',
    });
    assert.ok(await exists('2024-archive/q3.csv'), 'what the folder has is kept');
    await browser.keys('Backspace');
  });

  await step('an object copied to another connection runs in the transfers panel and arrives', async () => {
    // A second connection: moto again under other keys, as a second storage would be.
    await openNewConnectionForm(browser);
    await fillKeysConnection(browser, { name: 'Archive', url: moto, region: 'us-east-1', key: 'AKIAE2EARCHIVE', secret: 'archive-secret' });
    await (await byTestId(browser, 'conn-save')).click();
    await (await byTestId(browser, 'connection-form')).waitForDisplayed({ reverse: true, timeout: WAIT });
    await (await connectionRow(browser, 'Archive')).waitForDisplayed({ timeout: WAIT });
    // Back to Moto's bucket (Archive, the same moto, lists one of that name too).
    const motoBucket = await browser.$('[aria-label="Buckets in Moto"] [data-testid="bucket"][data-name="e2e-reports"]');
    if (!(await motoBucket.isDisplayed())) await (await connectionRow(browser, 'Moto')).click();
    await motoBucket.waitForDisplayed({ timeout: WAIT });
    await motoBucket.click();
    await browser.waitUntil(async () => (await motoBucket.getAttribute('aria-selected')) === 'true', { timeout: WAIT });
    await (await objectRow('readme.txt')).waitForDisplayed({ timeout: WAIT });
    await (await objectRow('readme.txt')).click();
    await (await byTestId(browser, 'action-copy')).click();
    const connection = await browser.$('#copy-dest-connection');
    await connection.waitForDisplayed({ timeout: WAIT });
    await connection.selectByVisibleText('Archive');
    const bucket = await browser.$('#copy-dest-bucket');
    await browser.waitUntil(async () => (await bucket.$$('option').map((o) => o.getValue())).includes('e2e-reports'), {
      timeout: WAIT, timeoutMsg: 'the other connection\'s buckets were not listed',
    });
    await bucket.selectByAttribute('value', 'e2e-reports');
    await fill(browser, 'copy-dest-prefix', 'copied/');
    await screenshot(browser, path.join(shots, 'copy-across-dialog.png'));
    await (await byTestId(browser, 'copy-ok')).click();
    if (!(await (await byTestId(browser, 'transfers-panel')).isExisting())) await (await byTestId(browser, 'transfer-status')).click();
    await browser.waitUntil(async () => {
      const entries = await browser.$$('[data-testid="history-entry"][data-kind="copy"]');
      for (const e of entries) if (/Copied 1 file/.test(await e.getText())) return true;
      return false;
    }, { timeout: WAIT, timeoutMsg: 'no history entry for the copy' });
    assert.ok(await exists('copied/readme.txt'), 'moto holds the copy');
    assert.ok(await exists('readme.txt'), 'a copy keeps the original');
    await (await byTestId(browser, 'transfer-status')).click();
  });

  await step('the overview says whether a bucket is public; protection goes off only after its name is typed; a public prefix and its block are audited', async () => {
    await (await byTestId(browser, 'tab-overview')).click();
    const exposure = await byTestId(browser, 'exposure');
    await exposure.waitForDisplayed({ timeout: WAIT });
    assert.equal(await exposure.getAttribute('data-exposure'), 'private');
    const blockPublicAcls = async () => (await (await fetch(`${moto}/e2e-reports?publicAccessBlock`)).text()).match(/<BlockPublicAcls>(\w+)</)?.[1];
    await (await byTestId(browser, 'bpa-block-all')).click();
    await (await byTestId(browser, 'bpa-apply')).click();
    await (await byTestId(browser, 'bpa-done')).waitForDisplayed({ timeout: WAIT });
    assert.equal(await blockPublicAcls(), 'true', 'moto has Block Public Access on');
    await (await byTestId(browser, 'bpa-allow-public')).click();
    await (await byTestId(browser, 'bpa-apply')).click();
    assert.equal(await blockPublicAcls(), 'true', 'nothing changes before the name is typed');
    await (await byTestId(browser, 'bpa-confirm-name')).setValue('e2e-reports');
    await screenshot(browser, path.join(shots, 'public-access.png'));
    await (await byTestId(browser, 'bpa-apply')).click();
    await browser.waitUntil(async () => (await blockPublicAcls()) === 'false', { timeout: WAIT, timeoutMsg: 'Block Public Access was not turned off' });
    const audit = await byTestId(browser, 'audit');
    await audit.waitForDisplayed({ timeout: WAIT });
    // The list is read again after the change lands on the storage.
    await browser.waitUntil(async () => /Changes made through Satchel \(2\)/.test(await audit.getText()), {
      timeout: WAIT, timeoutMsg: 'the audit view does not list both Block Public Access changes',
    });

    // A prefix made public by a template: the badge says so; blocking all public access brings it back.
    await (await byTestId(browser, 'policy-prefix')).setValue('2024-archive/');
    await (await byTestId(browser, 'policy-add-template')).click();
    const said = await byTestId(browser, 'policy-preview-summary');
    await said.waitForDisplayed({ timeout: WAIT });
    assert.match(await said.getText(), /Anyone on the internet can read objects under 2024-archive\//);
    await screenshot(browser, path.join(shots, 'policy-editor.png'));
    await (await byTestId(browser, 'policy-apply')).click();
    await (await byTestId(browser, 'policy-done')).waitForDisplayed({ timeout: WAIT });
    assert.match(await (await fetch(`${moto}/e2e-reports?policy`)).text(), /2024-archive\/\*/, 'moto holds the policy');
    await browser.waitUntil(async () => (await (await byTestId(browser, 'exposure')).getAttribute('data-exposure')) === 'public_through_policy', {
      timeout: WAIT, timeoutMsg: 'the badge did not say the bucket is public through its policy',
    });
    // The sidebar's badge for the bucket follows.
    const sidebarBadge = async () => {
      const b = await browser.$('[aria-label="Buckets in Moto"] [data-testid="bucket"][data-name="e2e-reports"] [data-testid="exposure-badge"]');
      return (await b.isExisting()) ? b.getAttribute('data-exposure') : null;
    };
    await browser.waitUntil(async () => (await sidebarBadge()) === 'public_through_policy', {
      timeout: WAIT, timeoutMsg: 'the sidebar does not show the bucket as public through its policy',
    });
    await screenshot(browser, path.join(shots, 'public-badges.png'));
    await (await byTestId(browser, 'bpa-block-all')).click();
    await (await byTestId(browser, 'bpa-apply')).click();
    await browser.waitUntil(async () => (await (await byTestId(browser, 'exposure')).getAttribute('data-exposure')) === 'private', {
      timeout: WAIT, timeoutMsg: 'blocking all public access did not make the badge private again',
    });
    await browser.waitUntil(async () => (await sidebarBadge()) === 'private', { timeout: WAIT, timeoutMsg: 'the sidebar badge did not turn private' });
    // Who the keys belong to, from moto's STS, in the connection header.
    // (textContent: WebKit's driver reads this ellipsised line as empty text.)
    await browser.waitUntil(async () => /account 123456789012/.test(await (await byTestId(browser, 'identity')).getProperty('textContent')), {
      timeout: WAIT, timeoutMsg: 'the header does not say whose keys these are',
    });
    await browser.waitUntil(async () => /Changes made through Satchel \(4\)/.test(await (await byTestId(browser, 'audit')).getText()), {
      timeout: WAIT, timeoutMsg: 'the audit view does not list the policy and the block',
    });
    await (await byTestId(browser, 'audit')).click();
    await screenshot(browser, path.join(shots, 'public-access-audit.png'));
    const entries = [];
    for (const e of await browser.$$('[data-testid="audit-entry"]')) entries.push(await e.getText());
    assert.ok(entries.some((t) => /policy:/.test(t)) && entries.some((t) => /public-access: none on → all 4 on/.test(t)), entries.join('\n'));

    // Publishing: transfer acceleration switched on, read back from moto.
    const accelerate = await byTestId(browser, 'accelerate-switch');
    await accelerate.scrollIntoView();
    await accelerate.click();
    await (await byTestId(browser, 'publishing-done')).waitForDisplayed({ timeout: WAIT });
    assert.match(await (await fetch(`${moto}/e2e-reports?accelerate`)).text(), /<Status>Enabled<\/Status>/);
    await screenshot(browser, path.join(shots, 'publishing.png'));
    await (await byTestId(browser, 'tab-objects')).click();
  });

  await step('versions: turned on in the overview, a file written twice, its first version restored and previewed', async () => {
    await (await byTestId(browser, 'tab-overview')).click();
    const enable = await byTestId(browser, 'versioning-enable');
    await enable.waitForDisplayed({ timeout: WAIT });
    await enable.scrollIntoView();
    await enable.click();
    const state = await byTestId(browser, 'versioning-state');
    await browser.waitUntil(async () => (await state.getProperty('textContent')).trim() === 'On', {
      timeout: WAIT, timeoutMsg: 'the overview does not say versioning is on',
    });
    assert.match(await (await fetch(`${moto}/e2e-reports?versioning`)).text(), /<Status>Enabled<\/Status>/, 'moto has versioning on');
    // The settings at the top are read again.
    const setting = await browser.$('[data-testid="setting"][data-name="versioning"]');
    await browser.waitUntil(async () => (await setting.getAttribute('data-state')) === 'on', {
      timeout: WAIT, timeoutMsg: 'the settings list still says versioning is off',
    });
    await (await browser.$('#versioning-heading')).scrollIntoView();
    await browser.pause(300);
    await screenshot(browser, path.join(shots, 'versioning-on.png'));
    await audit('the bucket overview');

    // Written twice through the CLI (a signed PUT: with Block Public Access on, moto refuses an
    // anonymous one): two versions, the second current.
    const file = path.join(home, 'notes.txt');
    for (const body of ['first draft\n', 'second draft\n']) {
      await writeFile(file, body);
      const put = spawn(cli, ['--connection', 'Moto', 'cp', file, 's3://e2e-reports/notes.txt'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      put.stderr.on('data', (d) => (stderr += d));
      assert.equal(await new Promise((r) => put.on('exit', r)), 0, stderr);
    }
    await (await byTestId(browser, 'tab-objects')).click();
    await (await byTestId(browser, 'action-refresh')).click();
    await (await objectRow('notes.txt')).waitForDisplayed({ timeout: WAIT });
    await (await byTestId(browser, 'action-versions')).click();
    const versionsOfNotes = () => browser.$$('[data-testid="version-row"][data-key="notes.txt"]');
    await browser.waitUntil(async () => (await versionsOfNotes()).length === 2, { timeout: WAIT, timeoutMsg: 'the two versions of notes.txt are not listed' });
    const older = await browser.$('[data-testid="version-row"][data-key="notes.txt"][data-current="false"]');
    await older.click();
    await (await byTestId(browser, 'version-restore')).click();
    const done = await byTestId(browser, 'versions-done');
    await done.waitForDisplayed({ timeout: WAIT });
    assert.match(await done.getProperty('textContent'), /Restored notes\.txt/);
    // Listed again: the restored copy is a third version, current and selected.
    await browser.waitUntil(async () => (await versionsOfNotes()).length === 3, { timeout: WAIT, timeoutMsg: 'the restored copy is not listed' });
    const current = await browser.$('[data-testid="version-row"][data-key="notes.txt"][data-current="true"]');
    await browser.waitUntil(async () => (await current.getAttribute('aria-selected')) === 'true', {
      timeout: WAIT, timeoutMsg: 'the current version is not selected after the restore',
    });
    const listed = await (await fetch(`${moto}/e2e-reports?versions&prefix=notes.txt`)).text();
    assert.equal((listed.match(/<Version>/g) ?? []).length, 3, 'moto holds three versions');
    await (await byTestId(browser, 'version-preview')).click();
    const preview = await byTestId(browser, 'preview');
    await preview.waitForDisplayed({ timeout: WAIT });
    await browser.waitUntil(async () => (await preview.getAttribute('data-kind')) === 'text', { timeout: WAIT, timeoutMsg: 'the preview never showed' });
    assert.match(await preview.getProperty('textContent'), /first draft/, 'the current version reads "first draft"');
    // The preview's text can paint a moment after the DOM holds it.
    await browser.pause(300);
    await screenshot(browser, path.join(shots, 'version-restored-preview.png'));
    await browser.keys('Escape');
    await preview.waitForExist({ reverse: true, timeout: WAIT });
  });

  await step('deleted files: a file deleted in a versioned bucket is undeleted from the folder’s deleted files', async () => {
    await (await byTestId(browser, 'action-versions')).click();
    const row = await objectRow('notes.txt');
    await row.waitForDisplayed({ timeout: WAIT });
    await row.click();
    await (await byTestId(browser, 'action-delete')).click();
    await (await byTestId(browser, 'confirm')).click();
    await (await objectRow('notes.txt')).waitForExist({ reverse: true, timeout: WAIT });
    assert.ok(!(await exists('notes.txt')), 'moto no longer lists it');
    await (await byTestId(browser, 'action-deleted')).click();
    const file = await browser.$('[data-testid="deleted-file"][data-key="notes.txt"]');
    await file.waitForDisplayed({ timeout: WAIT });
    await (await file.$('input')).click();
    await browser.pause(300);
    await screenshot(browser, path.join(shots, 'deleted-files.png'));
    await (await byTestId(browser, 'undelete-selected')).click();
    const report = await byTestId(browser, 'action-report');
    await browser.waitUntil(async () => /Undeleted 1 file\./.test(await report.getProperty('textContent').catch(() => '')), {
      timeout: WAIT, timeoutMsg: 'no report of the undelete',
    });
    await (await objectRow('notes.txt')).waitForDisplayed({ timeout: WAIT });
    assert.ok(await exists('notes.txt'), 'moto lists it again');
  });

  await step('lifecycle: a rule built in the overview is said as a sentence and held by moto', async () => {
    await (await byTestId(browser, 'tab-overview')).click();
    const add = await byTestId(browser, 'lifecycle-add');
    await add.waitForDisplayed({ timeout: WAIT });
    await add.scrollIntoView();
    await add.click();
    await (await byTestId(browser, 'lifecycle-editor')).waitForDisplayed({ timeout: WAIT });
    await (await byTestId(browser, 'rule-id')).setValue('old-logs');
    await audit('the lifecycle rule editor');
    await (await byTestId(browser, 'rule-scope-filter')).click();
    await (await byTestId(browser, 'rule-prefix')).setValue('logs/');
    await (await byTestId(browser, 'rule-expire')).click();
    const days = await byTestId(browser, 'rule-expire-days');
    await days.clearValue();
    await days.setValue('365');
    const sentence = await byTestId(browser, 'rule-sentence');
    await browser.waitUntil(async () => /Objects under logs\/ are deleted after 365 days/.test(await sentence.getProperty('textContent').catch(() => '')), {
      timeout: WAIT, timeoutMsg: 'the rule is not said as a sentence while it is built',
    });
    await screenshot(browser, path.join(shots, 'lifecycle-editor.png'));
    await (await byTestId(browser, 'rule-save')).click();
    const rule = await byTestId(browser, 'lifecycle-rule');
    await rule.waitForDisplayed({ timeout: WAIT });
    assert.match(await rule.getProperty('textContent'), /Objects under logs\/ are deleted after 365 days/);
    const held = await (await fetch(`${moto}/e2e-reports?lifecycle`)).text();
    assert.match(held, /<ID>old-logs<\/ID>/, 'moto holds the rule');
    assert.match(held, /<Days>365<\/Days>/);
    await rule.scrollIntoView();
    await browser.pause(300);
    await screenshot(browser, path.join(shots, 'lifecycle.png'));
    await (await byTestId(browser, 'tab-objects')).click();
  });

  await step('customer keys: a key made for the connection is listed by name with the warning that losing it loses the data', async () => {
    await (await byTestId(browser, 'customer-keys')).click();
    await (await byTestId(browser, 'customer-keys-dialog')).waitForDisplayed({ timeout: WAIT });
    await (await byTestId(browser, 'customer-keys-none')).waitForDisplayed({ timeout: WAIT });
    await (await byTestId(browser, 'key-name')).setValue('finance');
    await (await byTestId(browser, 'key-add')).click();
    const added = await byTestId(browser, 'customer-key-added');
    await added.waitForDisplayed({ timeout: WAIT });
    assert.match((await added.getProperty('textContent')).replace(/\s+/g, ' '), /if the key is lost, so is the data/);
    const row = await browser.$('[data-testid="customer-key"][data-name="finance"]');
    await row.waitForDisplayed({ timeout: WAIT });
    await audit('the customer keys dialog');
    await screenshot(browser, path.join(shots, 'customer-keys.png'));
    const index = JSON.parse(await readFile(path.join(env.SATCHEL_CONFIG_DIR, 'customer-keys.json'), 'utf8'));
    const listed = Object.values(index).flat();
    assert.deepEqual(listed.map((k) => k.name), ['finance'], 'the name is listed');
    assert.ok(listed.every((k) => Object.keys(k).sort().join() === 'added,fingerprint,name'), 'no key in the file');
    await browser.keys('Escape');
    await (await byTestId(browser, 'customer-keys-dialog')).waitForDisplayed({ reverse: true, timeout: WAIT });
  });

  await step('keyboard alone: a file found, shared with a link and deleted; a file uploaded through the picker; a bucket created', async () => {
    // Find it: Ctrl+F to the filter, its name, Enter into the table, Home onto the first row.
    await browser.keys(['Control', 'f']);
    await browser.keys('readme');
    await browser.keys('Enter');
    await browser.keys('Home');
    const row = await objectRow('readme.txt');
    await browser.waitUntil(async () => (await row.getAttribute('aria-selected')) === 'true', {
      timeout: WAIT, timeoutMsg: 'Home did not select the file found',
    });
    // Share it: Ctrl+L, Enter on Create (the default expiry), the link works, Escape.
    await browser.keys(['Control', 'l']);
    await (await byTestId(browser, 'share-dialog')).waitForDisplayed({ timeout: WAIT });
    await browser.keys('Enter');
    const urlField = await byTestId(browser, 'share-url');
    await urlField.waitForDisplayed({ timeout: WAIT });
    assert.equal((await fetch(await urlField.getValue())).status, 200);
    await browser.keys('Escape');
    await (await byTestId(browser, 'share-dialog')).waitForDisplayed({ reverse: true, timeout: WAIT });
    // Delete it: Delete, then from Cancel (the safe choice has the focus) Tab to Delete, Enter.
    await browser.keys('Delete');
    await (await byTestId(browser, 'confirm')).waitForDisplayed({ timeout: WAIT });
    await browser.keys('Tab');
    await browser.keys('Enter');
    await row.waitForExist({ reverse: true, timeout: WAIT });
    assert.ok(!(await exists('readme.txt')), 'moto no longer serves it');
    // The filter emptied again: Ctrl+F selects it, Backspace clears it.
    await browser.keys(['Control', 'f']);
    await browser.keys('Backspace');
    // Upload through the picker: Ctrl+U opens the native dialog; in it, Ctrl+L and the file's path
    // typed, Enter; the summary sheet opens with the focus on Start, Enter.
    const picked = path.join(home, 'typed-by-keyboard.txt');
    await writeFile(picked, 'sent without a mouse\n');
    await browser.keys(['Control', 'u']);
    const dialog = await nativeDialog('Upload files');
    // Keys go to the focused window through XTEST (GTK ignores keys sent to a window id, and
    // there is no window manager under Xvfb to activate one).
    await xdo('windowfocus', '--sync', dialog);
    await xdo('key', 'ctrl+l');
    await new Promise((r) => setTimeout(r, 300));
    await xdo('type', '--delay', '30', picked);
    await new Promise((r) => setTimeout(r, 500));
    await xdo('key', 'Return');
    await waitFor('the picker to close', async () => !(await dialogOpen('Upload files')), 10_000).catch(async (e) => {
      await grabScreen('keyboard-upload-dialog');
      throw e;
    });
    await (await byTestId(browser, 'upload-sheet')).waitForDisplayed({ timeout: WAIT });
    await browser.waitUntil(() => browser.execute(() => document.activeElement?.getAttribute('data-testid') === 'upload-start'), {
      timeout: WAIT, timeoutMsg: 'Start does not have the focus in the upload sheet',
    });
    await browser.keys('Enter');
    await waitFor('the upload in moto', () => exists('typed-by-keyboard.txt'), 20_000);
    // moto refuses an unsigned read of what Satchel uploads (private); its listing says the size.
    const listing = await (await fetch(`${moto}/e2e-reports?list-type=2&prefix=typed-by-keyboard.txt`)).text();
    assert.match(listing, /<Size>21<\/Size>/, 'the whole file arrived');
    // A bucket: Ctrl+B, its name, Enter.
    await browser.keys(['Control', 'b']);
    await (await byTestId(browser, 'bucket-wizard')).waitForDisplayed({ timeout: WAIT });
    await browser.keys('e2e-keyboard');
    await browser.keys('Enter');
    await (await byTestId(browser, 'bucket-wizard')).waitForDisplayed({ reverse: true, timeout: WAIT });
    await (await bucketRow(browser, 'e2e-keyboard')).waitForDisplayed({ timeout: WAIT });
    assert.match(await (await fetch(`${moto}/`)).text(), /<Name>e2e-keyboard<\/Name>/, 'moto has the bucket');
  });

  await step('a bucket is created through the wizard with safe defaults', async () => {
    await (await connectionRow(browser, 'Moto')).click();
    await (await byTestId(browser, 'new-bucket')).click();
    await (await byTestId(browser, 'bucket-wizard')).waitForDisplayed({ timeout: WAIT });
    await fill(browser, 'bucket-name', 'Bad_Name');
    const rule = await browser.$('[data-testid="field-error"][data-field="bucket-name"]');
    await rule.waitForDisplayed({ timeout: WAIT });
    await audit('the new bucket wizard, with an error');
    assert.match(await rule.getText(), /capital/i);
    await fill(browser, 'bucket-name', 'e2e-wizard');
    await setChecked(browser, 'bucket-versioning', true);
    assert.ok(await (await browser.$('#bucket-bpa')).isSelected(), 'Block Public Access is on by default');
    await (await byTestId(browser, 'bucket-create')).click();
    await (await byTestId(browser, 'bucket-wizard')).waitForDisplayed({ reverse: true, timeout: WAIT });
    await (await bucketRow(browser, 'e2e-wizard')).waitForDisplayed({ timeout: WAIT });
    // What moto now holds, read with a plain request: versioning is on.
    const v = await (await fetch(`${moto}/e2e-wizard?versioning`)).text();
    assert.match(v, /<Status>Enabled<\/Status>/);
    // An empty bucket's objects.
    await (await bucketRow(browser, 'e2e-wizard')).click();
    await (await byTestId(browser, 'object-table')).waitForDisplayed({ timeout: WAIT });
    await (await byTestId(browser, 'empty-state')).waitForDisplayed({ timeout: WAIT });
    await audit('the objects of an empty bucket');
  });

  await step('the bucket is deleted through the dialog after typing its name', async () => {
    await fetch(`${moto}/e2e-wizard/report.csv`, { method: 'PUT', body: 'a,b\n1,2\n' });
    await (await bucketRow(browser, 'e2e-wizard')).click();
    await (await byTestId(browser, 'delete-bucket')).click();
    await (await byTestId(browser, 'delete-dialog')).waitForDisplayed({ timeout: WAIT });
    const census = await byTestId(browser, 'delete-census');
    await browser.waitUntil(async () => /1 object/.test(await census.getProperty('textContent')), {
      timeout: WAIT, timeoutMsg: 'the dialog never said what it would delete',
    });
    await audit('the delete bucket dialog');
    const confirm = await byTestId(browser, 'delete-confirm');
    await fill(browser, 'delete-confirm-name', 'e2e-wizar');
    assert.ok(!(await confirm.isEnabled()) || (await confirm.getAttribute('aria-disabled')) === 'true', 'disabled until the name matches');
    await fill(browser, 'delete-confirm-name', 'e2e-wizard');
    await confirm.click();
    const outcome = await byTestId(browser, 'delete-outcome');
    await browser.waitUntil(async () => (await outcome.isExisting()) && (await outcome.getAttribute('data-outcome')) === 'deleted'
      || !(await (await byTestId(browser, 'delete-dialog')).isExisting()), { timeout: WAIT, timeoutMsg: 'no outcome' });
    await (await bucketRow(browser, 'e2e-wizard')).waitForDisplayed({ reverse: true, timeout: WAIT });
    assert.equal((await fetch(`${moto}/e2e-wizard`, { method: 'HEAD' })).status, 404, 'moto no longer has the bucket');
  });

  await step('a connection can be renamed and removed', async () => {
    await (await byTestId(browser, 'edit-selected')).click();
    await (await byTestId(browser, 'connection-form')).waitForDisplayed({ timeout: WAIT });
    assert.equal(await (await browser.$('#conn-secret')).getValue(), '', 'the secret is never sent back to the window');
    await fill(browser, 'conn-name', 'Moto renamed');
    await (await byTestId(browser, 'conn-save')).click();
    await (await connectionRow(browser, 'Moto renamed')).waitForDisplayed({ timeout: WAIT });
    await (await byTestId(browser, 'edit-selected')).click();
    await (await byTestId(browser, 'conn-remove')).click();
    await (await byTestId(browser, 'confirm')).click();
    await (await connectionRow(browser, 'Moto renamed')).waitForDisplayed({ reverse: true, timeout: WAIT });
    const config = await readFile(path.join(env.SATCHEL_CONFIG_DIR, 'connections.json'), 'utf8');
    assert.ok(!config.includes('Moto'), 'removed from the config file');
  });

  await step('keyboard alone: a connection is added, tested by saving, and lists its buckets', async () => {
    const focused = () => browser.execute(() => document.activeElement?.id ?? '');
    // Tab on until one of `ids` has the focus (hints and toggles may sit between fields).
    const tabTo = async (...ids) => {
      for (let i = 0; i < 8; i++) {
        if (ids.includes(await focused())) return;
        await browser.keys('Tab');
      }
      throw new Error(`Tab never reached ${ids.join(' or ')} (the focus is on #${await focused()})`);
    };
    await browser.keys(['Control', 'n']);
    await (await byTestId(browser, 'connection-form')).waitForDisplayed({ timeout: WAIT });
    assert.equal(await focused(), 'conn-name');
    await browser.keys('Keyboard moto');
    await tabTo('conn-storage-aws', 'conn-storage-custom');
    for (let i = 0; i < 3 && !(await (await browser.$('#conn-storage-custom')).isSelected()); i++) await browser.keys('ArrowDown');
    assert.ok(await (await browser.$('#conn-storage-custom')).isSelected(), 'the arrow keys chose an S3-compatible service');
    await tabTo('conn-url');
    // Typed into the focused field (WebKitWebDriver's key actions drop '/').
    await (await browser.$('#conn-url')).addValue(moto);
    await tabTo('conn-region');
    await browser.keys(['Control', 'a']);
    await browser.keys('us-east-1');
    await tabTo('conn-path-style');
    if (!(await (await browser.$('#conn-path-style')).isSelected())) await browser.keys(' ');
    await tabTo('conn-cred-keys', 'conn-cred-profile', 'conn-cred-env');
    for (let i = 0; i < 3 && !(await (await browser.$('#conn-cred-keys')).isSelected()); i++) await browser.keys('ArrowUp');
    assert.ok(await (await browser.$('#conn-cred-keys')).isSelected(), 'keys chosen with the arrow keys');
    await tabTo('conn-access-key');
    await browser.keys('AKIAE2EKEYBOARD');
    await tabTo('conn-secret');
    await browser.keys(secret);
    await browser.keys('Enter');
    await (await byTestId(browser, 'connection-form')).waitForDisplayed({ reverse: true, timeout: WAIT });
    await (await connectionRow(browser, 'Keyboard moto')).waitForDisplayed({ timeout: WAIT });
    await (await bucketRow(browser, 'e2e-reports')).waitForDisplayed({ timeout: WAIT });
  });

  await browser.deleteSession().catch(() => {});
  const failed = results.filter((r) => !r.ok);
  console.log(`\n${results.length - failed.length} passed, ${failed.length} failed; screenshots in ${path.relative(root, shots)}/`);
  console.log(`${audited.length} screens audited with axe-core: ${audited.filter((a) => a.violations === 0).length} with no serious or critical violation`);
  // The app's home (its settings, logs and downloads, ~100 MB) is kept for a failed run to read.
  if (failed.length) console.log(`the app's home, with its logs: ${home}`);
  else rmSync(home, { recursive: true, force: true });
  process.exit(failed.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e.stack ?? e);
  process.exit(1);
});
