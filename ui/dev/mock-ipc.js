// A stand-in for the Tauri bridge, for looking at the UI in a plain browser (dev/shots.mjs injects it
// as an init script). Never part of the app: nothing under src/ imports it.
//
// `?scenario=` in the page URL picks the data: `default`, `empty` (no connections), `fail` (startup
// fails), `many` (long names and many buckets).
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
