// Drives the generated `commands` in tests: `@tauri-apps/api/core`'s `invoke` is mocked (each test
// file calls `vi.mock('@tauri-apps/api/core')`), and these helpers answer it per command name.

import { invoke } from '@tauri-apps/api/core';
import { vi } from 'vitest';
import type { AppError_Serialize, Connection_Serialize, ErrorCode } from '../lib/bindings';

/** An engine error answer: `invoke` rejects with it, as Tauri does with a command's `Err`. */
export class EngineError {
  constructor(readonly error: AppError_Serialize) {}
}

export function engineError(code: ErrorCode, message: string, detail: string | null = null): EngineError {
  return new EngineError({ code, message, detail });
}

type Handler = (args: Record<string, unknown> | undefined) => unknown;

/**
 * Answers `invoke(cmd, args)` with `handlers[cmd](args)`; a returned (or resolved) `EngineError`
 * becomes a rejection with the plain `{code, message, detail}` object. An unexpected command fails
 * the test loudly.
 */
export function answer(handlers: Record<string, Handler | unknown>) {
  const mocked = vi.mocked(invoke);
  mocked.mockImplementation(async (cmd: string, args?: unknown) => {
    if (!(cmd in handlers)) throw new Error(`unexpected command ${cmd}`);
    const h = handlers[cmd];
    const value = await (typeof h === 'function' ? (h as Handler)(args as Record<string, unknown>) : h);
    if (value instanceof EngineError) throw value.error;
    return value;
  });
  return mocked;
}

/** The arguments of every call to one command. */
export function callsOf(cmd: string): unknown[] {
  return vi
    .mocked(invoke)
    .mock.calls.filter(([c]) => c === cmd)
    .map(([, args]) => args);
}

export function connection(over: Partial<Connection_Serialize> & { id: string; name: string }): Connection_Serialize {
  return {
    endpoint: { kind: 'aws' },
    region: 'eu-west-1',
    addressing: 'virtual_hosted',
    credentials: { kind: 'keychain', access_key_id: 'AKIAEXAMPLE' },
    accelerate: false,
    ...over,
  };
}

/** A promise and the function that settles it, to hold a command's answer until the test says. */
export function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
