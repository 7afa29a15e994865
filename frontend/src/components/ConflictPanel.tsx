import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import { Button } from './Button';

export interface ConflictRow {
  readonly label: string;
  readonly yours: string;
  readonly current: string;
}

/**
 * Shown after a 412: someone saved this record while the user was editing. Lists where
 * the user's input and the current server values differ, and offers to reapply the input
 * onto the current version or to drop it.
 */
export function ConflictPanel({
  resource,
  rows,
  onReapply,
  onDiscard,
}: {
  /** The kind of record, in the running text ("center"). */
  resource: string;
  rows: readonly ConflictRow[];
  onReapply: () => void;
  onDiscard: () => void;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  const differing = rows.filter((r) => r.yours !== r.current);

  return (
    <section
      ref={ref}
      tabIndex={-1}
      aria-labelledby="conflict-title"
      className="flex flex-col gap-4 rounded-8 border-2 border-warning-orange-2 bg-white p-4"
    >
      <h2 id="conflict-title" className="text-std-20B-150">
        {t('conflict.title', { resource })}
      </h2>
      <p className="text-std-16N-170">{t('conflict.lead', { resource })}</p>
      {differing.length === 0 ? (
        <p className="text-std-16N-170">{t('conflict.noDiff')}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-std-16N-170">
            <thead>
              <tr className="border-b-2 border-solid-gray-900">
                <th scope="col" className="px-3 py-2">
                  {t('conflict.field')}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('conflict.yours')}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('conflict.current')}
                </th>
              </tr>
            </thead>
            <tbody>
              {differing.map((r) => (
                <tr key={r.label} className="border-b border-solid-gray-420">
                  <th scope="row" className="px-3 py-2 font-bold">
                    {r.label}
                  </th>
                  <td className="px-3 py-2">{r.yours || t('common.none')}</td>
                  <td className="px-3 py-2">{r.current || t('common.none')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="text-dns-16N-130 text-solid-gray-700">{t('conflict.reapplyHint')}</p>
      <div className="flex flex-wrap gap-3">
        <Button onClick={onReapply}>{t('conflict.reapply')}</Button>
        <Button variant="outline" onClick={onDiscard}>
          {t('conflict.discard')}
        </Button>
      </div>
    </section>
  );
}
