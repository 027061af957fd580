// A stand-in for `@tauri-apps/api/core`'s `Channel` in tests: a command handler gets it as the
// argument and calls `send`, as the engine's progress messages would arrive. Test files that need
// it mock the module with `{ invoke: vi.fn(), Channel: FakeChannel }`.

export class FakeChannel<T> {
  onmessage: (message: T) => void;

  constructor(onmessage?: (message: T) => void) {
    this.onmessage = onmessage ?? (() => {});
  }

  send(message: T): void {
    this.onmessage(message);
  }
}
