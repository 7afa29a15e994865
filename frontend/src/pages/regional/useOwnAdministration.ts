import { useQuery } from '@tanstack/react-query';
import { keys } from '../../api/client';
import { ownAdministration } from '../../api/regional';

/** The officer's own administration (自治体): the one their list holds. */
export function useOwnAdministration() {
  return useQuery({ queryKey: keys.ownAdministration, queryFn: ownAdministration, staleTime: 60_000 });
}
