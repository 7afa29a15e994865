import type { ConflictRow } from '../../components/ConflictPanel';

/** The conflict panel's rows: each field's label, the user's value and the current one, as shown. */
export function conflictRows<F extends string>(
  labels: Readonly<Record<F, string>>,
  yours: Readonly<Record<F, string>>,
  current: Readonly<Record<F, string>>,
): ConflictRow[] {
  return (Object.keys(labels) as F[]).map((k) => ({ label: labels[k], yours: yours[k], current: current[k] }));
}
