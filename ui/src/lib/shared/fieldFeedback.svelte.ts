// When a field's broken rule is shown: once the user has typed in the field and left it, or for
// every field once they tried to Test or Save. Not while they are still typing the first time.
// A form may also `touch` a field itself to show its rule live (the bucket name does).
// `F` is the form's field names; each field's message gets the id `<input id>-error`.

export class FieldFeedback<F extends string> {
  #touched = $state<Partial<Record<F, boolean>>>({});
  /** Set by Test or Save: from then on every broken rule shows. */
  submitted = $state(false);
  #errors: () => Partial<Record<F, string>>;
  #inputIds: Readonly<Record<F, string>>;
  #dirty = new Set<F>();
  #pointerHeld = false;
  #waiting = new Set<F>();

  constructor(errors: () => Partial<Record<F, string>>, inputIds: Readonly<Record<F, string>>) {
    this.#errors = errors;
    this.#inputIds = inputIds;
  }

  /** The message to show next to the field now, if any. */
  message(field: F): string | undefined {
    return this.#touched[field] || this.submitted ? this.#errors()[field] : undefined;
  }

  errorId(field: F): string {
    return `${this.#inputIds[field]}-error`;
  }

  /** `aria-describedby` for the field: its message when shown, then any hints. */
  describedBy(field: F, ...hints: string[]): string | undefined {
    const ids = [...(this.message(field) ? [this.errorId(field)] : []), ...hints];
    return ids.length ? ids.join(' ') : undefined;
  }

  touch(field: F): void {
    this.#touched[field] = true;
  }

  /** The user typed in the field. */
  edited(field: F): void {
    this.#dirty.add(field);
  }

  /**
   * The field lost focus. Leaving it by pressing the mouse on another control must not move that
   * control before the button is released (the message would push it down and the click would
   * land elsewhere), so then the message waits for the release.
   */
  left(field: F): void {
    if (!this.#dirty.has(field)) return;
    if (this.#pointerHeld) this.#waiting.add(field);
    else this.touch(field);
  }

  pointerDown(): void {
    this.#pointerHeld = true;
  }

  pointerUp(): void {
    this.#pointerHeld = false;
    setTimeout(() => {
      for (const f of this.#waiting) this.touch(f);
      this.#waiting.clear();
    });
  }
}
