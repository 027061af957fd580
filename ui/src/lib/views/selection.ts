// What the user is looking at: a connection, or one bucket of it.

export interface Selection {
  connectionId: string;
  /** Null when the connection itself is selected. */
  bucket: string | null;
}

export function sameSelection(a: Selection | null, b: Selection | null): boolean {
  return a?.connectionId === b?.connectionId && a?.bucket === b?.bucket;
}

/** A tree row's key: `c:<id>` for a connection, `b:<id>/<bucket>` for a bucket. */
export function rowKey(s: Selection): string {
  return s.bucket === null ? `c:${s.connectionId}` : `b:${s.connectionId}/${s.bucket}`;
}
