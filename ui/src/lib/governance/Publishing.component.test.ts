import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import Publishing from './Publishing.svelte';
import { answer, callsOf, engineError } from '../../test/ipc';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

let site: unknown = { site: { kind: 'off' }, endpoint: null, warning: null };
let rules: unknown[] = [];

beforeEach(() => {
  site = { site: { kind: 'off' }, endpoint: null, warning: null };
  rules = [];
  answer({
    bucket_website: () => site,
    set_bucket_website: (a: Record<string, unknown>) => {
      site = {
        site: a.site,
        endpoint: 'http://bucket-b.s3-website-us-east-1.amazonaws.com',
        warning: "The objects aren't publicly readable, so the site would answer 403 Forbidden.",
      };
      return site;
    },
    bucket_cors: () => rules,
    set_bucket_cors: (a: Record<string, unknown>) => {
      rules = a.template ? [{ AllowedOrigins: ['https://app.example.com'], AllowedMethods: ['PUT', 'GET', 'HEAD'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 3000 }] : [];
      return rules;
    },
    bucket_accelerate: () => engineError('unsupported', "Transfer acceleration is an Amazon S3 feature: this storage doesn't support it."),
  });
});

describe('Publishing', () => {
  it('serves the bucket as a website, says where and why it would answer 403, and allows uploads from one site', async () => {
    render(Publishing, { props: { connectionId: 'c1', bucket: 'bucket-b' } });
    expect(await screen.findByTestId('website-state')).toHaveTextContent('Off: the bucket is not served as a website.');
    expect(screen.getByTestId('cors-none')).toBeInTheDocument();
    expect(screen.getByTestId('accelerate-unavailable')).toHaveTextContent("this storage doesn't support it");

    await fireEvent.click(screen.getByTestId('website-serve'));
    await waitFor(() => expect(callsOf('set_bucket_website')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', site: { kind: 'documents', index: 'index.html', error: null } }]));
    expect(await screen.findByTestId('website-warning')).toHaveTextContent('403 Forbidden');
    expect(screen.getByTestId('website-state')).toHaveTextContent('Serves index.html for each folder.');

    await fireEvent.input(screen.getByTestId('cors-origin'), { target: { value: 'https://app.example.com' } });
    await fireEvent.click(screen.getByTestId('cors-upload'));
    await waitFor(() => expect(callsOf('set_bucket_cors')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', template: { kind: 'presigned_upload', origin: 'https://app.example.com' } }]));
    expect(await screen.findByTestId('cors-rules')).toHaveTextContent('https://app.example.com can PUT, GET, HEAD');
  });
});
