// A stand-in for `@tauri-apps/api/event` in tests: `listen` keeps the handler and `emitEvent` calls
// it as the shell's events would arrive. Test files that need it mock the module with
// `vi.mock('@tauri-apps/api/event', () => import('../test/events'))`.

type Handler = (event: { event: string; id: number; payload: unknown }) => void;

const handlers = new Map<string, Set<Handler>>();

export async function listen(event: string, handler: Handler): Promise<() => void> {
  let set = handlers.get(event);
  if (!set) {
    set = new Set();
    handlers.set(event, set);
  }
  set.add(handler);
  return () => set.delete(handler);
}

/** Delivers an event to every listener of `event` (`drop-hover`, `files-dropped`, ...). */
export function emitEvent(event: string, payload: unknown): void {
  for (const h of handlers.get(event) ?? []) h({ event, id: 0, payload });
}

/** How many listeners `event` has (they go when the component that listened is destroyed). */
export function listenerCount(event: string): number {
  return handlers.get(event)?.size ?? 0;
}
