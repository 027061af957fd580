// Which way the app paints on this machine: the rule of src-tauri/src/painting.rs, for the tests
// and benchmarks that check or compare against it.

import { existsSync, readdirSync } from 'node:fs';

/** Whether a GPU driver is there to render with: a DRM render node, or NVIDIA's own device. */
function gpuPresent() {
  try {
    if (readdirSync('/dev/dri').some((n) => n.startsWith('renderD'))) return true;
  } catch {
    // no /dev/dri at all
  }
  return existsSync('/dev/nvidia0');
}

/** True when the app, started with `env`, has WebKit paint with the CPU. */
export function paintsWithCpu(env = process.env) {
  const set = env.WEBKIT_SKIA_ENABLE_CPU_RENDERING;
  if (set !== undefined) return set !== '0';
  return !['', '0', undefined].includes(env.LIBGL_ALWAYS_SOFTWARE) || !gpuPresent();
}

/** True when the app, painting with the CPU, still composites: only if the user asked for it. */
export function composites(env = process.env) {
  return env.WEBKIT_DISABLE_COMPOSITING_MODE === '0';
}
