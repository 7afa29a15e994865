// What a referral sheet (就労相談票) may carry about the patient (pure, unit-tested): only the
// items the referral's provisions name — what the patient agreed to hand to that agency —
// and nothing else about them.
import { SHARED_ITEMS, type SharedItem } from '../../api/enums';

/** The items handed over with this referral, in the form's order, each once. */
export function sharedItemsOf(
  provisions: readonly { readonly referral_id: string; readonly items: readonly string[] }[],
  referralId: string,
): SharedItem[] {
  const named = new Set(provisions.filter((p) => p.referral_id === referralId).flatMap((p) => p.items));
  return SHARED_ITEMS.filter((s) => named.has(s));
}

/** The consents under which this referral's data went (their ids, each once). */
export function consentIdsOf(
  provisions: readonly { readonly referral_id: string; readonly consent_id: string }[],
  referralId: string,
): string[] {
  return [...new Set(provisions.filter((p) => p.referral_id === referralId).map((p) => p.consent_id))];
}
