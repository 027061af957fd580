// How an upload stores what it sends: a storage class and an encryption, each "the bucket's default"
// unless chosen in the summary sheet. The choice is remembered per connection and bucket
// (localStorage); a value that can't be read or written is ignored: the bucket's defaults are fine.

import type { EncryptionChoice_Deserialize, UploadWrite_Deserialize } from '$lib/bindings';

import { STORAGE_CLASSES, type StorageClass } from '$lib/shared/storageClasses';

export { STORAGE_CLASSES, isArchiveClass, type StorageClass } from '$lib/shared/storageClasses';

export type EncryptionKind = 'default' | 'sse_s3' | 'sse_kms' | 'sse_c';

/** What the sheet's fields hold. */
export interface WriteChoice {
  /** null: the bucket's default class. */
  storageClass: StorageClass | null;
  encryption: EncryptionKind;
  /** For SSE-KMS; empty: the AWS-managed key. */
  kmsKeyId: string;
  bucketKey: boolean;
  /** For SSE-C: the name of one of the connection's customer keys. */
  customerKey: string;
}

export const DEFAULT_CHOICE: WriteChoice = { storageClass: null, encryption: 'default', kmsKeyId: '', bucketKey: false, customerKey: '' };

/** Nothing chosen: the bucket's defaults. */
export const BUCKET_DEFAULTS: UploadWrite_Deserialize = { storage_class: null, encryption: null, customer_key: null };

/** The choice as `start_upload` takes it. */
export function toUploadWrite(c: WriteChoice): UploadWrite_Deserialize {
  let encryption: EncryptionChoice_Deserialize | null = null;
  if (c.encryption === 'sse_s3') encryption = { kind: 'sse_s3' };
  else if (c.encryption === 'sse_kms') encryption = { kind: 'sse_kms', key_id: c.kmsKeyId.trim() || null, bucket_key: c.bucketKey };
  const customer_key = c.encryption === 'sse_c' && c.customerKey ? c.customerKey : null;
  return { storage_class: c.storageClass, encryption, customer_key };
}

const KEY = 'satchel.uploads.write';
const CLASS_IDS: readonly string[] = STORAGE_CLASSES.map((c) => c.value);
const KINDS: readonly string[] = ['default', 'sse_s3', 'sse_kms', 'sse_c'];

const id = (connectionId: string, bucket: string) => `${connectionId}/${bucket}`;

function all(): Record<string, unknown> {
  try {
    const raw = localStorage.getItem(KEY);
    const v: unknown = raw === null ? null : JSON.parse(raw);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The choice last started into this bucket, or the bucket's defaults; each unreadable part is ignored. */
export function savedChoice(connectionId: string, bucket: string): WriteChoice {
  const v = all()[id(connectionId, bucket)] as Partial<Record<keyof WriteChoice, unknown>> | undefined;
  if (!v || typeof v !== 'object') return { ...DEFAULT_CHOICE };
  return {
    storageClass: typeof v.storageClass === 'string' && CLASS_IDS.includes(v.storageClass) ? (v.storageClass as StorageClass) : null,
    encryption: typeof v.encryption === 'string' && KINDS.includes(v.encryption) ? (v.encryption as EncryptionKind) : 'default',
    kmsKeyId: typeof v.kmsKeyId === 'string' ? v.kmsKeyId : '',
    bucketKey: v.bucketKey === true,
    customerKey: typeof v.customerKey === 'string' ? v.customerKey : '',
  };
}

/** Remembers the choice for this bucket; the bucket's defaults are remembered by forgetting. */
export function rememberChoice(connectionId: string, bucket: string, c: WriteChoice): void {
  const saved = all();
  const key = id(connectionId, bucket);
  if (c.storageClass === null && c.encryption === 'default') delete saved[key];
  else
    saved[key] = {
      storageClass: c.storageClass,
      encryption: c.encryption,
      kmsKeyId: c.kmsKeyId.trim(),
      bucketKey: c.bucketKey,
      customerKey: c.customerKey,
    };
  try {
    localStorage.setItem(KEY, JSON.stringify(saved));
  } catch {
    // Storage full or off: nothing is remembered.
  }
}
