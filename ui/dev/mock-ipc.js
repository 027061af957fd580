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
  };

  window.__TAURI_INTERNALS__ = {
    invoke(cmd, args) {
      const h = handlers[cmd];
      if (!h) return fail('internal', `The mock has no command ${cmd}.`);
      return Promise.resolve().then(() => h(args || {}));
    },
    transformCallback() {
      return 0;
    },
    unregisterCallback() {},
    convertFileSrc(p) {
      return p;
    },
  };
})();
