// Object keys as people read them. Used wherever a key is shown by its name: the object browser's
// dialogs and the history of shared links.

/** The last segment: `c.txt` for `a/b/c.txt`, `c` for the folder `a/b/c/`. */
export function baseName(keyOrPrefix: string): string {
  const trimmed = keyOrPrefix.endsWith('/') ? keyOrPrefix.slice(0, -1) : keyOrPrefix;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}
