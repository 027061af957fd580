// Long operations (listings, copies, deletions, uploads, downloads, counts) are named by an id the
// UI makes up front, so that `cancelOperation` can stop the one meant and a late answer can be told
// from the current one.

/** A fresh id for a long operation, which `cancelOperation` names it by. */
export function newOperationId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
