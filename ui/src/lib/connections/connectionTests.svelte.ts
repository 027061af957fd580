// "Test connection" on saved connections: the last outcome per connection, shown in the header.

import { SvelteMap } from 'svelte/reactivity';
import { commands, type TestReport_Serialize } from '$lib/bindings';
import { run, type AppError } from '$lib/shared/errors';

export type TestOutcome =
  | { state: 'running' }
  | { state: 'ok'; report: TestReport_Serialize }
  | { state: 'failed'; error: AppError };

export class ConnectionTests {
  #outcomes = new SvelteMap<string, TestOutcome>();

  get(connectionId: string): TestOutcome | undefined {
    return this.#outcomes.get(connectionId);
  }

  /**
   * Tests a saved connection. Resolves to the outcome; when the engine corrected the region it has
   * saved the correction too, so the caller should reload the connections.
   */
  async run(connectionId: string): Promise<TestOutcome> {
    const running = this.#outcomes.get(connectionId);
    if (running?.state === 'running') return running;
    this.#outcomes.set(connectionId, { state: 'running' });
    const res = await run(() => commands.testConnection(connectionId));
    const outcome: TestOutcome =
      res.status === 'ok' ? { state: 'ok', report: res.data } : { state: 'failed', error: res.error };
    this.#outcomes.set(connectionId, outcome);
    return outcome;
  }

  /** Forgets an outcome that no longer describes the connection (it was edited or removed). */
  forget(connectionId: string): void {
    this.#outcomes.delete(connectionId);
  }
}
