import { useEffect, useRef } from 'react';
import { useLocation } from 'react-router';

/** After navigating to another page (not on first load), move focus to its h1. */
export function useRouteFocus(): void {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [pathname]);
}
