// A center ready for a browser test of daily work: its administrator (enrolled in two-factor
// sign-in, then the rest of the staff let in with a password), a consultant, a second
// consultant, a supervisor and a Hello Work office. Made through the API beside the browser.
import { ADMIN_LOGIN, ADMIN_PASSWORD } from './server.mjs';
import { createStaff } from './staff.mjs';
import { enrolAdminAndRelax } from './totp.mjs';

export const CENTER = { code: 'okayama', name: '岡山県難病相談・支援センター', prefecture_code: '33', operating_type: 'municipality' };
export const CENTER_ADMIN = { login: 'okayama.admin', display_name: '藤原 誠', password: 'Kibidango-momotaro-castle-2026' };
export const CONSULTANT = { login: 'kimura.yoko', display_name: '木村 陽子', password: 'Korakuen-garden-peach-41' };
export const COLLEAGUE = { login: 'mori.kenta', display_name: '森 健太', password: 'Kurashiki-canal-willow-52' };
export const SUPERVISOR = { login: 'ishii.makoto', display_name: '石井 誠', password: 'Bizen-pottery-kiln-63' };
export const HELLO_WORK = { agency_type: 'hello_work', name: 'ハローワーク岡山' };

/** A day in Asia/Tokyo, YYYY-MM-DD, `offsetDays` from today. */
export function tokyoDate(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/**
 * @param {import('./server.mjs').RunningServer} server
 * @param {ReturnType<typeof import('./harness.mjs').harness>} h
 */
export async function makeCenter(server, h) {
  const admin = await h.token(ADMIN_LOGIN, ADMIN_PASSWORD);
  const center = await h.apiCall('POST', '/centers', admin, CENTER);
  await createStaff(server.url, admin, { ...CENTER_ADMIN, role: 'center_admin', center_id: center.id });
  const { token: centerAdmin } = await enrolAdminAndRelax(server.url, CENTER_ADMIN.login, CENTER_ADMIN.password, center.id);
  const agency = await h.apiCall('POST', '/agencies', centerAdmin, HELLO_WORK);
  const consultant = await createStaff(server.url, centerAdmin, { ...CONSULTANT, role: 'consultant' });
  const colleague = await createStaff(server.url, centerAdmin, { ...COLLEAGUE, role: 'consultant' });
  const supervisor = await createStaff(server.url, centerAdmin, { ...SUPERVISOR, role: 'supervisor' });
  return {
    center,
    agency,
    users: { consultant, colleague, supervisor },
    tokens: {
      centerAdmin,
      consultant: await h.token(CONSULTANT.login, CONSULTANT.password),
      colleague: await h.token(COLLEAGUE.login, COLLEAGUE.password),
      supervisor: await h.token(SUPERVISOR.login, SUPERVISOR.password),
    },
  };
}

/**
 * A patient of the center, made by `token`'s user.
 * @param {ReturnType<typeof import('./harness.mjs').harness>} h @param {string} token @param {Record<string, unknown>} fields
 */
export async function makePatient(h, token, fields) {
  return h.apiCall('POST', '/patients', token, {
    program: 'nanbyo',
    employment_status: 'job_seeking',
    support_awareness: 'aware_not_used',
    ...fields,
  });
}
