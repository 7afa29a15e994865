import { keepPreviousData, useInfiniteQuery, type QueryKey } from '@tanstack/react-query';

export interface CursorPage<T> {
  readonly items: readonly T[];
  readonly next_cursor?: string | null;
}

/**
 * A cursor-paged list: the items loaded so far and a way to load the next page. With
 * `keepPrevious`, a change of key (a new search) keeps showing the last answer until the
 * new one arrives, instead of flashing "loading".
 */
export function useCursorList<T>(
  queryKey: QueryKey,
  fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>,
  options: { keepPrevious?: boolean; enabled?: boolean } = {},
) {
  const q = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: options.keepPrevious ? keepPreviousData : undefined,
    enabled: options.enabled ?? true,
  });
  return {
    /** True while a newer key's answer is on its way and the previous one is shown. */
    isStale: q.isPlaceholderData,
    items: q.data?.pages.flatMap((p) => p.items) ?? [],
    isPending: q.isPending,
    error: q.error,
    refetch: () => void q.refetch(),
    hasMore: q.hasNextPage,
    loadingMore: q.isFetchingNextPage,
    loadMore: () => void q.fetchNextPage(),
  };
}
