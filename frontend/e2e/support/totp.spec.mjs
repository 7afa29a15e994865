// Unit tests (Vitest) for the browser tests' authenticator: RFC 6238's own test vectors.
// Named .spec.mjs so that `node --test e2e/` does not take it for a browser test.
import { describe, expect, it } from 'vitest';
import { Authenticator, base32Decode, hotp, stepAt, totp } from './totp.mjs';

// RFC 6238 appendix B: the SHA-1 key is "12345678901234567890"; 8-digit codes.
const KEY = Buffer.from('12345678901234567890');
const VECTORS = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP for the browser tests', () => {
  it('matches the RFC 6238 test vectors (SHA-1)', () => {
    for (const [seconds, code] of VECTORS) {
      expect(hotp(KEY, stepAt(Number(seconds) * 1000), 8), String(seconds)).toBe(code);
    }
  });

  it('decodes base32 with groups, padding and lower case', () => {
    expect(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ').toString()).toBe('12345678901234567890');
    expect(base32Decode('gezd gnbv gy3t qojq gezd gnbv gy3t qojq').toString()).toBe('12345678901234567890');
    expect(base32Decode('MZXW6===').toString()).toBe('foo');
    expect(() => base32Decode('1ABC')).toThrow();
  });

  it('gives 6 digits from a base32 secret (RFC 4226 appendix D, counter 1)', () => {
    expect(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 30_000)).toBe('287082');
  });

  it('never gives two codes for the same step', async () => {
    const app = new Authenticator('GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ');
    const first = await app.code();
    const firstStep = app.lastStep;
    const second = await app.code();
    expect(app.lastStep).toBe(firstStep + 1);
    expect(second).not.toBe(first);
  });
});
