// The installed package's app, opened as a user would after `apt install`: it must come up on the
// local sandbox with nothing configured. Used by tests/package/check-installed (make test-dist) with
// the installed binary's path; leaves a screenshot in target/dist/.

import { spawn } from 'node:child_process';
import { mkdtemp, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { remote } from 'webdriverio';
import { waitFor } from './wait.mjs';
import { screenshot } from './screenshot.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const application = process.argv[2] ?? '/usr/bin/satchel-app';
const tauriDriver = process.env.TAURI_DRIVER ?? path.join(root, '.tools/bin/tauri-driver');
const shots = path.join(root, 'target/dist');

const home = await mkdtemp(path.join(os.tmpdir(), 'satchel-installed-'));
const env = { ...process.env, SATCHEL_CONFIG_DIR: path.join(home, 'config'), SATCHEL_DATA_DIR: path.join(home, 'data') };
// Its own ports, clear of the end-to-end run's (4444, with the native driver on 4445).
const driver = spawn(tauriDriver, ['--port', '4454', '--native-port', '4455'], { env, stdio: 'ignore' });
process.on('exit', () => driver.kill('SIGKILL'));
// A driver or window that never answers fails the check instead of holding up the run.
setTimeout(() => {
  console.error('the installed app did not open within 2 minutes');
  process.exit(1);
}, 120_000).unref();

await waitFor('tauri-driver', async () => (await fetch('http://127.0.0.1:4454/status')).ok, 30_000);
const browser = await remote({
  hostname: '127.0.0.1',
  port: 4454,
  logLevel: 'error',
  capabilities: { 'tauri:options': { application }, 'wdio:enforceWebDriverClassic': true },
});
try {
  assert.equal(await browser.getTitle(), 'Satchel');
  const row = await browser.$('[data-testid="connection"][data-name="Local sandbox"]');
  await row.waitForDisplayed({ timeout: 30_000 });
  await waitFor('the sandbox selected', async () => (await row.getAttribute('aria-selected')) === 'true', 30_000);
  const location = await browser.$('[data-testid="location"]');
  await waitFor('the header naming the sandbox', async () => /sandbox/i.test(await location.getProperty('textContent')), 30_000);
  // The sandbox answers: the connection test goes through the installed engine to its server.
  await (await browser.$('[data-testid="test-selected"]')).click();
  const result = await browser.$('[data-testid="test-selected-result"]');
  let outcome;
  await waitFor('the connection test', async () => (outcome = await result.getAttribute('data-outcome')) && outcome !== 'pending', 30_000);
  const text = (await result.getProperty('textContent')).replace(/\s+/g, ' ').trim();
  assert.equal(outcome, 'ok', `the sandbox connection test said: ${text}`);
  await mkdir(shots, { recursive: true });
  await screenshot(browser, path.join(shots, 'installed-app.png'));
  console.log(`the installed app opened on the local sandbox (${text})`);
} finally {
  await browser.deleteSession().catch(() => {});
}
process.exit(0);
