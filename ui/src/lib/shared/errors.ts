// What the user should do next after an engine error. The engine's message says what went wrong;
// this adds the one step most likely to fix it, for the codes where there is such a step.

import type { AppError_Serialize, ErrorCode } from '$lib/bindings';

export type AppError = AppError_Serialize;

const NEXT_STEP: Partial<Record<ErrorCode, string>> = {
  wrong_secret: 'Check the secret access key',
  wrong_access_key: 'Check the access key ID',
  clock_skew: "Set this computer's clock to the right time",
  tls: 'Check http vs https and the certificate',
};

/** The next step for this error, or null when the message already says it all. */
export function nextStep(code: ErrorCode): string | null {
  return NEXT_STEP[code] ?? null;
}

/**
 * A failure that never reached the engine (the IPC bridge itself threw) as an engine error, so that
 * every caller shows errors one way.
 */
export function unexpected(e: unknown): AppError {
  const detail = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message: 'Satchel could not reach its engine.', detail };
}

export type Result<T> = { status: 'ok'; data: T } | { status: 'error'; error: AppError };

/**
 * Runs a command and turns a thrown exception (a broken bridge, not an engine error) into the same
 * `{status:"error"}` shape, so callers branch in one place.
 */
export async function run<T>(call: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await call();
  } catch (e) {
    return { status: 'error', error: unexpected(e) };
  }
}
