// Keyboard focus helpers for dialogs: what can take focus, and keeping Tab inside a modal.

const FOCUSABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  'summary',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

// Open modal dialogs, innermost last: only the topmost one reacts to Escape and Tab.
const openDialogs: HTMLElement[] = [];

/**
 * Registers a modal panel as the topmost dialog. Returns the function that unregisters it. Keys are
 * listened for on the window, not the panel, so that Escape still closes the dialog after focus
 * was lost (a button that got disabled while focused drops focus to the body).
 */
export function openModal(panel: HTMLElement, onclose: () => void): () => void {
  openDialogs.push(panel);
  const onkeydown = (e: KeyboardEvent) => {
    if (openDialogs[openDialogs.length - 1] !== panel) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopImmediatePropagation();
      onclose();
    } else {
      trapTab(panel, e);
    }
  };
  window.addEventListener('keydown', onkeydown, true);
  return () => {
    window.removeEventListener('keydown', onkeydown, true);
    const i = openDialogs.lastIndexOf(panel);
    if (i >= 0) openDialogs.splice(i, 1);
  };
}

/** True while any modal dialog is open. */
export function modalOpen(): boolean {
  return openDialogs.length > 0;
}

/** Elements inside `root` that Tab can reach, in document order. */
export function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => el.closest('[hidden],[inert]') === null && el.getAttribute('aria-hidden') !== 'true',
  );
}

/**
 * Keeps Tab and Shift+Tab cycling inside `root`. Returns true when it moved focus itself (and
 * so prevented the browser's default).
 */
export function trapTab(root: HTMLElement, e: KeyboardEvent): boolean {
  if (e.key !== 'Tab') return false;
  const items = focusables(root);
  if (items.length === 0) {
    e.preventDefault();
    root.focus();
    return true;
  }
  const first = items[0];
  const last = items[items.length - 1];
  const active = document.activeElement;
  const outside = !(active instanceof HTMLElement) || !root.contains(active) || active === root;
  if (e.shiftKey && (active === first || outside)) {
    e.preventDefault();
    last.focus();
    return true;
  }
  if (!e.shiftKey && (active === last || outside)) {
    e.preventDefault();
    first.focus();
    return true;
  }
  return false;
}
