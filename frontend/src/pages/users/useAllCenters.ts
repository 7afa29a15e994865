import { useQuery } from '@tanstack/react-query';
import { keys } from '../../api/client';
import { allCenters } from '../../api/resources';

/** All centers (system administrator only), for pickers and for naming a user's center. */
export function useAllCenters(enabled: boolean) {
  return useQuery({ queryKey: [...keys.centers, 'all'], queryFn: allCenters, enabled });
}
