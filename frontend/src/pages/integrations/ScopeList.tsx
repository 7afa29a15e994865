import { useI18n } from '../../i18n/I18nProvider';
import { isWriteScope, scopeLabel } from './integrationModel';

/** Granted scopes as a list: what each allows, its code, and writing ones marked in words. */
export function ScopeList({ scopes }: { scopes: readonly string[] }) {
  const i = useI18n();
  return (
    <ul className="flex flex-col gap-1 text-dns-16N-130" data-testid="scopes">
      {scopes.map((s) => (
        <li key={s}>
          {scopeLabel(i, s)}{' '}
          <code className="text-solid-gray-700">{s}</code>
          {isWriteScope(s) && (
            <span className="ml-2 inline-block rounded-4 border border-warning-yellow-2 bg-yellow-50 px-1">
              {i.t('apiClient.writes')}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
