import { useId, useLayoutEffect, useRef, useState, type ReactNode, type RefObject } from 'react';

/**
 * Whether an element's content is wider than the element (so it scrolls sideways): checked
 * before the first paint and again whenever its size or its first child's changes.
 */
function useScrollsSideways(ref: RefObject<HTMLElement | null>): boolean {
  const [scrolls, setScrolls] = useState(false);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const check = () => setScrolls(el.scrollWidth > el.clientWidth);
    check();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(check);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, [ref]);
  return scrolls;
}

/** A data table with a caption (visually hidden when the page heading already says it). */
export function Table({
  caption,
  captionHidden = true,
  head,
  children,
}: {
  caption: string;
  captionHidden?: boolean;
  head: readonly string[];
  children: ReactNode;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const captionId = useId();
  // A table wider than the screen scrolls: keyboard users can then focus it and scroll with
  // the arrow keys, and hear which table it is.
  const scrolls = useScrollsSideways(scroller);
  return (
    <div
      ref={scroller}
      // `relative`: screen-reader-only text in a cell is positioned absolutely; without a
      // positioned scroller it escapes the clipping and widens the whole page on a phone.
      className="relative overflow-x-auto"
      tabIndex={scrolls ? 0 : undefined}
      role={scrolls ? 'region' : undefined}
      aria-labelledby={scrolls ? captionId : undefined}
    >
      <table className="w-full min-w-[40rem] text-left text-std-16N-170">
        <caption id={captionId} className={captionHidden ? 'sr-only' : 'mb-2 text-left text-std-18B-160'}>
          {caption}
        </caption>
        <thead>
          <tr className="border-b-2 border-solid-gray-900">
            {head.map((h) => (
              <th key={h} scope="col" className="px-3 py-2 text-std-16B-170 whitespace-nowrap">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A row; `highlight` tints it (say why in the row's text too: colour alone tells nothing to some). */
export function Row({ children, highlight = false }: { children: ReactNode; highlight?: boolean }) {
  return (
    <tr className={'border-b border-solid-gray-420 align-top' + (highlight ? ' bg-red-50' : '')} data-highlight={highlight || undefined}>
      {children}
    </tr>
  );
}

export function Cell({ children, header = false }: { children: ReactNode; header?: boolean }) {
  return header ? (
    <th scope="row" className="px-3 py-2 text-left font-normal">
      {children}
    </th>
  ) : (
    <td className="px-3 py-2">{children}</td>
  );
}

export function StatusBadge({ active, activeLabel, inactiveLabel }: { active: boolean; activeLabel: string; inactiveLabel: string }) {
  return (
    <span
      className={
        'inline-block whitespace-nowrap rounded-4 border px-2 text-dns-16N-130 ' +
        (active ? 'border-success-2 text-success-2' : 'border-solid-gray-600 bg-solid-gray-50 text-solid-gray-700')
      }
    >
      {active ? activeLabel : inactiveLabel}
    </span>
  );
}
