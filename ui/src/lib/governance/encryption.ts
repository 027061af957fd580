// A bucket's default encryption in words, and the editor's draft of a new default. What is a valid
// KMS key is the engine's call (`encryption::check`): it refuses with `invalid_input` and says why.
import type { BucketEncryption_Serialize, EncryptionChoice_Deserialize } from '$lib/bindings';

/** The kinds the editor can set; DSSE-KMS and unknown algorithms are shown, not offered. */
export type EditableKind = 'sse_s3' | 'sse_kms';

export const ENCRYPTION_CHOICES: { kind: EditableKind; label: string; meaning: string }[] = [
  { kind: 'sse_s3', label: 'SSE-S3', meaning: 'Encrypted with keys the storage manages. No setup, no extra cost.' },
  {
    kind: 'sse_kms',
    label: 'SSE-KMS',
    meaning: 'Encrypted with a key in AWS KMS: who may use the key is one more check on reading, and each use is logged.',
  },
];

const kmsKey = (keyId: string | null) => (keyId ? `the KMS key ${keyId}` : 'the AWS-managed key (aws/s3)');

/** "SSE-KMS with the KMS key alias/data, bucket key on (fewer KMS requests)". */
export function describeEncryption(e: BucketEncryption_Serialize): string {
  switch (e.kind) {
    case 'none':
      return 'No default encryption: objects are stored as they are sent.';
    case 'sse_s3':
      return 'SSE-S3: objects are encrypted with keys the storage manages.';
    case 'sse_kms':
      return `SSE-KMS with ${kmsKey(e.key_id)}, bucket key ${e.bucket_key ? 'on (fewer KMS requests)' : 'off'}.`;
    case 'dsse_kms':
      return `DSSE-KMS: two layers of encryption with ${kmsKey(e.key_id)}.`;
    case 'other':
      return `${e.algorithm}: an encryption Satchel doesn't know.`;
  }
}

/** What the editor holds: the kind chosen (none yet for a bucket without a default), the key as typed. */
export interface EncryptionDraft {
  kind: EditableKind | null;
  keyId: string;
  bucketKey: boolean;
}

/** The draft that starts from the setting as read; a new SSE-KMS default has the bucket key on. */
export function draftOfEncryption(e: BucketEncryption_Serialize): EncryptionDraft {
  if (e.kind === 'sse_s3') return { kind: 'sse_s3', keyId: '', bucketKey: true };
  if (e.kind === 'sse_kms') return { kind: 'sse_kms', keyId: e.key_id ?? '', bucketKey: e.bucket_key };
  return { kind: null, keyId: '', bucketKey: true };
}

/** The choice to send; an empty key is the AWS-managed one. Null while nothing is chosen. */
export function choiceOf(d: EncryptionDraft): EncryptionChoice_Deserialize | null {
  if (d.kind === 'sse_s3') return { kind: 'sse_s3' };
  if (d.kind === 'sse_kms') return { kind: 'sse_kms', key_id: d.keyId.trim() || null, bucket_key: d.bucketKey };
  return null;
}

/** Whether applying the draft would change the setting as read. */
export function encryptionChanged(d: EncryptionDraft, e: BucketEncryption_Serialize): boolean {
  const choice = choiceOf(d);
  if (!choice) return false;
  if (choice.kind !== e.kind) return true;
  return choice.kind === 'sse_kms' && e.kind === 'sse_kms' && ((choice.key_id ?? null) !== e.key_id || choice.bucket_key !== e.bucket_key);
}
