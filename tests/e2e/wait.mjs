// Polling for what the end-to-end scripts wait on (servers, drivers, the window's state).

/** Resolves once `check()` is truthy; a throwing check counts as "not yet". */
export async function waitFor(what, check, timeoutMs = 60_000, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
