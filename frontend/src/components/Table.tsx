import {
  Children,
  cloneElement,
  createContext,
  isValidElement,
  useContext,
  useId,
  useLayoutEffect,
  useRef,
  useState,
  type ReactElement,
  type ReactNode,
  type RefObject,
} from 'react';

/** The column headings of the table a row is in: each cell is labelled with its own on a phone. */
const Headings = createContext<readonly string[]>([]);

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

/**
 * A data table with a caption (visually hidden when the page heading already says it). On a
 * phone (narrower than 40rem) each row is drawn as a card, each cell on a line beside its
 * column's name (`.cards-on-phone` in index.css): a table of six columns squeezed into a
 * phone's width wrapped Japanese text a character a line, and what did not fit scrolled out
 * of sight. The roles are stated because a table drawn as blocks loses its table semantics
 * in some browsers.
 */
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
      className="cards-on-phone relative overflow-x-auto"
      tabIndex={scrolls ? 0 : undefined}
      role={scrolls ? 'region' : undefined}
      aria-labelledby={scrolls ? captionId : undefined}
    >
      <table role="table" className="w-full min-w-[40rem] text-left text-std-16N-170">
        <caption id={captionId} className={captionHidden ? 'sr-only' : 'mb-2 text-left text-std-18B-160'}>
          {caption}
        </caption>
        <thead role="rowgroup" className="max-sm:sr-only">
          <tr role="row" className="border-b-2 border-solid-gray-900">
            {head.map((h) => (
              <th key={h} scope="col" role="columnheader" className="px-3 py-2 text-std-16B-170 whitespace-nowrap">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody role="rowgroup">
          <Headings.Provider value={head}>{children}</Headings.Provider>
        </tbody>
      </table>
    </div>
  );
}

/** A row; `highlight` tints it (say why in the row's text too: colour alone tells nothing to some). */
export function Row({ children, highlight = false }: { children: ReactNode; highlight?: boolean }) {
  const head = useContext(Headings);
  // Each cell learns its column's name from its place among the row's cells: arrays count
  // cell by cell and a cell left out (`{shown && <Cell>}`, its column left out of `head` too)
  // not at all, as the table lays them out.
  let column = 0;
  const labelled = Children.map(children, (child) => {
    if (!isValidElement(child)) return child;
    const label = head[column++];
    return child.type === Cell ? cloneElement(child as ReactElement<CellProps>, { label }) : child;
  });
  return (
    <tr role="row" className={'border-b border-solid-gray-420 align-top' + (highlight ? ' bg-red-50' : '')} data-highlight={highlight || undefined}>
      {labelled}
    </tr>
  );
}

type CellProps = { children: ReactNode; header?: boolean; label?: string };

/** A cell; `header` makes it the row's heading (the card's title on a phone). */
export function Cell({ children, header = false, label }: CellProps) {
  return header ? (
    <th scope="row" role="rowheader" className="px-3 py-2 text-left font-normal">
      {children}
    </th>
  ) : (
    // The inner block keeps the content one piece beside the label on a phone.
    <td role="cell" className="px-3 py-2" data-label={label}>
      <div>{children}</div>
    </td>
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
