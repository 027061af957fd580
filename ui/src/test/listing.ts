// Listing pages for tests, written as entries (as a person reads a listing) and sent as the
// columns the engine sends the window.

import type { ListingColumns } from '$lib/bindings';

export interface Entry {
  key: string;
  size?: number;
  last_modified?: string | null;
  storage_class?: string | null;
}

export function columns(folders: string[], entries: Entry[]): ListingColumns {
  const classes: string[] = [];
  const classOf = (name: string | null | undefined) => {
    if (!name) return null;
    if (!classes.includes(name)) classes.push(name);
    return classes.indexOf(name);
  };
  return {
    folders,
    keys: entries.map((e) => e.key),
    sizes: entries.map((e) => e.size ?? 0),
    modified: entries.map((e) => (e.last_modified ? Date.parse(e.last_modified) : null)),
    class_of: entries.map((e) => classOf(e.storage_class)),
    classes,
  };
}
