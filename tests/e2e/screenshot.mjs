// Screenshots of the app as the X server shows it. WebDriver's own screenshot waits for the next
// composited frame, and where the app paints without compositing (no GPU: src-tauri/src/painting.rs)
// that frame never comes: the command hangs. A grab of the window is also what a person sees.

import { spawnSync } from 'node:child_process';

/** The app's main window (titled "Satchel"), or the whole screen when it can't be found. */
function appWindow() {
  const found = spawnSync('xdotool', ['search', '--onlyvisible', '--name', '^Satchel$'], { encoding: 'utf8' });
  const ids = (found.stdout ?? '').split('\n').filter(Boolean);
  return ids.at(-1) ?? 'root';
}

/**
 * Saves the window to `file` once the page has painted what it shows now (a frame, then a task), so
 * a change made just before is in the picture.
 */
export async function screenshot(browser, file) {
  await browser?.executeAsync((done) => requestAnimationFrame(() => setTimeout(done, 0))).catch(() => {});
  const grab = spawnSync('import', ['-window', appWindow(), file], { stdio: 'ignore', timeout: 20_000 });
  if (grab.status !== 0) throw new Error(`could not grab the window into ${file}`);
}
