// The signed-in user's own center, read once and shared: its programs decide whether the
// 小慢 screens (menu items, the 自立支援員's home) are offered.
import { useQuery } from '@tanstack/react-query';
import { keys, type Center } from '../api/client';
import { getCenter } from '../api/resources';

/** The user's own center (undefined until read, or without a center). */
export function useOwnCenter(centerId: string | null | undefined, enabled: boolean): Center | undefined {
  const id = centerId ?? '';
  const center = useQuery({
    queryKey: keys.ownCenter(id),
    queryFn: () => getCenter(id),
    enabled: enabled && id !== '',
    staleTime: 5 * 60_000,
  });
  return center.data?.data;
}

/** The programs of the user's center (`[]` until read, or without a center). */
export function useOwnPrograms(centerId: string | null | undefined, enabled: boolean): readonly string[] {
  return useOwnCenter(centerId, enabled)?.programs ?? [];
}
