// The integration screens (API clients, webhooks), loaded on first use as one chunk: only
// center administrators and administrations' officers download them.
import { Navigate } from 'react-router';
import { RequireCapability } from '../../app/guards';
import { ApiClientNewPage } from './ApiClientNewPage';
import { ApiClientPage } from './ApiClientPage';
import { ApiClientsPage } from './ApiClientsPage';
import { WebhookNewPage } from './WebhookNewPage';
import { WebhookPage } from './WebhookPage';
import { WebhooksPage } from './WebhooksPage';

const pages = {
  apiClients: ApiClientsPage,
  apiClientNew: ApiClientNewPage,
  apiClient: ApiClientPage,
  webhooks: WebhooksPage,
  webhookNew: WebhookNewPage,
  webhook: WebhookPage,
};

export type IntegrationPage = keyof typeof pages | 'index';

/** The route element of an integration screen, behind the capability it needs. */
export function integrationElement(page: IntegrationPage) {
  if (page === 'index') return <Navigate to="/integrations/api-clients" replace />;
  const Page = pages[page];
  // API clients are also an administration's officer's; webhooks a center's only.
  const cap = page.startsWith('apiClient') ? 'manageApiClients' : 'manageIntegrations';
  return (
    <RequireCapability cap={cap}>
      <Page />
    </RequireCapability>
  );
}
