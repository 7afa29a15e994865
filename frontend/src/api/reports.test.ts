import createClient from 'openapi-fetch';
import { describe, expect, it } from 'vitest';
import { ApiError } from './problem';
import { downloadAnnualWorkbook, downloadReport, fallbackFileName, fileNameFrom } from './reports';
import type { paths } from './schema';

const BASE = 'http://tsunagu.test';
const BOM = '\uFEFF';

/** A client whose server answers `respond` and remembers the requests. */
function fakeServer(respond: (r: Request) => Response) {
  const seen: Request[] = [];
  const client = createClient<paths>({
    baseUrl: BASE,
    fetch: (r: Request) => {
      seen.push(r);
      return Promise.resolve(respond(r));
    },
  });
  return { client, seen };
}

describe('file names from Content-Disposition', () => {
  it('reads the quoted, bare and RFC 5987 forms', () => {
    expect(fileNameFrom('attachment; filename="referral-levels-2025.csv"', 'x')).toBe('referral-levels-2025.csv');
    expect(fileNameFrom('attachment; filename=annual-2025.xlsx', 'x')).toBe('annual-2025.xlsx');
    expect(fileNameFrom(`attachment; filename="a.csv"; filename*=UTF-8''%E5%A0%B1%E5%91%8A.csv`, 'x')).toBe('報告.csv');
  });

  it('keeps no directory and falls back when there is nothing usable', () => {
    expect(fileNameFrom('attachment; filename="../../etc/passwd"', 'x.csv')).toBe('passwd');
    expect(fileNameFrom('attachment; filename=".."', 'x.csv')).toBe('x.csv');
    expect(fileNameFrom('attachment', 'x.csv')).toBe('x.csv');
    expect(fileNameFrom(null, 'x.csv')).toBe('x.csv');
    expect(fileNameFrom(`attachment; filename*=UTF-8''%E0%A4%A`, 'x.csv')).toBe('x.csv');
  });

  it("falls back to the server's own naming", () => {
    expect(fallbackFileName('consultations', { fiscal_year: '2025' }, 'xlsx')).toBe('consultations-2025.xlsx');
    expect(fallbackFileName('referral-levels', { from: '2025-04-01', to: '2025-09-30' }, 'csv')).toBe(
      'referral-levels-2025-04-01-2025-09-30.csv',
    );
  });
});

describe('downloads', () => {
  it('asks for CSV with the period and keeps the bytes, byte-order mark included', async () => {
    const { client, seen } = fakeServer(
      () =>
        new Response(`${BOM}機関種別,相談先として患者に案内のみ\r\n`, {
          headers: {
            'Content-Type': 'text/csv; charset=utf-8',
            'Content-Disposition': 'attachment; filename="referral-levels-2025.csv"',
          },
        }),
    );
    const file = await downloadReport('referral-levels', 'csv', { fiscal_year: '2025' }, client);
    expect(seen[0]?.headers.get('Accept')).toBe('text/csv');
    expect(new URL(seen[0]?.url ?? '').pathname).toBe('/api/v1/reports/referral-levels');
    expect(new URL(seen[0]?.url ?? '').searchParams.get('fiscal_year')).toBe('2025');
    expect(file.fileName).toBe('referral-levels-2025.csv');
    const bytes = new Uint8Array(await file.blob.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes)).toContain('相談先として患者に案内のみ');
  });

  it('asks for the spreadsheet type for Excel and the annual workbook', async () => {
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const { client, seen } = fakeServer(() => new Response(new Uint8Array([0x50, 0x4b, 3, 4]), { headers: { 'Content-Type': xlsx } }));
    const one = await downloadReport('support-awareness', 'xlsx', { from: '2025-04-01', to: '2025-06-30' }, client);
    const annual = await downloadAnnualWorkbook(2025, '34', client);
    expect(seen.map((r) => r.headers.get('Accept'))).toEqual([xlsx, xlsx]);
    expect(new URL(seen[1]?.url ?? '').search).toBe('?fiscal_year=2025&prefecture_code=34');
    // No Content-Disposition (say, another origin that does not expose it): the server's naming.
    expect(one.fileName).toBe('support-awareness-2025-04-01-2025-06-30.xlsx');
    expect(annual.fileName).toBe('annual-2025.xlsx');
    expect(annual.blob.size).toBe(4);
  });

  it('turns a refusal into the problem the server sent', async () => {
    const { client } = fakeServer(
      () =>
        new Response(
          JSON.stringify({
            status: 422,
            code: 'validation_failed',
            title: 'The input is not valid',
            errors: [{ field: 'to', code: 'before_from', message: 'must not be before from' }],
          }),
          { status: 422, headers: { 'Content-Type': 'application/problem+json' } },
        ),
    );
    const err = await downloadReport('consultations', 'csv', { from: '2025-04-02', to: '2025-04-01' }, client).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).problem).toMatchObject({ status: 422, errors: [{ field: 'to', code: 'before_from' }] });
  });
});
