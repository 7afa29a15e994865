import { useMemo } from 'react';

/**
 * An Idempotency-Key for a create form: the same while the input stays the same (so a
 * double submit or a retry after a lost answer creates one record), new when it changes
 * (the server refuses a reused key with another body).
 */
export function useIdempotencyKey(input: unknown): string {
  const fingerprint = JSON.stringify(input);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the fingerprint is the dependency
  return useMemo(() => crypto.randomUUID(), [fingerprint]);
}
