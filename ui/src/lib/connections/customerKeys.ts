// What the customer key form checks before anything is sent: the engine checks the same, and these
// only say it sooner, in the words the engine uses.

import type { CustomerKeyInfo } from '$lib/bindings';

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** Why `name` can't name a new key, or null. */
export function keyNameProblem(name: string, existing: readonly CustomerKeyInfo[]): string | null {
  const n = name.trim();
  if (!n) return 'Give the key a name.';
  if (!NAME.test(n)) return "Use 1 to 64 letters, digits, '-', '_' or '.'.";
  if (existing.some((k) => k.name === n)) return 'This connection already has a key by that name.';
  return null;
}

/** Why `text` isn't a 256-bit key in base64, or null. */
export function pastedKeyProblem(text: string): string | null {
  const t = text.trim();
  if (!t) return 'Paste the key, in base64.';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(t) || t.length % 4 !== 0) return "That isn't base64: an SSE-C key is 44 characters ending in “=”.";
  const bytes = (t.length / 4) * 3 - (t.endsWith('==') ? 2 : t.endsWith('=') ? 1 : 0);
  if (bytes !== 32) return `An SSE-C key is 32 bytes (256 bits); this one is ${bytes} bytes.`;
  return null;
}
