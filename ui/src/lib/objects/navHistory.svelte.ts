// Where the object browser has been, for Back and Forward (the toolbar's arrows, Alt+Left and
// Alt+Right): the folders (prefixes) left behind each way, nearest last in `back`, first in `forward`.

export class NavHistory {
  #back = $state<string[]>([]);
  #forward = $state<string[]>([]);

  get canBack(): boolean {
    return this.#back.length > 0;
  }

  get canForward(): boolean {
    return this.#forward.length > 0;
  }

  /** Leaving `from` for another folder: Back returns to it, and what was ahead is forgotten. */
  visit(from: string): void {
    this.#back = [...this.#back, from];
    this.#forward = [];
  }

  /** The folder Back goes to from `current` (which Forward then returns to); null when there is none. */
  back(current: string): string | null {
    const previous = this.#back.at(-1);
    if (previous === undefined) return null;
    this.#back = this.#back.slice(0, -1);
    this.#forward = [current, ...this.#forward];
    return previous;
  }

  /** The folder Forward goes to from `current` (which Back then returns to); null when there is none. */
  forward(current: string): string | null {
    const next = this.#forward[0];
    if (next === undefined) return null;
    this.#forward = this.#forward.slice(1);
    this.#back = [...this.#back, current];
    return next;
  }
}
