import qrcode from 'qrcode-generator';
import { describe, expect, it } from 'vitest';
import { toProblem } from '../api/problem';
import { groupSecret, otpauthAccount, placeAt, qrPath, recoveryCodesText, secondFactorValue } from './twoFactor';

describe('groupSecret', () => {
  it('splits a base32 secret into groups of four for typing by hand', () => {
    expect(groupSecret('JBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP');
    expect(groupSecret('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')).toBe('GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ');
  });

  it('keeps a short last group, drops padding and spaces, upper-cases', () => {
    expect(groupSecret('jbswy3dpeh======')).toBe('JBSW Y3DP EH');
    expect(groupSecret(' JBSW Y3DP ')).toBe('JBSW Y3DP');
    expect(groupSecret('')).toBe('');
  });

  it('takes another group size', () => {
    expect(groupSecret('ABCDEFGHI', 3)).toBe('ABC DEF GHI');
  });
});

describe('secondFactorValue', () => {
  it('drops the spaces and hyphens people type into a code', () => {
    expect(secondFactorValue('code', ' 123 456 ')).toBe('123456');
    expect(secondFactorValue('code', '123-456')).toBe('123456');
  });

  it('only trims a recovery code (the server ignores case, spaces and hyphens)', () => {
    expect(secondFactorValue('recovery', '  abcd-efgh-ijkl ')).toBe('abcd-efgh-ijkl');
  });
});

describe('placeAt', () => {
  it('places a field-less problem at the field', () => {
    const p = toProblem(401, { code: 'invalid_totp', detail: 'The code is not valid.' });
    expect(placeAt(p, 'invalid_totp', 'totp')?.errors).toEqual([
      { field: 'totp', code: 'invalid_totp', message: 'The code is not valid.' },
    ]);
  });

  it('leaves problems already placed, other problems and null alone', () => {
    const placed = toProblem(422, { code: 'invalid_totp', errors: [{ field: 'code', code: 'invalid_totp', message: 'wrong' }] });
    expect(placeAt(placed, 'invalid_totp', 'totp')).toBe(placed);
    const other = toProblem(401, { code: 'invalid_credentials' });
    expect(placeAt(other, 'invalid_totp', 'totp')).toBe(other);
    expect(placeAt(null, 'invalid_totp', 'totp')).toBeNull();
  });
});

describe('recoveryCodesText', () => {
  it('puts a heading and one code per line, with CRLF for Windows Notepad', () => {
    expect(recoveryCodesText(['aaaa-bbbb-cccc', 'dddd-eeee-ffff'], 'Tsunagu (sato)')).toBe(
      'Tsunagu (sato)\r\n\r\naaaa-bbbb-cccc\r\ndddd-eeee-ffff\r\n',
    );
  });
});

describe('qrPath', () => {
  it('draws each run of dark modules in a row as one rectangle, inside the quiet zone', () => {
    const grid = ['#.#', '##.', '...'];
    const dark = (r: number, c: number) => grid[r]?.[c] === '#';
    expect(qrPath(3, dark, 1)).toBe('M1 1h1v1h-1zM3 1h1v1h-1zM1 2h2v1h-2z');
    expect(qrPath(3, () => false)).toBe('');
  });

  it('covers exactly the dark modules of a real QR code', () => {
    const qr = qrcode(0, 'M');
    qr.addData('otpauth://totp/Tsunagu:sato?secret=JBSWY3DPEHPK3PXP&issuer=Tsunagu&algorithm=SHA1&digits=6&period=30');
    qr.make();
    const n = qr.getModuleCount();
    let dark = 0;
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.isDark(r, c)) dark++;
    const widths = [...qrPath(n, (r, c) => qr.isDark(r, c)).matchAll(/h(\d+)v1/g)].map((m) => Number(m[1]));
    expect(widths.reduce((a, b) => a + b, 0)).toBe(dark);
  });
});

describe('otpauthAccount', () => {
  it('reads the account from the label', () => {
    expect(otpauthAccount('otpauth://totp/Tsunagu:hiroshima.admin?secret=X&issuer=Tsunagu')).toBe('hiroshima.admin');
    expect(otpauthAccount('otpauth://totp/Tsunagu%3Asato%40example.jp?secret=X')).toBe('sato@example.jp');
    expect(otpauthAccount('otpauth://totp/sato?secret=X')).toBe('sato');
  });

  it('gives null for anything else', () => {
    expect(otpauthAccount('https://example.jp')).toBeNull();
    expect(otpauthAccount('otpauth://totp/%E0?secret=X')).toBeNull();
  });
});
