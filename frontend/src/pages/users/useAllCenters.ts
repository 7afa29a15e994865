import { useQuery } from '@tanstack/react-query';
import { keys } from '../../api/client';
import { listAdministrations, type Administration } from '../../api/regional';
import { allCenters } from '../../api/resources';

/** All centers (system administrator only), for pickers and for naming a user's center. */
export function useAllCenters(enabled: boolean) {
  return useQuery({ queryKey: [...keys.centers, 'all'], queryFn: allCenters, enabled });
}

/** Every administration (自治体; system administrator only), for the officer's picker. */
export function useAllAdministrations(enabled: boolean) {
  return useQuery({
    queryKey: [...keys.administrations, 'all'],
    queryFn: async () => {
      const out: Administration[] = [];
      let cursor: string | undefined;
      do {
        const page = await listAdministrations(cursor, 200);
        out.push(...page.items);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return out;
    },
    enabled,
  });
}
