// An audit event's `key=value; key=value` detail read out in words, without React: known
// keys labelled, staff and patient ids replaced by names where the reader may see them.
import type { I18n } from '../../i18n/I18nProvider';
import { agencyTypeLabel, levelLabel, roleLabel } from '../labels';
import { PATIENT_KEYS, STAFF_KEYS, auditActionLabel, isDetailKey, parseDetail, shortId } from './auditModel';

export interface Names {
  readonly staff: (id: string | null | undefined) => string;
  /** Case number and name: 「2026-0001 山田 花子」, or null when not known or not to be shown. */
  readonly patient: (id: string) => string | null;
  /** The name alone, for a sentence: 「山田 花子さんの記録を閲覧」. */
  readonly patientName: (id: string) => string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function outcomeText(i: I18n, outcome: string): string {
  switch (outcome) {
    case 'success':
      return i.t('audit.outcome.success');
    case 'denied':
      return i.t('audit.outcome.denied');
    case 'not_found':
      return i.t('audit.outcome.not_found');
    case 'failed':
      return i.t('audit.outcome.failed');
    default:
      return outcome;
  }
}

/** A patient as the reader may see them: 「2026-0001 山田 花子」 or 「患者（ID …89abcdef）」. */
export function patientText(i: I18n, names: Names, id: string): string {
  return names.patient(id) ?? i.t('audit.patientShort', { id: shortId(id) });
}

/** One value of a detail in words. */
function detailValue(i: I18n, names: Names, key: string, value: string): string {
  if (STAFF_KEYS.includes(key)) return names.staff(value);
  if (PATIENT_KEYS.includes(key)) return patientText(i, names, value);
  if (value === '[redacted]') return i.t('audit.redacted');
  // Other ids (a referral, an agency) mean nothing to a reader in full: the tail tells them apart.
  if (UUID.test(value)) return `…${shortId(value)}`;
  if (key === 'role') return roleLabel(i, value);
  if (key === 'level') return levelLabel(i, value);
  if (key === 'agency_type') return agencyTypeLabel(i, value);
  if (key === 'action') return auditActionLabel(i, value);
  if (key === 'outcome') return outcomeText(i, value);
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return i.date(value);
  return value;
}

/** 「患者：2026-0001 山田 花子、件数：3」; empty values (a filter left open) are left out. */
export function detailText(i: I18n, names: Names, detail: string | null | undefined): string {
  return parseDetail(detail)
    .filter((p) => p.value !== '')
    .map(({ key, value }) => {
      if (key === '') return value;
      const label = isDetailKey(key) ? i.t(`auditDetail.${key}`) : key;
      const text = detailValue(i, names, key, value);
      return i.lang === 'ja' ? `${label}：${text}` : `${label}: ${text}`;
    })
    .join(i.t('audit.detailSep'));
}
