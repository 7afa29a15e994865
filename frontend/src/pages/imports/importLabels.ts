// The words of the import's enumerations, as literal message keys.
import type { MessageKey } from '../../i18n/translate';
import type { DuplicateReason, ImportEncoding, ImportKind, ImportState } from './types';

export const importKindKey: Record<ImportKind, MessageKey> = {
  patients: 'import.kind.patients',
  consultations: 'import.kind.consultations',
  referrals: 'import.kind.referrals',
  follow_ups: 'import.kind.follow_ups',
};

export const importStateKey: Record<ImportState, MessageKey> = {
  checking: 'import.state.checking',
  checked: 'import.state.checked',
  committing: 'import.state.committing',
  committed: 'import.state.committed',
  failed: 'import.state.failed',
};

export const importEncodingKey: Record<ImportEncoding, MessageKey> = {
  'utf-8': 'import.encoding.utf-8',
  shift_jis: 'import.encoding.shift_jis',
  xlsx: 'import.encoding.xlsx',
};

export const duplicateReasonKey: Record<DuplicateReason, MessageKey> = {
  same_reading_and_birth_date: 'import.reason.same_reading_and_birth_date',
  same_phone: 'import.reason.same_phone',
};

/** A label for a value the server may add later: its own word rather than nothing. */
export function labelOr<K extends string>(t: (key: MessageKey) => string, table: Record<K, MessageKey>, value: string): string {
  return Object.hasOwn(table, value) ? t(table[value as K]) : value;
}
