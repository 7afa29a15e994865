// The signed-in user's own center, read once and shared: its programs decide whether the
// 小慢 screens (menu items, the 自立支援員's home) are offered.
import { useQuery } from '@tanstack/react-query';
import { keys } from '../api/client';
import { getCenter } from '../api/resources';

/** The programs of the user's center (`[]` until read, or without a center). */
export function useOwnPrograms(centerId: string | null | undefined, enabled: boolean): readonly string[] {
  const id = centerId ?? '';
  const center = useQuery({
    queryKey: keys.ownCenter(id),
    queryFn: () => getCenter(id),
    enabled: enabled && id !== '',
    staleTime: 5 * 60_000,
  });
  return center.data?.data.programs ?? [];
}
