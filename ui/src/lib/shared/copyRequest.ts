// What the copy dialog (objects) hands the transfers panel (uploads) for a copy or move to another
// connection: both domains read it, so it lives here.

/** A copy or move of a selection into a folder of another connection's bucket. */
export interface CopyRequest {
  connectionId: string;
  bucket: string;
  /** The folder the selection was made in. */
  prefix: string;
  keys: string[];
  /** How many files and bytes the selection holds, as far as the window knows (folders count later). */
  files: number | null;
  bytes: number | null;
  destConnectionId: string;
  /** The destination connection's name, for the panel's line. */
  destConnection: string;
  destBucket: string;
  destPrefix: string;
  move: boolean;
}
