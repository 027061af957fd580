// Where the object browser is: a bucket and a prefix ("folder"). Reads what users paste into the
// path bar (an s3:// path, an S3 console link, an object's https URL) and splits prefixes into
// breadcrumbs. Pure functions: no IPC, no DOM.

/** A place to go: a folder of a bucket, and optionally an item in it to select once it is listed. */
export interface ParsedLocation {
  bucket: string;
  /** A folder prefix: empty for the bucket's top, otherwise ending with "/". */
  prefix: string;
  /** The full key (or folder prefix) to select in that folder, when the text named an item. */
  select: string | null;
}

export type LocationResult = { ok: true; location: ParsedLocation } | { ok: false; message: string };

export const UNKNOWN_LOCATION =
  "Satchel can't read that location. Paste an s3://bucket/folder/ path or a link from the Amazon S3 console.";

const CONSOLE_HOSTS = [/(^|\.)console\.aws\.amazon\.com$/, /(^|\.)console\.amazonaws\.cn$/, /(^|\.)console\.amazonaws-us-gov\.com$/];
// bucket.s3.amazonaws.com, bucket.s3.eu-west-1.amazonaws.com, bucket.s3-eu-west-1.amazonaws.com
const VIRTUAL_HOSTED = /^(.+)\.s3([.-][a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/;
// s3.amazonaws.com/bucket/key, s3.eu-west-1.amazonaws.com/bucket/key, s3-eu-west-1.amazonaws.com/...
const PATH_STYLE = /^s3([.-][a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/;

/** `s3://bucket/prefix`, as the path bar shows the current place. */
export function formatLocation(bucket: string, prefix: string): string {
  return `s3://${bucket}/${prefix}`;
}

/**
 * A path inside a bucket as a place: a path ending with "/" (or empty) is a folder; otherwise it
 * names an item (file or folder), shown selected in its parent folder.
 */
function place(bucket: string, path: string): LocationResult {
  if (bucket === '') return { ok: false, message: 'That location has no bucket name.' };
  if (path === '' || path.endsWith('/')) return { ok: true, location: { bucket, prefix: path, select: null } };
  return { ok: true, location: { bucket, prefix: parentOf(path), select: path } };
}

function decodePath(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}

function fromConsole(url: URL): LocationResult {
  // /s3/buckets/BUCKET?prefix=a/b/   and   /s3/object/BUCKET?prefix=a/b/key.csv
  const m = /^\/s3\/(buckets|object)\/([^/?#]+)\/?$/.exec(url.pathname);
  if (!m) return { ok: false, message: "That console link doesn't point at a bucket, folder or object." };
  const bucket = decodePath(m[2]);
  if (bucket === null) return { ok: false, message: UNKNOWN_LOCATION };
  const prefix = url.searchParams.get('prefix') ?? '';
  if (m[1] === 'object' && prefix === '') return { ok: false, message: "That console link doesn't say which object." };
  return place(bucket, prefix);
}

function fromHttps(url: URL): LocationResult | null {
  const host = url.hostname.toLowerCase();
  if (CONSOLE_HOSTS.some((re) => re.test(host))) return fromConsole(url);
  const path = decodePath(url.pathname.replace(/^\//, ''));
  if (path === null) return null;
  const virtual = VIRTUAL_HOSTED.exec(host);
  if (virtual) return place(virtual[1], path);
  if (PATH_STYLE.test(host)) {
    const slash = path.indexOf('/');
    return slash < 0 ? place(path, '') : place(path.slice(0, slash), path.slice(slash + 1));
  }
  return null;
}

/** Reads a pasted location; the message says what to paste instead when it can't. */
export function parseLocation(text: string): LocationResult {
  const t = text.trim();
  if (t === '') return { ok: false, message: 'Type or paste a location, such as s3://bucket/folder/.' };
  const s3 = /^s3:\/\/([^/]*)\/?(.*)$/is.exec(t);
  if (s3) return place(s3[1], s3[2]);
  if (/^https?:\/\//i.test(t)) {
    let url: URL;
    try {
      url = new URL(t);
    } catch {
      return { ok: false, message: UNKNOWN_LOCATION };
    }
    return fromHttps(url) ?? { ok: false, message: UNKNOWN_LOCATION };
  }
  return { ok: false, message: UNKNOWN_LOCATION };
}

/** The folder a key or folder is in: `a/b/c.txt` and `a/b/c/` are in `a/b/`; top-level items in "". */
export function parentOf(keyOrPrefix: string): string {
  const trimmed = keyOrPrefix.endsWith('/') ? keyOrPrefix.slice(0, -1) : keyOrPrefix;
  const i = trimmed.lastIndexOf('/');
  return i < 0 ? '' : trimmed.slice(0, i + 1);
}

export interface Crumb {
  label: string;
  prefix: string;
}

/** `a/b/` as [{a, "a/"}, {b, "a/b/"}]; the bucket itself is the caller's first crumb. */
export function crumbsOf(prefix: string): Crumb[] {
  const crumbs: Crumb[] = [];
  let at = 0;
  while (at < prefix.length) {
    const slash = prefix.indexOf('/', at);
    const end = slash < 0 ? prefix.length : slash + 1;
    crumbs.push({ label: prefix.slice(at, slash < 0 ? end : slash), prefix: prefix.slice(0, end) });
    at = end;
  }
  return crumbs;
}

/** `reports`, `/reports/` and `reports//` all mean the folder `reports/`; empty is the top. */
export function normalizeFolder(text: string): string {
  const t = text.trim().replace(/^\/+/, '').replace(/\/{2,}$/, '/');
  return t === '' || t.endsWith('/') ? t : `${t}/`;
}
