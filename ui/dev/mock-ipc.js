// A stand-in for the Tauri bridge, for looking at the UI in a plain browser (dev/shots.mjs injects it
// as an init script). Never part of the app: nothing under src/ imports it.
//
// `?scenario=` in the page URL picks the data: `default`, `empty` (no connections), `fail` (startup
// fails), `many` (long names and many buckets), `small` (2,000 rather than 100,000 objects in
// analytics-exports/raw/).
(() => {
  const scenario = new URLSearchParams(location.search).get('scenario') || 'default';
  const hour = 3600 * 1000;
  const now = Date.now();
  const iso = (msAgo) => new Date(now - msAgo).toISOString();

  const connections = [
    {
      id: 'c-aws',
      name: 'AWS prod',
      endpoint: { kind: 'aws' },
      region: 'eu-west-1',
      addressing: 'virtual_hosted',
      credentials: { kind: 'profile', profile: 'prod' },
    },
    {
      id: 'c-garage',
      name: 'Garage (lab)',
      endpoint: { kind: 'custom', url: 'http://10.0.4.12:3900' },
      region: 'garage',
      addressing: 'path_style',
      credentials: { kind: 'keychain', access_key_id: 'GK31c2f218a2e44f485b94239e' },
    },
    {
      id: 'c-sandbox',
      name: 'Local sandbox',
      endpoint: { kind: 'sandbox' },
      region: 'garage',
      addressing: 'path_style',
      credentials: { kind: 'keychain', access_key_id: 'GKsandbox0001' },
    },
  ];
  if (scenario === 'many') {
    connections.push({
      id: 'c-long',
      name: 'Finance department archive on the Wasabi cloud (Amsterdam)',
      endpoint: { kind: 'custom', url: 'https://s3.eu-central-2.wasabisys.com' },
      region: 'eu-central-2',
      addressing: 'virtual_hosted',
      credentials: { kind: 'environment' },
    });
  }

  const buckets = {
    'c-aws': [
      { name: 'analytics-exports', created: iso(2 * hour), region: 'eu-west-1' },
      { name: 'finance-reports-2024', created: iso(40 * 24 * hour), region: 'eu-west-1' },
      { name: 'marketing-assets', created: iso(400 * 24 * hour), region: 'eu-west-1' },
      { name: 'raw-sensor-data', created: iso(26 * hour), region: 'eu-central-1' },
      { name: 'team-shared', created: iso(3 * 24 * hour), region: 'eu-west-1' },
    ],
    'c-sandbox': [],
    'c-long': Array.from({ length: 40 }, (_, i) => ({
      name: `archive-${String(i + 1).padStart(3, '0')}-quarterly-ledger-exports`,
      created: iso(i * 30 * 24 * hour),
      region: null,
    })),
  };

  const state = {
    connections: scenario === 'empty' ? [] : connections,
    selected: scenario === 'empty' ? null : scenario === 'many' ? 'c-long' : 'c-aws',
  };

  const fail = (code, message, detail = null) => Promise.reject({ code, message, detail });
  const later = (ms, value) => new Promise((r) => setTimeout(() => r(value), ms));

  // Channels: `new Channel()` registers its callback here; a command sends through `args.<name>.id`.
  const callbacks = new Map();
  let nextCallback = 1;
  const send = (channel, index, message) => callbacks.get(channel.id)?.({ index, message });

  // Long operations by id, so cancel_operation can stop them.
  const operations = new Map();
  const cancellable = (opId, ms, value) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        operations.delete(opId);
        resolve(value);
      }, ms);
      operations.set(opId, () => {
        clearTimeout(timer);
        reject({ code: 'cancelled', message: 'Cancelled.', detail: null });
      });
    });

  // The engine's bucket-name rules, roughly, with messages that name the rule.
  function bucketNameRule(name) {
    if (name.length < 3 || name.length > 63) return 'Bucket names must be 3 to 63 characters long.';
    if (/[A-Z]/.test(name)) return 'Bucket names can only use lowercase letters: change the capital letters.';
    if (/[^a-z0-9.-]/.test(name)) return 'Bucket names can only contain lowercase letters, digits, hyphens (-) and dots (.).';
    if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'Bucket names must begin and end with a letter or digit.';
    if (name.includes('..')) return "Bucket names can't have two dots in a row.";
    if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "Bucket names can't look like an IP address.";
    return null;
  }

  const regions = [
    ['us-east-1', 'US East (N. Virginia)'],
    ['us-west-2', 'US West (Oregon)'],
    ['ca-central-1', 'Canada (Central)'],
    ['eu-west-1', 'Europe (Ireland)'],
    ['eu-west-2', 'Europe (London)'],
    ['eu-west-3', 'Europe (Paris)'],
    ['eu-central-1', 'Europe (Frankfurt)'],
    ['eu-north-1', 'Europe (Stockholm)'],
    ['ap-southeast-2', 'Asia Pacific (Sydney)'],
    ['ap-northeast-1', 'Asia Pacific (Tokyo)'],
  ];

  const setting = (state, text) => ({ state, text });
  const overviews = {
    'finance-reports-2024': {
      versioning: setting('on', 'Enabled'),
      object_lock: setting('on', 'Governance mode, 7 years by default'),
      public_access_block: setting('on', 'All four settings on'),
      encryption: setting('on', 'SSE-KMS (alias/finance)'),
    },
    'marketing-assets': {
      versioning: setting('off', 'Never enabled'),
      object_lock: setting('off', ''),
      public_access_block: setting('partial', '2 of 4 settings on: public policies are allowed'),
      encryption: setting('on', 'SSE-S3 (AES-256)'),
    },
  };
  const censuses = {
    'finance-reports-2024': { current_objects: 1204, noncurrent_versions: 37, delete_markers: 5, unfinished_uploads: 2, bytes: 3.2e9 },
    'team-shared': { current_objects: 18, noncurrent_versions: 0, delete_markers: 0, unfinished_uploads: 0, bytes: 52e6 },
  };

  const handlers = {
    startup: () =>
      scenario === 'fail'
        ? fail('config', "Satchel's settings file can't be written.", 'Permission denied (os error 13): /home/ana/.config/satchel/connections.json')
        : later(80, {
            connections: state.connections,
            selected: state.selected,
            notices:
              scenario === 'default'
                ? ['The system keychain can\'t be used, so the sandbox\'s keys are temporary and change when Satchel restarts.']
                : [],
          }),
    list_connections: () => later(30, state.connections),
    select_connection: ({ id }) => {
      state.selected = id;
      return later(10, null);
    },
    list_buckets: ({ connectionId }) =>
      connectionId === 'c-garage'
        ? later(400, null).then(() =>
            fail('unreachable', 'Nothing answered at 10.0.4.12:3900.', 'dispatch failure: io error: Connection refused (os error 111)'),
          )
        : later(300, buckets[connectionId] || []),
    list_aws_profiles: () => later(20, ['default', 'prod', 'analytics-readonly']),
    sandbox_info: () =>
      later(20, {
        endpoint: 'http://127.0.0.1:39001',
        access_key_id: 'GKsandbox0001',
        folder: '/home/ana/.local/share/satchel/sandbox',
        keys_persisted: false,
      }),
    test_connection: ({ id }) =>
      id === 'c-garage'
        ? later(600, null).then(() => fail('unreachable', 'Nothing answered at 10.0.4.12:3900.', 'Connection refused (os error 111)'))
        : later(500, { bucket_count: (buckets[id] || []).length, region: 'eu-west-1', corrected_region: null, elapsed_ms: 184 }),
    test_draft: ({ draft }) =>
      draft.credentials.kind === 'keychain' && draft.secret_access_key === 'wrong'
        ? later(400, null).then(() =>
            fail('wrong_secret', 'The storage refused the secret access key.', 'SignatureDoesNotMatch (HTTP 403), request id 17F2A9C3D5E1B0A4'),
          )
        : later(400, { bucket_count: 3, region: 'garage', corrected_region: draft.region === 'garage' ? null : 'garage', elapsed_ms: 120 }),
    save_connection: ({ draft }) => {
      const saved = {
        id: draft.id || `c-${Math.random().toString(36).slice(2, 8)}`,
        name: draft.name,
        endpoint: draft.endpoint,
        region: draft.region,
        addressing: draft.addressing,
        credentials: draft.credentials,
      };
      state.connections = [...state.connections.filter((c) => c.id !== saved.id), saved];
      return later(200, saved);
    },
    remove_connection: ({ id }) => {
      state.connections = state.connections.filter((c) => c.id !== id);
      return later(100, null);
    },
    check_bucket_name: ({ name }) => {
      const rule = bucketNameRule(name);
      return rule ? fail('invalid_input', rule) : later(5, null);
    },
    list_regions: () => later(20, regions),
    create_bucket: ({ connectionId, spec }) => {
      const list = (buckets[connectionId] = buckets[connectionId] || []);
      if (list.some((b) => b.name === spec.name)) {
        return later(300, null).then(() =>
          fail('already_exists', `You already have a bucket called ${spec.name} on this connection.`),
        );
      }
      if (spec.name === 'photos' || spec.name === 'backup') {
        return later(300, null).then(() =>
          fail(
            'already_exists',
            `Someone else already has a bucket called ${spec.name}: names are shared by everyone on Amazon S3. Choose another name.`,
            'BucketAlreadyExists (HTTP 409), request id 4F1B2C3D4E5F6A7B',
          ),
        );
      }
      const conn = state.connections.find((c) => c.id === connectionId);
      const region = spec.region || conn?.region || 'us-east-1';
      list.push({ name: spec.name, created: new Date().toISOString(), region });
      const aws = conn?.endpoint.kind === 'aws';
      const applied = [];
      const skipped = [];
      const add = (wanted, what, reason) => wanted && (aws ? applied.push(what) : skipped.push({ setting: what, reason }));
      add(spec.block_public_access, 'Block Public Access', 'This storage does not support Block Public Access.');
      add(true, `Object ownership: ${spec.ownership.replaceAll('_', ' ')}`, 'This storage has no object ownership setting; it has no ACLs.');
      if (spec.encryption.kind !== 'storage_default') {
        add(true, `Default encryption (${spec.encryption.kind === 'sse_kms' ? 'SSE-KMS' : 'SSE-S3'})`, 'This storage does not support default encryption.');
      }
      if (spec.versioning) applied.push('Versioning');
      add(spec.object_lock, 'Object lock', 'This storage does not support object lock.');
      if (spec.tags.length) applied.push(`${spec.tags.length} tag${spec.tags.length === 1 ? '' : 's'}`);
      return later(600, { name: spec.name, region, applied, skipped });
    },
    bucket_overview: ({ connectionId, bucket }) => {
      const conn = state.connections.find((c) => c.id === connectionId);
      const region = (buckets[connectionId] || []).find((b) => b.name === bucket)?.region || conn?.region || 'us-east-1';
      if (conn?.endpoint.kind !== 'aws') {
        return later(300, {
          name: bucket,
          region,
          versioning: setting('off', 'Never enabled'),
          object_lock: setting('unsupported', 'This storage has no object lock'),
          public_access_block: setting('unsupported', 'This storage has no Block Public Access'),
          encryption: setting('unknown', 'The storage answered with an error: NotImplemented'),
        });
      }
      return later(350, {
        name: bucket,
        region,
        ...(overviews[bucket] || {
          versioning: setting('on', 'Enabled'),
          object_lock: setting('off', ''),
          public_access_block: setting('on', 'All four settings on'),
          encryption: setting('denied', 'Not allowed to read the encryption settings (s3:GetEncryptionConfiguration)'),
        }),
      });
    },
    bucket_census: ({ connectionId, bucket, opId }) => {
      const conn = state.connections.find((c) => c.id === connectionId);
      const aws = conn?.endpoint.kind === 'aws';
      const base = censuses[bucket] || { current_objects: 0, noncurrent_versions: 0, delete_markers: 0, unfinished_uploads: 0, bytes: 0 };
      const census = aws
        ? { ...base, versions_listed: true, uploads_listed: true }
        : { ...base, noncurrent_versions: null, delete_markers: null, versions_listed: false, uploads_listed: true };
      return cancellable(opId, bucket === 'raw-sensor-data' ? 60000 : 1200, census);
    },
    delete_bucket: ({ bucket, connectionId, opId, progress }) => {
      const base = censuses[bucket] || { current_objects: 0, noncurrent_versions: 0, delete_markers: 0, unfinished_uploads: 0 };
      const total = base.current_objects + base.noncurrent_versions + base.delete_markers;
      const locked = bucket === 'finance-reports-2024';
      const steps = 24;
      return new Promise((resolve) => {
        let i = 0;
        let deleted = 0;
        let cancelled = false;
        const report = () => ({
          deleted,
          uploads_aborted: cancelled ? 0 : base.unfinished_uploads,
          remaining:
            locked && !cancelled
              ? [
                  { key: 'ledgers/2019/q4-closing.xlsx', version_id: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY', reason: 'Protected by a legal hold' },
                  { key: 'ledgers/2020/q1-closing.xlsx', version_id: 'UIORUnfndfhnw89493jJFJ', reason: 'Protected by a legal hold' },
                  { key: 'audit/board-minutes-2021-03.pdf', version_id: 'null', reason: 'Locked until 14 Mar 2031 (compliance mode)' },
                ]
              : [],
          uploads_remaining: [],
          bucket_deleted: !locked && !cancelled,
          cancelled,
        });
        operations.set(opId, () => {
          cancelled = true;
        });
        const tick = () => {
          if (cancelled || i >= steps) {
            operations.delete(opId);
            send(progress, i, { phase: 'done', deleted, failed: locked ? 3 : 0, uploads_aborted: base.unfinished_uploads });
            if (!locked && !cancelled) buckets[connectionId] = (buckets[connectionId] || []).filter((b) => b.name !== bucket);
            resolve(report());
            return;
          }
          i += 1;
          deleted = Math.min(total - (locked ? 3 : 0), Math.round((total * i) / (steps - 4)));
          const phase = i < steps - 4 ? 'deleting_versions' : i < steps - 1 ? 'aborting_uploads' : 'deleting_bucket';
          send(progress, i - 1, { phase, deleted, failed: locked && i > 10 ? 3 : 0, uploads_aborted: phase === 'deleting_versions' ? 0 : base.unfinished_uploads });
          setTimeout(tick, 250);
        };
        setTimeout(tick, 100);
      });
    },
    cancel_operation: ({ opId }) => {
      const stop = operations.get(opId);
      operations.delete(opId);
      stop?.();
      return later(5, Boolean(stop));
    },
  };


  // ---- Objects: a small tree per bucket, and a folder of 100,000 objects in analytics-exports/raw/ ----
  const day = 24 * hour;
  const objects = new Map(); // bucket -> sorted [{key, size, last_modified, storage_class, etag}]
  let etagSeed = 1;
  const etag = () => `"${(etagSeed++ * 2654435761 >>> 0).toString(16).padStart(8, '0')}9c1e4f0b7a2d5e8c3f6a1b4d"`;
  const entry = (key, size, msAgo, storage_class = 'STANDARD') => ({ key, size, last_modified: iso(msAgo), storage_class, etag: etag() });

  function seedAnalytics() {
    const list = [
      entry('README.md', 2_310, 3 * day),
      entry('config.json', 1_482, 26 * hour),
      entry('daily-summary.csv', 48_211, 40 * 60 * 1000),
      entry('dashboard.png', 182_334, 5 * day),
      entry('exports/', 0, 90 * day),
      entry('exports/customers-2025-06.csv', 12_400_512, 20 * day),
      entry('exports/customers-2025-07.csv', 12_933_004, 2 * hour),
      entry('exports/orders-2025-07.parquet', 402_113_222, 3 * hour, 'INTELLIGENT_TIERING'),
      entry('exports/locked-ledger.csv', 9_001, 200 * day, 'GLACIER'),
      entry('logs/app-2025-07-14.log', 3_400_122, 30 * hour),
      entry('logs/app-2025-07-15.log', 2_100_876, 6 * hour),
      entry('reports/2024/q1.csv', 220_114, 300 * day),
      entry('reports/2024/q2.csv', 231_876, 210 * day),
      entry('reports/2024/q3.csv', 198_002, 120 * day),
      entry('reports/2024/q4.json', 18_553, 30 * day),
      entry('reports/2025/q1.csv', 244_901, 50 * day, 'STANDARD_IA'),
      entry('reports/2025/board-pack.pdf', 5_800_123, 12 * day),
      entry('reports/summary.json', 3_204, 3 * hour),
    ];
    const n = scenario === 'small' ? 2_000 : 100_000;
    for (let i = 0; i < n; i++) {
      const id = String(i).padStart(6, '0');
      list.push({
        key: `raw/events-${id}.json.gz`,
        size: 40_000 + ((i * 7919) % 900_000),
        last_modified: iso((n - i) * 41_000),
        storage_class: i % 17 === 0 ? 'STANDARD_IA' : 'STANDARD',
        etag: `"${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}0a1b2c3d4e5f60718293a4b5"`,
      });
    }
    return list;
  }

  function bucketObjects(bucket) {
    if (!objects.has(bucket)) {
      const list =
        bucket === 'analytics-exports'
          ? seedAnalytics()
          : bucket === 'team-shared'
            ? [entry('welcome.txt', 612, 10 * day), entry('handbook/', 0, 10 * day), entry('handbook/onboarding.md', 9_402, 9 * day)]
            : bucket === 'finance-reports-2024'
              ? [entry('ledgers/2024-q1.xlsx', 1_204_332, 100 * day), entry('ledgers/2024-q2.xlsx', 1_388_002, 10 * day)]
              : [];
      list.sort((a, b) => (a.key < b.key ? -1 : 1));
      objects.set(bucket, list);
    }
    return objects.get(bucket);
  }

  const setList = (bucket, list) => objects.set(bucket, list.sort((a, b) => (a.key < b.key ? -1 : 1)));

  /** The pages of a listing, 1,000 entries (objects + folders) each, as S3 pages them. */
  function listingPages(bucket, prefix, recursive) {
    const rows = [];
    const seen = new Set();
    for (const o of bucketObjects(bucket)) {
      if (!o.key.startsWith(prefix)) continue;
      if (!recursive) {
        const rest = o.key.slice(prefix.length);
        const slash = rest.indexOf('/');
        if (slash >= 0) {
          const folder = prefix + rest.slice(0, slash + 1);
          if (!seen.has(folder)) {
            seen.add(folder);
            rows.push({ folder });
          }
          continue;
        }
        if (o.key === prefix && prefix !== '') continue;
      }
      rows.push({ object: o });
    }
    const pages = [];
    for (let i = 0; i < rows.length || pages.length === 0; i += 1000) {
      const chunk = rows.slice(i, i + 1000);
      pages.push({
        folders: chunk.filter((r) => r.folder).map((r) => r.folder),
        objects: chunk.filter((r) => r.object).map((r) => r.object),
        next: i + 1000 < rows.length ? `token-${i + 1000}` : null,
      });
    }
    return pages;
  }

  function expand(bucket, selection) {
    const keys = new Set();
    for (const item of selection) {
      if (item.endsWith('/')) for (const o of bucketObjects(bucket)) o.key.startsWith(item) && keys.add(o.key);
      else keys.add(item);
    }
    return [...keys].sort();
  }

  function folderRule(name) {
    const t = name.trim();
    if (t === '') return 'Give the folder a name.';
    if (t.includes('/')) return 'Folder names can\'t contain "/": make one folder at a time.';
    if (t === '.' || t === '..') return 'Folder names can\'t be "." or "..".';
    return null;
  }

  const TYPES = { csv: 'text/csv', json: 'application/json', md: 'text/markdown', log: 'text/plain', png: 'image/png', pdf: 'application/pdf', gz: 'application/gzip', parquet: 'application/octet-stream', txt: 'text/plain', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
  const typeOf = (key) => TYPES[key.split('.').pop().toLowerCase()] || 'binary/octet-stream';

  function csvText(rows) {
    const lines = ['order_id,customer,country,amount_eur,placed_at,note'];
    const names = ['Ana Pereira', 'Bram de Vries', 'Chloé Martin', 'Dmitri Ivanov', 'Eun-ji Park', 'Fatima Zahra', 'Giulia Rossi'];
    const countries = ['PT', 'NL', 'FR', 'DE', 'KR', 'MA', 'IT'];
    for (let i = 1; i <= rows; i++) {
      const note = i % 9 === 0 ? '"gift, wrapped"' : i % 13 === 0 ? '"said ""urgent"""' : '';
      lines.push(`${10000 + i},${names[i % 7]},${countries[i % 7]},${((i * 37.31) % 900 + 10).toFixed(2)},2025-07-${String((i % 28) + 1).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:15:00Z,${note}`);
    }
    return lines.join('\n') + '\n';
  }

  const sampleSvg = (label) =>
    'data:image/svg+xml;base64,' +
    btoa(`<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360"><rect width="640" height="360" fill="#f4f6fb"/><g fill="#2f6fd6">${[120, 180, 90, 240, 200, 280, 150, 300].map((h, i) => `<rect x="${50 + i * 70}" y="${320 - h}" width="44" height="${h}" rx="4" opacity="${0.55 + i * 0.05}"/>`).join('')}</g><text x="40" y="40" font-family="sans-serif" font-size="20" fill="#1c1c1f">${label}</text></svg>`);

  function preview(bucket, key) {
    const o = bucketObjects(bucket).find((x) => x.key === key);
    if (!o) return fail('not_found', `There's no object s3://${bucket}/${key} (it may have just been deleted).`);
    const ext = key.split('.').pop().toLowerCase();
    if (ext === 'png') return later(250, { kind: 'image', data_url: sampleSvg('Weekly active users') });
    if (ext === 'csv') return later(250, { kind: 'text', text: csvText(key.includes('daily') ? 40 : 400), truncated: !key.includes('daily'), content_type: 'text/csv' });
    if (ext === 'json')
      return later(200, {
        kind: 'text',
        text: JSON.stringify({ report: key, generated_at: iso(3 * hour), totals: { orders: 18233, revenue_eur: 1289331.4, refunds: 212 }, regions: [{ code: 'EU', share: 0.61 }, { code: 'NA', share: 0.27 }, { code: 'APAC', share: 0.12 }], draft: false }),
        truncated: false,
        content_type: 'application/json',
      });
    if (ext === 'md' || ext === 'txt' || ext === 'log') {
      const text = ext === 'log' ? Array.from({ length: 4000 }, (_, i) => `2025-07-15T06:${String(i % 60).padStart(2, '0')}:12Z INFO worker-${i % 8} processed batch ${i} in ${(i * 13) % 900} ms`).join('\n') : `# ${bucket}\n\nExports for the analytics team.\n\n- raw/: event dumps, one file per 10 minutes\n- exports/: monthly extracts\n- reports/: quarterly reports\n`;
      return later(200, { kind: 'text', text, truncated: ext === 'log', content_type: typeOf(key) });
    }
    return later(200, { kind: 'none', reason: "This file isn't text or an image Satchel can preview." });
  }

  // Share links: the AWS connection signs with SSO credentials that end in 2 h 50 min.
  const credentialsEnd = now + 2 * hour + 50 * 60 * 1000;
  const history = [];
  let linkSeq = 1;
  function sign(connectionId, request) {
    if (request.kind === 'download' && !bucketObjects(request.bucket).some((o) => o.key === request.key)) {
      return fail('not_found', `There's no object at s3://${request.bucket}/${request.key}, so there is nothing to share.`);
    }
    if (request.key.includes('locked')) {
      return fail('access_denied', `These credentials can't read s3://${request.bucket}/${request.key}, so a link signed with them would be refused.`, 'AccessDenied (HTTP 403), request id 8D2F61A0C3B9E471');
    }
    const at = Date.now();
    const aws = connectionId === 'c-aws';
    const limited = aws && at + request.expires_secs * 1000 > credentialsEnd;
    const effective = limited ? Math.floor((credentialsEnd - at) / 1000) : request.expires_secs;
    const expires_at = new Date(at + effective * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    const host = aws ? `${request.bucket}.s3.eu-west-1.amazonaws.com` : `127.0.0.1:39001/${request.bucket}`;
    const url = `https://${host}/${request.key.split('/').map(encodeURIComponent).join('/')}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAEXAMPLE7Q2%2F20250715%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20250715T104100Z&X-Amz-Expires=${effective}&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEMock&X-Amz-SignedHeaders=host&X-Amz-Signature=${(at % 1e12).toString(16)}a94f1c0e3b2d7f6e5a4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e`;
    history.unshift({ id: `l-${linkSeq++}`, connection_id: connectionId, request, issued_at: new Date(at).toISOString(), expires_at });
    return later(350, {
      url,
      kind: request.kind,
      expires_at,
      effective_secs: effective,
      limited_by_credentials: limited,
      warning: limited ? `This link stops working at ${expires_at}, earlier than asked, because the credentials that sign it expire then.` : null,
      curl: request.kind === 'upload' ? `curl -T file${request.content_type ? ` -H 'Content-Type: ${request.content_type}'` : ''} '${url}'` : null,
    });
  }
  // Some history from earlier sessions.
  history.push(
    { id: 'l-old-1', connection_id: 'c-aws', request: { bucket: 'analytics-exports', key: 'exports/customers-2025-06.csv', kind: 'download', expires_secs: 86400, filename: null, content_type: null }, issued_at: iso(5 * hour), expires_at: new Date(now + 19 * hour).toISOString() },
    { id: 'l-old-2', connection_id: 'c-aws', request: { bucket: 'team-shared', key: 'incoming/scan-0042.pdf', kind: 'upload', expires_secs: 3600, filename: null, content_type: 'application/pdf' }, issued_at: iso(3 * day), expires_at: iso(3 * day - hour) },
    { id: 'l-old-3', connection_id: 'c-garage', request: { bucket: 'photos', key: '2025/summer/IMG_2211.jpg', kind: 'download', expires_secs: 604800, filename: null, content_type: null }, issued_at: iso(2 * day), expires_at: new Date(now + 5 * day).toISOString() },
  );

  function fakeQr(text) {
    let h = 2166136261;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    const n = 29;
    let cells = '';
    const finder = (x, y) => `<path d="M${x} ${y}h7v7h-7z M${x + 1} ${y + 1}v5h5v-5z" fill-rule="evenodd"/><rect x="${x + 2}" y="${y + 2}" width="3" height="3"/>`;
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++) {
        const inFinder = (x < 8 && y < 8) || (x > n - 9 && y < 8) || (x < 8 && y > n - 9);
        h = Math.imul(h ^ (x * 31 + y), 16777619);
        if (!inFinder && (h >>> 29) & 1) cells += `<rect x="${x}" y="${y}" width="1" height="1"/>`;
      }
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="-2 -2 ${n + 4} ${n + 4}" shape-rendering="crispEdges"><rect x="-2" y="-2" width="${n + 4}" height="${n + 4}" fill="#fff"/><g fill="#000">${finder(0, 0)}${finder(n - 7, 0)}${finder(0, n - 7)}${cells}</g></svg>`;
  }

  Object.assign(handlers, {
    list_objects: ({ bucket, prefix, recursive, opId, pages }) => {
      if (bucket === 'raw-sensor-data') {
        return later(700, null).then(() =>
          fail('access_denied', "You don't have permission to list the objects in raw-sensor-data.", 'AccessDenied (HTTP 403) on ListObjectsV2, request id 5C1A9B7E2D4F6031'),
        );
      }
      const all = listingPages(bucket, prefix, recursive);
      const total = all.reduce((n, p) => n + p.objects.length, 0);
      return new Promise((resolve, reject) => {
        let i = 0;
        let timer = null;
        const tick = () => {
          send(pages, i, all[i]);
          i += 1;
          if (i >= all.length) {
            operations.delete(opId);
            resolve(total);
          } else timer = setTimeout(tick, 45);
        };
        operations.set(opId, () => {
          clearTimeout(timer);
          reject({ code: 'cancelled', message: 'Listing was cancelled.', detail: null });
        });
        timer = setTimeout(tick, 250);
      });
    },
    object_properties: ({ bucket, key }) => {
      const o = bucketObjects(bucket).find((x) => x.key === key);
      if (!o) return later(100, null).then(() => fail('not_found', `There's no object s3://${bucket}/${key} (it may have just been deleted).`));
      const kms = bucket === 'finance-reports-2024' || key.startsWith('exports/');
      return later(180, { ...propertiesOf(bucket, key, o, kms), ...(metadataEdits.get(`${bucket}/${key}`) || {}) });
    },
    object_tags: ({ bucket, key }) => later(120, (tags.get(`${bucket}/${key}`) || []).slice()),
    set_object_tags: ({ bucket, key, tags: next }) => {
      tags.set(`${bucket}/${key}`, next);
      return later(200, null);
    },
    // Progress per object; keys with "locked" in them are refused, as a bucket policy would.
    bulk_tag: ({ bucket, selection, tags: changes, remove, mode, opId, progress }) => {
      const keys = expand(bucket, selection);
      return new Promise((resolve) => {
        let done = 0;
        let cancelled = false;
        const failed = [];
        operations.set(opId, () => (cancelled = true));
        const tick = () => {
          if (cancelled || done === keys.length) {
            operations.delete(opId);
            resolve({ tagged: done - failed.length, failed, cancelled });
            return;
          }
          const key = keys[done];
          if (key.includes('locked')) failed.push({ key, reason: 'Access Denied: the bucket policy protects this object.' });
          else {
            const now = mode === 'replace' ? [] : (tags.get(`${bucket}/${key}`) || []).filter((t) => !changes.some((c) => c.key === t.key));
            tags.set(`${bucket}/${key}`, [...now, ...changes].filter((t) => !remove.includes(t.key)));
          }
          done += 1;
          send(progress, done - 1, [done, keys.length]);
          setTimeout(tick, 40);
        };
        if (keys.length === 0) resolve({ tagged: 0, failed: [], cancelled: false });
        else setTimeout(tick, 300);
      });
    },
    edit_metadata: ({ bucket, key, edit }) => {
      const id = `${bucket}/${key}`;
      const next = { ...(metadataEdits.get(id) || {}) };
      for (const [field, value] of Object.entries(edit)) if (value !== null && value !== undefined) next[field] = value === '' ? null : value;
      next.etag = etag();
      next.last_modified = iso(0);
      metadataEdits.set(id, next);
      const o = bucketObjects(bucket).find((x) => x.key === key);
      if (o && edit.storage_class) o.storage_class = edit.storage_class;
      return later(400, null);
    },
  });

  const tags = new Map(); // "bucket/key" -> [{key, value}]
  const metadataEdits = new Map(); // "bucket/key" -> properties changed by edit_metadata
  tags.set('analytics-exports/exports/customers-2025-07.csv', [
    { key: 'team', value: 'data' },
    { key: 'retention', value: '1y' },
  ]);

  function propertiesOf(bucket, key, o, kms) {
    return {
        key,
        size: o.size,
        etag: o.etag,
        content_type: typeOf(key),
        cache_control: key.endsWith('.png') ? 'max-age=86400' : null,
        content_disposition: null,
        content_encoding: key.endsWith('.gz') ? 'gzip' : null,
        storage_class: o.storage_class,
        encryption: kms ? 'aws:kms' : 'AES256',
        kms_key_id: kms ? 'arn:aws:kms:eu-west-1:123456789012:key/4f2c1b9e-8d7a-4c3b-9e1f-0a2b3c4d5e6f' : null,
        version_id: key.startsWith('reports/') ? '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY' : null,
        last_modified: o.last_modified,
        checksums: key.endsWith('.csv') ? [['CRC64NVME', 'kL0Zs1v8bX4=']] : [],
        metadata: key.startsWith('exports/') ? [['exported-by', 'airflow'], ['source', 'warehouse.orders']] : [],
    };
  }

  Object.assign(handlers, {
    count_selection: ({ bucket, selection, opId }) => cancellable(opId, 500, expand(bucket, selection).length),
    delete_objects: ({ bucket, selection, opId }) => {
      const keys = expand(bucket, selection);
      const failed = keys.filter((k) => k.includes('locked')).map((key) => ({ key, reason: 'Access Denied: the bucket policy protects this object.' }));
      const gone = new Set(keys.filter((k) => !k.includes('locked')));
      return cancellable(opId, 700, { deleted: gone.size, failed }).then((r) => {
        setList(bucket, bucketObjects(bucket).filter((o) => !gone.has(o.key)));
        return r;
      });
    },
    create_folder: ({ bucket, parent, name }) => {
      const rule = folderRule(name);
      if (rule) return fail('invalid_input', rule);
      const key = `${parent}${name.trim()}/`;
      if (bucketObjects(bucket).some((o) => o.key.startsWith(key))) return fail('already_exists', `There's already a folder called “${name.trim()}” here.`);
      setList(bucket, [...bucketObjects(bucket), entry(key, 0, 0)]);
      return later(250, key);
    },
    rename_item: ({ bucket, item, newName, opId }) => {
      const rule = folderRule(newName);
      if (rule) return fail('invalid_input', rule.replace('Folder names', 'Names').replace('the folder', 'it'));
      const isFolder = item.endsWith('/');
      const trimmed = isFolder ? item.slice(0, -1) : item;
      const parent = trimmed.slice(0, trimmed.lastIndexOf('/') + 1);
      const target = `${parent}${newName.trim()}${isFolder ? '/' : ''}`;
      const keys = expand(bucket, [item]);
      return cancellable(opId, 600, null).then(() => {
        const moved = new Set(keys);
        const list = bucketObjects(bucket).map((o) => (moved.has(o.key) ? { ...o, key: target + o.key.slice(item.length) } : o));
        setList(bucket, list);
        return { copied: keys.length, deleted: keys.length, failed: [] };
      });
    },
    copy_items: ({ bucket, selection, destBucket, destPrefix, moveItems, opId }) => {
      const plan = [];
      for (const item of selection) {
        const trimmed = item.endsWith('/') ? item.slice(0, -1) : item;
        const parentLen = trimmed.lastIndexOf('/') + 1;
        for (const key of expand(bucket, [item])) plan.push([key, destPrefix + key.slice(parentLen)]);
      }
      return cancellable(opId, 900, null).then(() => {
        const failed = plan.filter(([k]) => k.includes('locked')).map(([key]) => ({ key, reason: 'Access Denied: GLACIER objects must be restored before they can be copied.' }));
        const ok = plan.filter(([k]) => !k.includes('locked'));
        const src = bucketObjects(bucket);
        const copies = ok.map(([k, d]) => ({ ...src.find((o) => o.key === k), key: d }));
        const dest = bucketObjects(destBucket).filter((o) => !copies.some((c) => c.key === o.key));
        setList(destBucket, [...dest, ...copies]);
        if (moveItems) {
          const gone = new Set(ok.map(([k]) => k));
          setList(bucket, bucketObjects(bucket).filter((o) => !gone.has(o.key)));
        }
        return { copied: ok.length, deleted: moveItems ? ok.length : 0, failed };
      });
    },
    preview_object: ({ bucket, key }) => preview(bucket, key),
    share_link: ({ connectionId, request }) => sign(connectionId, request),
    link_history: () => later(120, history.slice()),
    reissue_link: ({ id }) => {
      const old = history.find((l) => l.id === id);
      if (!old) return fail('not_found', 'That link is no longer in the history.');
      return sign(old.connection_id, old.request);
    },
    forget_link: ({ id }) => {
      const i = history.findIndex((l) => l.id === id);
      if (i >= 0) history.splice(i, 1);
      return later(60, null);
    },
    qr_code: ({ text }) => later(80, fakeQr(text)),
  });

  // Uploads: files held by id (the paths never reach the window), plans, batches that send through
  // their channel at 10 Hz with pause and cancel, the resume journal, required tags and bucket tags.
  // Keys with "locked" in them fail, as a bucket policy would refuse them.
  const held = new Map(); // sources_id -> { files: [{ name, size }], problems }
  const plans = new Map(); // plan_id -> { connectionId, bucket, prefix, items: [{ key, size }], problems, settled, journal }
  const pauses = new Map(); // opId -> pause()
  let seq = 1;
  const id = (p) => `${p}-${seq++}`;
  const MB = 1_000_000;

  const requiredTags = new Map([
    ['c-aws/', [{ key: 'cost-center', allowed: [] }]],
    ['c-aws/finance-reports-2024', [{ key: 'project', allowed: ['ledger', 'audit', 'tax'] }]],
  ]);
  const rememberedTags = new Map([['c-aws', [{ key: 'cost-center', value: 'CC-4711' }]]]);
  const bucketTags = new Map([
    ['finance-reports-2024', [{ key: 'team', value: 'finance' }, { key: 'retention', value: '7y' }, { key: 'cost-center', value: 'CC-4711' }]],
    ['analytics-exports', [{ key: 'team', value: 'data' }]],
  ]);
  const multipart = new Map([
    ['finance-reports-2024', [
      { key: 'ledgers/2023-archive.zip', upload_id: 'mpu-1', initiated: Math.floor((now - 3 * day) / 1000), parts: 41, bytes: 2.1e9 },
      { key: 'scans/batch-0913.tar', upload_id: 'mpu-2', initiated: Math.floor((now - 40 * day) / 1000), parts: 7, bytes: 3.6e8 },
    ]],
    ['analytics-exports', [
      { key: 'raw/events-dump-2025-07-01.json.gz', upload_id: 'mpu-3', initiated: Math.floor((now - 5 * hour) / 1000), parts: 3, bytes: 2.4e7 },
    ]],
  ]);
  const journal = scenario === 'default'
    ? [
        { id: 1, storage: 'c-aws', bucket: 'finance-reports-2024', key: 'ledgers/2025-q2.xlsx', file_name: '2025-q2.xlsx', size: 1.4e9, done: 9.1e8, started: Math.floor((now - 20 * hour) / 1000) },
        { id: 2, storage: 'c-aws', bucket: 'finance-reports-2024', key: 'ledgers/2025-q3.xlsx', file_name: '2025-q3.xlsx', size: 9.8e8, done: 1.2e8, started: Math.floor((now - 20 * hour) / 1000) },
        { id: 3, storage: 'c-aws', bucket: 'finance-reports-2024', key: 'scans/ledger-photos.zip', file_name: 'ledger-photos.zip', size: 6.0e8, done: 0, started: Math.floor((now - 20 * hour) / 1000) },
        { id: 4, storage: 'endpoint http://10.0.9.9:9000', bucket: 'cli-bucket', key: 'x.bin', file_name: 'x.bin', size: 1e6, done: 0, started: Math.floor((now - 2 * day) / 1000) },
      ]
    : [];

  function holdFiles(folder) {
    const files = folder
      ? Array.from({ length: 1204 }, (_, i) => ({ name: `survey-2025/responses/${String(i + 1).padStart(4, '0')}.json`, size: 1_000_000 + ((i * 7919) % 4_300_000) }))
      : [
          { name: 'daily-summary.csv', size: 52_004 },
          { name: 'dashboard.png', size: 190_100 },
          { name: 'q3-forecast.xlsx', size: 4_800_000 },
          { name: 'locked-budget.xlsx', size: 900_000 },
          ...Array.from({ length: 38 }, (_, i) => ({ name: `scan-${String(i + 1).padStart(4, '0')}.pdf`, size: 2_500_000 + i * 310_000 })),
        ];
    const problems = folder ? [] : [{ key: '/home/ana/Documents/payroll-2025.xlsx', reason: "Can't read it: permission denied." }];
    const sources_id = id('src');
    held.set(sources_id, { files, problems });
    return { sources_id, count: folder ? 1 : files.length + 1, names: folder ? ['survey-2025'] : [...files.slice(0, 3).map((f) => f.name)] };
  }

  function rulesFor(connectionId, bucket) {
    const required = [
      ...(requiredTags.get(`${connectionId}/`) || []).map((tag) => ({ tag, scope: 'connection' })),
      ...(requiredTags.get(`${connectionId}/${bucket}`) || []).map((tag) => ({ tag, scope: 'bucket' })),
    ];
    const remembered = rememberedTags.get(connectionId) || [];
    const defaults = required
      .map(({ tag }) => remembered.find((t) => t.key === tag.key && (tag.allowed.length === 0 || tag.allowed.includes(t.value))))
      .filter(Boolean);
    return { required, defaults };
  }

  function summaryOf(planId, plan) {
    const existing = new Set(bucketObjects(plan.bucket).map((o) => o.key));
    const taken = plan.settled ? [] : plan.items.filter((i) => existing.has(i.key)).map((i) => i.key);
    const bytes = plan.items.reduce((n, i) => n + i.size, 0);
    return {
      plan_id: planId,
      bucket: plan.bucket,
      prefix: plan.prefix,
      files: plan.items.length,
      bytes,
      conflicts: taken.slice(0, 200),
      conflict_count: taken.length,
      problems: plan.problems,
      rules: rulesFor(plan.connectionId, plan.bucket),
      eta_seconds: plan.connectionId === 'c-aws' ? bytes / (42 * MB) : null,
    };
  }

  /** Sends a plan's files through `progress`: about 45 MB/s, four files in flight, a retry now and then. */
  function runUpload(planId, tags, conflicts, opId, progress) {
    const plan = plans.get(planId);
    if (!plan) return fail('not_found', 'This upload was already started or closed.');
    const { required } = rulesFor(plan.connectionId, plan.bucket);
    for (const { tag } of required) {
      const t = tags.find((x) => x.key === tag.key);
      if (!t || !t.value.trim()) return fail('invalid_input', `Uploads here must carry the tag "${tag.key}"; add it before starting.`);
    }
    plans.delete(planId);
    rememberedTags.set(plan.connectionId, tags.filter((t) => required.some((r) => r.tag.key === t.key)));
    const existing = new Set(bucketObjects(plan.bucket).map((o) => o.key));
    let skipped = 0;
    const items = [];
    for (const i of plan.items) {
      if (!plan.settled && existing.has(i.key)) {
        if (conflicts === 'skip') { skipped += 1; continue; }
        if (conflicts === 'keep_both') { items.push({ ...i, key: i.key.replace(/(\.[^./]+)?$/, ' (1)$1') }); continue; }
      }
      items.push({ ...i });
    }
    const total = items.reduce((n, i) => n + i.size, 0);
    const resumed = plan.journal ? plan.items.reduce((n, i) => n + (i.done || 0), 0) : 0;
    return new Promise((resolve) => {
      let done = resumed;
      let next = 0;
      let tick = 0;
      let retries = 0;
      let lastRetry = null;
      let stop = null;
      const inFlight = [];
      const sent = [];
      const failed = [];
      const finish = (how) => {
        clearInterval(timer);
        operations.delete(opId);
        pauses.delete(opId);
        const left = [...inFlight.map((f) => f.item), ...items.slice(next)];
        const failedItems = failed.map((f) => f.item);
        setList(plan.bucket, [...bucketObjects(plan.bucket).filter((o) => !sent.some((s) => s.key === o.key)), ...sent.map((s) => entry(s.key, s.size, 0))]);
        let next_plan = null;
        // Paused or failed files make the next plan, as the engine's `report.unfinished` does.
        const retry = how === 'cancelled' ? [] : [...left, ...failedItems];
        if (retry.length) {
          next_plan = id('plan');
          plans.set(next_plan, { ...plan, items: retry, problems: [], settled: true, journal: false });
        }
        {
          // Sent files leave the journal, whether this run resumed them or paused them earlier.
          for (const s of sent) {
            const j = journal.findIndex((u) => u.key === s.key && u.bucket === plan.bucket);
            if (j >= 0) journal.splice(j, 1);
          }
        }
        if (how === 'paused') for (const f of inFlight) journal.push({ id: seq++, storage: plan.connectionId, bucket: plan.bucket, key: f.item.key, file_name: f.item.key.split('/').pop(), size: f.item.size, done: f.done, started: Math.floor(Date.now() / 1000) });
        resolve({
          files: sent.length,
          bytes: sent.reduce((n, s) => n + s.size, 0),
          failed: [...failed.map((f) => ({ key: `/home/ana/Uploads/${f.item.key.split('/').pop()}`, reason: f.reason })), ...plan.problems],
          cancelled: how === 'cancelled',
          paused: how === 'paused',
          resumed_bytes: resumed,
          restarted: plan.journal ? ['scans/ledger-photos.zip'] : [],
          checksum: plan.connectionId === 'c-garage' ? 'md5' : 'crc32c',
          next_plan,
          skipped,
        });
      };
      operations.set(opId, () => (stop = 'cancelled'));
      pauses.set(opId, () => (stop = 'paused'));
      const timer = setInterval(() => {
        tick += 1;
        if (stop === 'cancelled') return finish('cancelled');
        if (stop === 'paused') return finish('paused');
        while (inFlight.length < 4 && next < items.length) inFlight.push({ item: items[next++], done: 0 });
        let budget = (45 * MB) / 10 * (0.7 + 0.6 * Math.abs(Math.sin(tick / 7)));
        if (tick % 55 === 0) {
          retries += 1;
          lastRetry = 'SlowDown (503): the storage asked to slow down; retried after 1.4 s';
          budget = 0;
        }
        for (const f of inFlight) {
          const step = Math.min(budget / inFlight.length, f.item.size - f.done);
          f.done += step;
          done += step;
        }
        for (let i = inFlight.length - 1; i >= 0; i--) {
          const f = inFlight[i];
          if (f.item.key.includes('locked') && f.done > f.item.size / 2) {
            failed.push({ item: f.item, reason: 'Access Denied: the bucket policy refuses this key.' });
            done -= f.done;
            inFlight.splice(i, 1);
          } else if (f.done >= f.item.size) {
            sent.push(f.item);
            inFlight.splice(i, 1);
          }
        }
        send(progress, tick - 1, {
          bytes_done: Math.round(done),
          bytes_total: total + resumed,
          files_done: sent.length,
          files_failed: failed.length,
          files_total: items.length,
          active: inFlight.map((f) => ({ key: f.item.key, done: Math.round(f.done), size: f.item.size })),
          retries,
          last_retry: lastRetry,
        });
        if (inFlight.length === 0 && next >= items.length) finish('done');
      }, 100);
    });
  }

  Object.assign(handlers, {
    pick_upload_sources: ({ folder }) => later(500, holdFiles(folder)),
    plan_upload: ({ connectionId, bucket, prefix, sourcesId, opId }) => {
      const h = held.get(sourcesId);
      if (!h) return fail('not_found', 'Those files are no longer waiting to be uploaded; drop or pick them again.');
      return cancellable(opId, 900, null).then(() => {
        const planId = id('plan');
        const plan = { connectionId, bucket, prefix, items: h.files.map((f) => ({ key: prefix + f.name, size: f.size })), problems: h.problems, settled: false, journal: false };
        plans.set(planId, plan);
        held.delete(sourcesId);
        return summaryOf(planId, plan);
      });
    },
    start_upload: ({ planId, tags, conflicts, opId, progress }) => runUpload(planId, tags, conflicts, opId, progress),
    pause_operation: ({ opId }) => {
      const pause = pauses.get(opId);
      if (pause) pause();
      return later(10, !!pause);
    },
    discard_upload: ({ id: which }) => {
      plans.delete(which);
      held.delete(which);
      return later(5, null);
    },
    unfinished_uploads: () => later(120, journal.slice()),
    plan_unfinished: ({ connectionId, bucket }) => {
      const mine = journal.filter((u) => u.storage === connectionId && u.bucket === bucket);
      if (!mine.length) return later(200, null).then(() => fail('not_found', `Nothing is waiting to be resumed in ${bucket}.`));
      const planId = id('plan');
      const plan = { connectionId, bucket, prefix: '', items: mine.map((u) => ({ key: u.key, size: u.size - u.done, done: u.done })), problems: [], settled: true, journal: true };
      plans.set(planId, plan);
      return later(600, summaryOf(planId, plan));
    },
    discard_unfinished: ({ ids }) => {
      for (const i of ids) {
        const j = journal.findIndex((u) => u.id === i);
        if (j >= 0) journal.splice(j, 1);
      }
      return later(500, null);
    },
    required_tags: ({ connectionId, bucket }) => later(120, (requiredTags.get(`${connectionId}/${bucket ?? ''}`) || []).map((r) => ({ ...r }))),
    set_required_tags: ({ connectionId, bucket, required }) => {
      requiredTags.set(`${connectionId}/${bucket ?? ''}`, required.map((r) => ({ key: r.key, allowed: r.allowed || [] })));
      return later(200, null);
    },
    bucket_tags: ({ connectionId, bucket }) =>
      connectionId === 'c-sandbox' ? later(150, null).then(() => fail('unsupported', 'This storage does not support bucket tags.')) : later(150, (bucketTags.get(bucket) || []).slice()),
    set_bucket_tags: ({ bucket, tags }) => {
      bucketTags.set(bucket, tags);
      return later(300, null);
    },
    multipart_uploads: ({ bucket }) => later(300, (multipart.get(bucket) || []).slice()),
    abort_multipart_uploads: ({ bucket, uploads }) => {
      const list = multipart.get(bucket) || [];
      const gone = new Set(uploads.map(([k, u]) => `${k}\u0000${u}`));
      multipart.set(bucket, list.filter((m) => !gone.has(`${m.key}\u0000${m.upload_id}`)));
      return later(500, { aborted: uploads.length, failed: [] });
    },
  });

  // Window events (drag and drop): the app listens through the event plugin; shots drive them with
  // window.__satchelMock.hover(true) and .drop(folder).
  const eventListeners = new Map(); // eventId -> { event, handler }
  let nextEvent = 1;
  const emit = (event, payload) => {
    for (const [eventId, l] of eventListeners) if (l.event === event) callbacks.get(l.handler)?.({ event, id: eventId, payload });
  };
  Object.assign(handlers, {
    'plugin:event|listen': ({ event, handler }) => {
      const eventId = nextEvent++;
      eventListeners.set(eventId, { event, handler });
      return eventId;
    },
    'plugin:event|unlisten': ({ eventId }) => {
      eventListeners.delete(eventId);
      return null;
    },
  });
  window.__TAURI_EVENT_PLUGIN_INTERNALS__ = { unregisterListener: (_event, eventId) => eventListeners.delete(eventId) };
  window.__satchelMock = {
    hover: (active) => emit('drop-hover', { active }),
    drop: (folder = false) => {
      emit('drop-hover', { active: false });
      emit('files-dropped', { held: holdFiles(folder) });
    },
  };

  window.__TAURI_INTERNALS__ = {
    invoke(cmd, args) {
      const h = handlers[cmd];
      if (!h) return fail('internal', `The mock has no command ${cmd}.`);
      return Promise.resolve().then(() => h(args || {}));
    },
    transformCallback(callback) {
      const id = nextCallback++;
      callbacks.set(id, callback);
      return id;
    },
    unregisterCallback(id) {
      callbacks.delete(id);
    },
    convertFileSrc(p) {
      return p;
    },
  };
})();
