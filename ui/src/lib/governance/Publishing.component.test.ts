import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import Publishing from './Publishing.svelte';
import { answer, callsOf, engineError } from '../../test/ipc';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

let site: unknown = { site: { kind: 'off' }, endpoint: null, warning: null, routes: [] };
let rules: unknown[] = [];

beforeEach(() => {
  site = { site: { kind: 'off' }, endpoint: null, warning: null, routes: [] };
  rules = [];
  answer({
    bucket_website: () => site,
    set_bucket_website: (a: Record<string, unknown>) => {
      const routes = ((a.site as { routes?: { prefix: string; new_prefix: string }[] }).routes ?? []).map(
        (r) => `Requests under ${r.prefix} go to ${r.new_prefix} (301)`,
      );
      site = {
        site: a.site,
        endpoint: 'http://bucket-b.s3-website-us-east-1.amazonaws.com',
        warning: "The objects aren't publicly readable, so the site would answer 403 Forbidden.",
        routes,
      };
      return site;
    },
    bucket_cors: () => rules,
    set_bucket_cors: (a: Record<string, unknown>) => {
      rules = a.template ? [{ AllowedOrigins: ['https://app.example.com'], AllowedMethods: ['PUT', 'GET', 'HEAD'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 3000 }] : [];
      return rules;
    },
    set_cors_rules: (a: Record<string, unknown>) => {
      const sent = a.rules as { AllowedOrigins: string[] }[];
      if (sent.some((r) => r.AllowedOrigins.includes('app.example.com'))) {
        return engineError('invalid_input', 'Rule 2: "app.example.com" isn\'t an origin: write scheme and host, as https://app.example.com, with no path.');
      }
      rules = sent;
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
    await waitFor(() => expect(callsOf('set_bucket_website')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', site: { kind: 'documents', index: 'index.html', error: null, routes: [] } }]));
    expect(await screen.findByTestId('website-warning')).toHaveTextContent('403 Forbidden');
    expect(screen.getByTestId('website-state')).toHaveTextContent('Serves index.html for each folder.');

    await fireEvent.input(screen.getByTestId('cors-origin'), { target: { value: 'https://app.example.com' } });
    await fireEvent.click(screen.getByTestId('cors-upload'));
    await waitFor(() => expect(callsOf('set_bucket_cors')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', template: { kind: 'presigned_upload', origin: 'https://app.example.com' } }]));
    expect(await screen.findByTestId('cors-rules')).toHaveTextContent('https://app.example.com can PUT, GET, HEAD, sending any header, and read ETag');
  });

  it('serves a website with a routing rule, and reads the rules back in words', async () => {
    render(Publishing, { props: { connectionId: 'c1', bucket: 'bucket-b' } });
    await fireEvent.click(await screen.findByTestId('route-add'));
    await fireEvent.input(screen.getByLabelText('Key prefix'), { target: { value: 'docs/' } });
    await fireEvent.input(screen.getByLabelText('New prefix'), { target: { value: 'documents/' } });
    await fireEvent.click(screen.getByTestId('website-serve'));
    expect(await screen.findByTestId('website-routes')).toHaveTextContent('Requests under docs/ go to documents/ (301)');
    expect(callsOf('set_bucket_website')[0]).toMatchObject({
      site: { kind: 'documents', routes: [{ prefix: 'docs/', on_error: null, new_prefix: 'documents/', host: null, code: null }] },
    });
  });

  it('edits CORS rules by hand: what the engine refuses is shown by rule, and nothing is lost', async () => {
    rules = [{ AllowedOrigins: ['https://a.example.com'], AllowedMethods: ['GET'], AllowedHeaders: [], ExposeHeaders: [], MaxAgeSeconds: null }];
    render(Publishing, { props: { connectionId: 'c1', bucket: 'bucket-b' } });
    await fireEvent.click(await screen.findByTestId('cors-edit'));
    expect(screen.getAllByTestId('cors-rule')).toHaveLength(1);
    expect(screen.getByTestId('cors-origins')).toHaveValue('https://a.example.com');
    await fireEvent.click(screen.getByTestId('cors-add-rule'));
    const origins = screen.getAllByTestId('cors-origins');
    await fireEvent.input(origins[1], { target: { value: 'app.example.com' } });
    await fireEvent.click(screen.getAllByTestId('cors-method-PUT')[1]);
    await fireEvent.click(screen.getByTestId('cors-save'));
    expect(await screen.findByTestId('cors-error')).toHaveTextContent('Rule 2: "app.example.com" isn\'t an origin');
    // Still editing, with what was typed.
    expect(screen.getAllByTestId('cors-origins')[1]).toHaveValue('app.example.com');

    await fireEvent.input(screen.getAllByTestId('cors-origins')[1], { target: { value: 'https://app.example.com\nhttps://b.example.com' } });
    await fireEvent.click(screen.getByTestId('cors-save'));
    expect(await screen.findByTestId('cors-rules')).toBeInTheDocument();
    expect(callsOf('set_cors_rules')[1]).toEqual({
      connectionId: 'c1',
      bucket: 'bucket-b',
      rules: [
        { AllowedOrigins: ['https://a.example.com'], AllowedMethods: ['GET'], AllowedHeaders: [], ExposeHeaders: [], MaxAgeSeconds: null },
        { AllowedOrigins: ['https://app.example.com', 'https://b.example.com'], AllowedMethods: ['GET', 'PUT', 'HEAD'], AllowedHeaders: [], ExposeHeaders: ['ETag'], MaxAgeSeconds: 3000 },
      ],
    });
    await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(2));
    expect(screen.getAllByRole('listitem')[1]).toHaveTextContent('https://app.example.com, https://b.example.com can GET, PUT, HEAD, and read ETag');
  });
});
