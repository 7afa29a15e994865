// ピア・サポーターの活動実績 without React: month labels, hours as people read them, and the
// lines in the order a supervisor looks for them.
import type { PeerSupporterFigures } from '../../api/peerSupport';
import type { Lang } from '../../lib/datetime';

/** `2025-04` → 4月 / Apr 2025: the fiscal year is on the page already in Japanese. */
export function peerMonthLabel(month: string, lang: Lang): string {
  const [y, m] = month.split('-').map(Number);
  if (!y || !m) return month;
  if (lang === 'ja') return `${m}月`;
  return new Intl.DateTimeFormat('en', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, 1));
}

/** Hours with at most two decimals and no trailing zeros: 3.75, 1.5, 2. */
export function formatHours(hours: number): string {
  return String(Math.round(hours * 100) / 100);
}

/** Active supporters first, then by name; a departed supporter's past months still count as evidence. */
export function supporterOrder(lines: readonly PeerSupporterFigures[]): PeerSupporterFigures[] {
  return [...lines].sort((a, b) => Number(b.active) - Number(a.active) || a.display_name.localeCompare(b.display_name, 'ja'));
}
