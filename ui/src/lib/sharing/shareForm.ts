// The share dialog's rules: which expiry was chosen, the upload target's name, and the "Copy all"
// text for several links.

import { customExpiry, PRESETS, type ExpiryUnit, type PresetId } from './expiry';

export type ExpiryChoice = PresetId | 'custom';

/**
 * What the dialog is given for each selected item (the object browser's rows are such items): download
 * links are made for the files; folders are only counted as skipped.
 */
export interface ShareItem {
  /** The full key, or for a folder its prefix. */
  key: string;
  /** The name links are listed under. */
  name: string;
  kind: 'folder' | 'object';
}

export function chosenExpiry(choice: ExpiryChoice, amount: string, unit: ExpiryUnit): { secs: number } | { error: string } {
  if (choice === 'custom') return customExpiry(amount, unit);
  return { secs: PRESETS.find((p) => p.id === choice)!.secs };
}

/** The broken rule of an upload link's file name, or null. */
export function uploadNameProblem(name: string): string | null {
  const t = name.trim();
  if (t === '') return 'Give the name the file will have; the recipient must upload under it.';
  if (t.endsWith('/')) return 'Give a file name, not a folder.';
  if (t.startsWith('/')) return "The name can't start with “/”.";
  return null;
}

/** `name<TAB>url<TAB>expires_at`, one line per link, for a spreadsheet or a message. */
export function copyAllText(links: readonly { name: string; url: string; expires_at: string }[]): string {
  return links.map((l) => `${l.name}\t${l.url}\t${l.expires_at}`).join('\n');
}
