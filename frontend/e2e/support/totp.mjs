// TOTP (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) computed with Node's crypto, to play
// the authenticator app in the browser tests; and the API calls that enrol a user.
import { createHmac } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Base32 (RFC 4648) to bytes; spaces, hyphens and padding are ignored, case too. @param {string} text */
export function base32Decode(text) {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  /** @type {number[]} */
  const out = [];
  for (const ch of clean) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/**
 * The code for one time step (HOTP of the step counter, RFC 4226 dynamic truncation).
 * @param {Buffer} key @param {number} step @param {number} [digits] @param {'sha1' | 'sha256' | 'sha512'} [algorithm]
 */
export function hotp(key, step, digits = 6, algorithm = 'sha1') {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac(algorithm, key).update(counter).digest();
  const offset = (h[h.length - 1] ?? 0) & 0x0f;
  const bin = (((h[offset] ?? 0) & 0x7f) << 24) | ((h[offset + 1] ?? 0) << 16) | ((h[offset + 2] ?? 0) << 8) | (h[offset + 3] ?? 0);
  return String(bin % 10 ** digits).padStart(digits, '0');
}

/** The 30-second step at `ms` since the epoch. @param {number} ms */
export function stepAt(ms) {
  return Math.floor(ms / 1000 / 30);
}

/** The code of a base32 secret at a time. @param {string} secret @param {number} [ms] */
export function totp(secret, ms = Date.now()) {
  return hotp(base32Decode(secret), stepAt(ms));
}

/**
 * An authenticator app for one account. The server accepts a code for the step before or
 * after the current one, but each step once only: each call gives a code for a step not
 * used yet, waiting for the clock when the next one is too far ahead.
 */
export class Authenticator {
  /** @param {string} secret base32, as the enrolment screen or API shows it (groups allowed) */
  constructor(secret) {
    this.secret = secret.replace(/\s/g, '');
    this.lastStep = -1;
  }

  async code() {
    let now = stepAt(Date.now());
    while (this.lastStep + 1 > now + 1) {
      await new Promise((r) => setTimeout(r, (now + 1) * 30_000 - Date.now() + 50));
      now = stepAt(Date.now());
    }
    const step = Math.max(now, this.lastStep + 1);
    this.lastStep = step;
    return hotp(base32Decode(this.secret), step);
  }
}

/**
 * @param {string} baseUrl @param {string} method @param {string} path @param {string | null} token
 * @param {unknown} [body] @param {Record<string, string>} [headers]
 */
export async function call(baseUrl, method, path, token, body, headers = {}) {
  const res = await fetch(`${baseUrl}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return { body: text === '' ? null : JSON.parse(text), etag: res.headers.get('ETag') ?? '' };
}

/**
 * Enrols the signed-in user (`token`) through the API: starts, confirms with a computed
 * code. Returns the user's authenticator and the recovery codes.
 * @param {string} baseUrl @param {string} token
 */
export async function enrolThroughApi(baseUrl, token) {
  const started = await call(baseUrl, 'POST', '/me/totp', token);
  const app = new Authenticator(started.body.secret);
  const confirmed = await call(baseUrl, 'POST', '/me/totp/confirm', token, { code: await app.code() });
  return { app, recoveryCodes: /** @type {string[]} */ (confirmed.body.recovery_codes) };
}

/**
 * Sets the roles of a center that must sign in with two factors (as its administrator,
 * with If-Match).
 * @param {string} baseUrl @param {string} token @param {string} centerId @param {string[]} roles
 */
export async function setTotpRoles(baseUrl, token, centerId, roles) {
  const current = await call(baseUrl, 'GET', `/centers/${centerId}`, token);
  await call(baseUrl, 'PATCH', `/centers/${centerId}`, token, { totp_roles: roles }, { 'If-Match': current.etag });
}

/**
 * A center administrator's first sign-in through the API: enrol (the center requires it by
 * default), then let the rest of the staff sign in with a password alone, so that the
 * tests not about two factors stay about what they test. Returns a token, the app and the
 * recovery codes.
 * @param {string} baseUrl @param {string} login @param {string} password @param {string} centerId
 */
export async function enrolAdminAndRelax(baseUrl, login, password, centerId) {
  const { body } = await call(baseUrl, 'POST', '/auth/login', null, { login, password });
  const token = /** @type {string} */ (body.access_token);
  const { app, recoveryCodes } = await enrolThroughApi(baseUrl, token);
  await setTotpRoles(baseUrl, token, centerId, []);
  return { token, app, recoveryCodes };
}
