import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import EncryptionSection from './EncryptionSection.svelte';
import { answer, callsOf, engineError } from '../../test/ipc';
import { choiceOf, describeEncryption, encryptionChanged } from './encryption';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const BAD_KEY =
  '"my key" isn\'t a KMS key S3 can use: give a key id, a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID) or an alias (alias/NAME; aliases starting aws/ are AWS\'s own). Nothing was changed.';

let current: unknown = { kind: 'sse_s3' };
const onchanged = vi.fn();

beforeEach(() => {
  current = { kind: 'sse_s3' };
  onchanged.mockReset();
  answer({
    bucket_encryption: () => current,
    set_bucket_encryption: (a: Record<string, unknown>) => {
      const choice = a.choice as { kind: string; key_id?: string | null; bucket_key?: boolean };
      if (choice.key_id === 'my key') return engineError('invalid_input', BAD_KEY);
      current = choice.kind === 'sse_kms' ? { kind: 'sse_kms', key_id: choice.key_id ?? null, bucket_key: choice.bucket_key } : { kind: 'sse_s3' };
      return current;
    },
  });
});

describe('EncryptionSection', () => {
  it('says the default in words and switches it to SSE-KMS with a key and the bucket key', async () => {
    render(EncryptionSection, { props: { connectionId: 'c1', bucket: 'b', onchanged } });
    expect(await screen.findByTestId('encryption-state')).toHaveTextContent('SSE-S3: objects are encrypted with keys the storage manages.');
    expect(screen.getByTestId('encryption-sse_s3')).toBeChecked();
    // Nothing changed yet: nothing to apply.
    expect(screen.queryByTestId('encryption-apply')).toBeNull();

    await fireEvent.click(screen.getByTestId('encryption-sse_kms'));
    const key = screen.getByLabelText('KMS key');
    expect(screen.getByLabelText('Bucket key (fewer KMS requests, lower cost)')).toBeChecked();
    await fireEvent.input(key, { target: { value: ' alias/data ' } });
    await fireEvent.click(screen.getByTestId('encryption-apply'));

    await waitFor(() =>
      expect(callsOf('set_bucket_encryption')).toEqual([{ connectionId: 'c1', bucket: 'b', choice: { kind: 'sse_kms', key_id: 'alias/data', bucket_key: true } }]),
    );
    expect(await screen.findByTestId('encryption-state')).toHaveTextContent('SSE-KMS with the KMS key alias/data, bucket key on (fewer KMS requests).');
    expect(screen.getByTestId('encryption-done')).toHaveTextContent('Recorded in the audit log');
    expect(onchanged).toHaveBeenCalledTimes(1);
  });

  it('shows the refusal of a KMS key at the key field, and sends the AWS-managed key when the field is empty', async () => {
    current = { kind: 'none' };
    render(EncryptionSection, { props: { connectionId: 'c1', bucket: 'b', onchanged } });
    expect(await screen.findByTestId('encryption-state')).toHaveTextContent('No default encryption');
    expect(screen.getByTestId('encryption-sse_s3')).not.toBeChecked();
    expect(screen.getByTestId('encryption-sse_kms')).not.toBeChecked();

    await fireEvent.click(screen.getByTestId('encryption-sse_kms'));
    const key = screen.getByLabelText('KMS key');
    await fireEvent.input(key, { target: { value: 'my key' } });
    await fireEvent.click(screen.getByLabelText('Bucket key (fewer KMS requests, lower cost)'));
    await fireEvent.click(screen.getByTestId('encryption-apply'));
    expect(await screen.findByTestId('encryption-key-error')).toHaveTextContent("isn't a KMS key S3 can use");
    expect(key).toHaveAttribute('aria-invalid', 'true');
    expect(key).toHaveAccessibleDescription(expect.stringContaining("isn't a KMS key S3 can use"));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(onchanged).not.toHaveBeenCalled();

    // Editing the key clears its message; an empty key is the AWS-managed one.
    await fireEvent.input(key, { target: { value: '' } });
    expect(screen.queryByTestId('encryption-key-error')).toBeNull();
    await fireEvent.click(screen.getByTestId('encryption-apply'));
    await waitFor(() => expect(callsOf('set_bucket_encryption')).toHaveLength(2));
    expect(callsOf('set_bucket_encryption')[1]).toEqual({ connectionId: 'c1', bucket: 'b', choice: { kind: 'sse_kms', key_id: null, bucket_key: false } });
    expect(await screen.findByTestId('encryption-state')).toHaveTextContent('SSE-KMS with the AWS-managed key (aws/s3), bucket key off.');
  });

  it('shows DSSE-KMS without offering to change it', async () => {
    current = { kind: 'dsse_kms', key_id: 'arn:aws:kms:eu-west-1:111122223333:key/abc' };
    render(EncryptionSection, { props: { connectionId: 'c1', bucket: 'b' } });
    expect(await screen.findByTestId('encryption-state')).toHaveTextContent('DSSE-KMS: two layers of encryption with the KMS key arn:aws:kms:eu-west-1:111122223333:key/abc.');
    expect(screen.getByTestId('encryption-readonly')).toHaveTextContent("Satchel shows it but doesn't change it");
    expect(screen.queryByTestId('encryption-sse_s3')).toBeNull();
  });

  it('says in place when the storage has no default encryption setting', async () => {
    answer({ bucket_encryption: () => engineError('unsupported', "This storage doesn't support default encryption settings.") });
    render(EncryptionSection, { props: { connectionId: 'c1', bucket: 'b' } });
    expect(await screen.findByTestId('encryption-unsupported')).toHaveTextContent("This storage doesn't support default encryption settings.");
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows other refusals under the editor', async () => {
    answer({
      bucket_encryption: () => ({ kind: 'none' }),
      set_bucket_encryption: () => engineError('access_denied', 'You are not allowed to set default encryption (s3:PutEncryptionConfiguration).'),
    });
    render(EncryptionSection, { props: { connectionId: 'c1', bucket: 'b', onchanged } });
    await fireEvent.click(await screen.findByTestId('encryption-sse_s3'));
    await fireEvent.click(screen.getByTestId('encryption-apply'));
    expect(await screen.findByTestId('encryption-failed')).toHaveTextContent('s3:PutEncryptionConfiguration');
    expect(callsOf('set_bucket_encryption')).toEqual([{ connectionId: 'c1', bucket: 'b', choice: { kind: 'sse_s3' } }]);
    expect(onchanged).not.toHaveBeenCalled();
  });
});

describe('encryption drafts', () => {
  it('say what they would send and whether it changes anything', () => {
    const kms = { kind: 'sse_kms', key_id: 'alias/data', bucket_key: true } as const;
    expect(choiceOf({ kind: null, keyId: '', bucketKey: true })).toBeNull();
    expect(choiceOf({ kind: 'sse_kms', keyId: '  ', bucketKey: true })).toEqual({ kind: 'sse_kms', key_id: null, bucket_key: true });
    expect(encryptionChanged({ kind: 'sse_kms', keyId: 'alias/data ', bucketKey: true }, kms)).toBe(false);
    expect(encryptionChanged({ kind: 'sse_kms', keyId: 'alias/data', bucketKey: false }, kms)).toBe(true);
    expect(encryptionChanged({ kind: 'sse_s3', keyId: '', bucketKey: true }, kms)).toBe(true);
    expect(describeEncryption({ kind: 'other', algorithm: 'SM4' })).toBe("SM4: an encryption Satchel doesn't know.");
  });
});
