// Screenshots of the app as the X server shows it. WebDriver's own screenshot waits for the next
// composited frame, and where the app paints without compositing (no GPU: src-tauri/src/painting.rs)
// that frame never comes: the command hangs. A grab of the window is also what a person sees.

import { spawnSync } from 'node:child_process';

/** The id of the visible X window titled exactly `title`, or null. */
export function windowId(title) {
  const r = spawnSync('xdotool', ['search', '--onlyvisible', '--name', `^${title}$`], { encoding: 'utf8' });
  const id = (r.stdout ?? '').trim().split('\n')[0];
  return r.status === 0 && id ? id : null;
}

/**
 * Grabs an X window (an id, or "root" for the whole screen) into `file`: the screen's pixels where
 * the window is. Asked for a window's own pixels, X leaves the parts another window covers (a
 * native dialog, the end-to-end drop target) undefined, and they came out black.
 */
export function grab(window, file) {
  const crop = window === 'root' ? [] : ['-crop', geometry(window), '+repage'];
  const r = spawnSync('import', ['-window', 'root', ...crop, file], { stdio: 'ignore', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`could not grab the window into ${file}`);
}

/** Where a window is on the screen, as ImageMagick's WxH+X+Y. */
function geometry(window) {
  const r = spawnSync('xdotool', ['getwindowgeometry', '--shell', window], { encoding: 'utf8' });
  const v = Object.fromEntries((r.stdout ?? '').trim().split('\n').map((line) => line.split('=')));
  if (r.status !== 0 || !v.WIDTH) throw new Error(`no geometry for window ${window}`);
  return `${v.WIDTH}x${v.HEIGHT}+${v.X}+${v.Y}`;
}

/**
 * Saves the app's window (the whole screen when it can't be found) to `file` once the page has
 * painted what it shows now (a frame, then a task), so a change made just before is in the picture.
 */
export async function screenshot(browser, file) {
  await browser?.executeAsync((done) => requestAnimationFrame(() => setTimeout(done, 0))).catch(() => {});
  grab(windowId('Satchel') ?? 'root', file);
}
