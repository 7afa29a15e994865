// Two-factor sign-in (TOTP, RFC 6238): the pure parts the screens share.
import type { Problem } from '../api/problem';

/** What the second step of sign-in asks for: the app's 6-digit code, or a recovery code. */
export type SecondFactor = 'code' | 'recovery';

/**
 * The value to send as `totp`: a code loses the spaces people type or paste ("123 456");
 * a recovery code is only trimmed (the server ignores case, spaces and hyphens).
 */
export function secondFactorValue(kind: SecondFactor, raw: string): string {
  return kind === 'code' ? raw.replace(/[\s-]/g, '') : raw.trim();
}

/**
 * A base32 secret in groups of four for typing it by hand: "JBSW Y3DP EHPK 3PXP".
 * Padding and spaces are dropped, letters upper-cased.
 */
export function groupSecret(secret: string, size = 4): string {
  const clean = secret.replace(/[\s=]/g, '').toUpperCase();
  const groups: string[] = [];
  for (let i = 0; i < clean.length; i += size) groups.push(clean.slice(i, i + size));
  return groups.join(' ');
}

/**
 * A problem about one field that the server reported without `errors[]` (e.g. a wrong code:
 * `invalid_totp`): the same problem with that error placed at `field`, so the form shows it
 * next to the control. Problems with other codes, or already placed, are returned as they are.
 */
export function placeAt(problem: Problem | null, code: string, field: string): Problem | null {
  if (!problem || problem.code !== code || problem.errors.length > 0) return problem;
  return { ...problem, errors: [{ field, code, message: problem.detail ?? code }] };
}

/** The recovery codes as a text file: a heading line, then one code per line. */
export function recoveryCodesText(codes: readonly string[], heading: string): string {
  return [heading, '', ...codes, ''].join('\r\n');
}

/**
 * An SVG path drawing the dark modules of a QR code, one unit per module, offset by the
 * quiet zone `margin`. Runs of dark modules in a row become one rectangle.
 */
export function qrPath(size: number, isDark: (row: number, col: number) => boolean, margin = 4): string {
  const parts: string[] = [];
  for (let r = 0; r < size; r++) {
    let c = 0;
    while (c < size) {
      if (!isDark(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < size && isDark(r, c)) c++;
      parts.push(`M${start + margin} ${r + margin}h${c - start}v1h${start - c}z`);
    }
  }
  return parts.join('');
}

/** The account name in an otpauth URI's label ("Tsunagu:hiroshima.admin" → "hiroshima.admin"). */
export function otpauthAccount(uri: string): string | null {
  const m = /^otpauth:\/\/totp\/([^?]*)/.exec(uri);
  if (!m?.[1]) return null;
  let label: string;
  try {
    label = decodeURIComponent(m[1]);
  } catch {
    return null;
  }
  const colon = label.indexOf(':');
  return colon >= 0 ? label.slice(colon + 1).trim() : label;
}
