import { describe, expect, it } from 'vitest';
import { keyNameProblem, pastedKeyProblem } from './customerKeys';

const existing = [{ name: 'finance', fingerprint: 'a1b2c3d4e5f6', added: '2026-12-01T10:00:00Z' }];

describe('customer key form', () => {
  it('names keys as the command line can', () => {
    expect(keyNameProblem('', existing)).toMatch(/name/);
    expect(keyNameProblem('has space', existing)).toMatch(/letters, digits/);
    expect(keyNameProblem('finance', existing)).toMatch(/already/);
    expect(keyNameProblem('finance-2026', existing)).toBeNull();
  });

  it('takes 32 bytes of base64 only', () => {
    expect(pastedKeyProblem('')).toMatch(/Paste/);
    expect(pastedKeyProblem('not base64!')).toMatch(/isn't base64/);
    expect(pastedKeyProblem(btoa('x'.repeat(16)))).toMatch(/16 bytes/);
    expect(pastedKeyProblem(btoa('x'.repeat(32)))).toBeNull();
    expect(pastedKeyProblem(`  ${btoa('y'.repeat(32))}\n`)).toBeNull();
  });
});
