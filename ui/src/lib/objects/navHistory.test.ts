import { describe, expect, it } from 'vitest';
import { NavHistory } from './navHistory.svelte';

describe('NavHistory', () => {
  it('starts with nowhere to go', () => {
    const h = new NavHistory();
    expect(h.canBack).toBe(false);
    expect(h.canForward).toBe(false);
    expect(h.back('')).toBeNull();
    expect(h.forward('')).toBeNull();
  });

  it('goes back through the folders visited, nearest first, and forward again', () => {
    const h = new NavHistory();
    h.visit('');
    h.visit('raw/');
    // Now in raw/2024/.
    expect(h.back('raw/2024/')).toBe('raw/');
    expect(h.back('raw/')).toBe('');
    expect(h.canBack).toBe(false);
    expect(h.forward('')).toBe('raw/');
    expect(h.forward('raw/')).toBe('raw/2024/');
    expect(h.canForward).toBe(false);
    expect(h.back('raw/2024/')).toBe('raw/');
  });

  it('forgets what was ahead when a new folder is visited', () => {
    const h = new NavHistory();
    h.visit('');
    expect(h.back('raw/')).toBe('');
    expect(h.canForward).toBe(true);
    h.visit('');
    expect(h.canForward).toBe(false);
    expect(h.back('logs/')).toBe('');
  });
});
