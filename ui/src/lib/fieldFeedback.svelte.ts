// When a field's broken rule is shown: once the user has typed in the field and left it, or for
// every field once they tried to Test or Save. Not while they are still typing the first time.

import { INPUT_IDS, type FieldErrors, type FieldName } from './connectionForm';

export class FieldFeedback {
  #touched = $state<Partial<Record<FieldName, boolean>>>({});
  /** Set by Test or Save: from then on every broken rule shows. */
  submitted = $state(false);
  #errors: () => FieldErrors;
  #dirty = new Set<FieldName>();
  #pointerHeld = false;
  #waiting = new Set<FieldName>();

  constructor(errors: () => FieldErrors) {
    this.#errors = errors;
  }

  /** The message to show next to the field now, if any. */
  message(field: FieldName): string | undefined {
    return this.#touched[field] || this.submitted ? this.#errors()[field] : undefined;
  }

  errorId(field: FieldName): string {
    return `${INPUT_IDS[field]}-error`;
  }

  /** `aria-describedby` for the field: its message when shown, then any hints. */
  describedBy(field: FieldName, ...hints: string[]): string | undefined {
    const ids = [...(this.message(field) ? [this.errorId(field)] : []), ...hints];
    return ids.length ? ids.join(' ') : undefined;
  }

  touch(field: FieldName): void {
    this.#touched[field] = true;
  }

  /** The user typed in the field. */
  edited(field: FieldName): void {
    this.#dirty.add(field);
  }

  /**
   * The field lost focus. Leaving it by pressing the mouse on another control must not move that
   * control before the button is released (the message would push it down and the click would
   * land elsewhere), so then the message waits for the release.
   */
  left(field: FieldName): void {
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
