// What the screenshot scripts share: Debian's Chromium, the built UI served by `vite preview`, and
// the bridge mocked by dev/mock-ipc.js. Not part of the app.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const pause = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts Chromium; `page(scheme, scenario)` opens the UI, `shot(p, name)` saves a PNG in `out`. */
export async function studio(defaultOut) {
  const out = process.argv[2] || defaultOut;
  const base = process.env.BASE_URL || 'http://127.0.0.1:4173/';
  mkdirSync(out, { recursive: true });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const mock = fileURLToPath(new URL('./mock-ipc.js', import.meta.url));
  async function page(scheme, scenario = 'default') {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
    await context.addInitScript({ path: mock });
    const p = await context.newPage();
    p.on('pageerror', (e) => console.error(`[${scheme}/${scenario}] page error:`, e.message));
    p.on('console', (m) => m.type() === 'error' && console.error(`[${scheme}/${scenario}] console:`, m.text()));
    await p.goto(`${base}?scenario=${scenario}`);
    await pause(700);
    return p;
  }
  const shot = (p, name) => p.screenshot({ path: `${out}/${name}.png` });
  return { out, base, browser, page, shot };
}
