import { keepPreviousData, useInfiniteQuery, type QueryKey } from '@tanstack/react-query';

export interface CursorPage<T> {
  readonly items: readonly T[];
  readonly next_cursor?: string | null;
}

/**
 * A cursor-paged list: the items loaded so far and a way to load the next page. With
 * `keepPrevious`, a change of key (a new search) keeps showing the last answer until the
 * new one arrives, instead of flashing "loading"; with `alwaysRefetch`, every visit asks again.
 */
type ItemOf<P> = P extends CursorPage<infer T> ? T : never;

export function useCursorList<P extends CursorPage<unknown>>(
  queryKey: QueryKey,
  fetchPage: (cursor: string | undefined) => Promise<P>,
  options: { keepPrevious?: boolean; enabled?: boolean; alwaysRefetch?: boolean } = {},
) {
  const q = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: options.keepPrevious ? keepPreviousData : undefined,
    enabled: options.enabled ?? true,
    // Work queues refetch on every visit: what was done a minute ago must not show as open.
    staleTime: options.alwaysRefetch ? 0 : undefined,
  });
  return {
    /** True while a newer key's answer is on its way and the previous one is shown. */
    isStale: q.isPlaceholderData,
    items: q.data?.pages.flatMap((p) => p.items as readonly ItemOf<P>[]) ?? [],
    /** The newest page, for what a list answers beside its items (totals, counts). */
    lastPage: q.data?.pages.at(-1),
    isPending: q.isPending,
    error: q.error,
    refetch: () => void q.refetch(),
    hasMore: q.hasNextPage,
    loadingMore: q.isFetchingNextPage,
    loadMore: () => void q.fetchNextPage(),
  };
}
