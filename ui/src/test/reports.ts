// An upload's report as the engine sends it, for tests: a finished batch of 1,204 files unless
// `over` says otherwise.

import type { UploadReport_Serialize } from '$lib/bindings';

export function uploadReport(over: Partial<UploadReport_Serialize> = {}): UploadReport_Serialize {
  return {
    files: 1204,
    bytes: 3.2e9,
    failed: [],
    cancelled: false,
    paused: false,
    resumed_bytes: 0,
    restarted: [],
    removed: 0,
    checksum: 'crc32c',
    next_plan: null,
    skipped: 0,
    already_sent: 0,
    notes: [],
    ...over,
  };
}
