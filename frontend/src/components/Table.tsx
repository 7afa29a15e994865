import type { ReactNode } from 'react';

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
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[40rem] text-left text-std-16N-170">
        <caption className={captionHidden ? 'sr-only' : 'mb-2 text-left text-std-18B-160'}>{caption}</caption>
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
        'inline-block rounded-4 border px-2 text-dns-16N-130 ' +
        (active ? 'border-success-2 text-success-2' : 'border-solid-gray-600 bg-solid-gray-50 text-solid-gray-700')
      }
    >
      {active ? activeLabel : inactiveLabel}
    </span>
  );
}
