// The center administrator's integration screens (API clients, webhooks), loaded on first
// use as one chunk: only center administrators download them.
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

/** The route element of an integration screen, behind the center administrator's capability. */
export function integrationElement(page: IntegrationPage) {
  if (page === 'index') return <Navigate to="/integrations/api-clients" replace />;
  const Page = pages[page];
  return (
    <RequireCapability cap="manageIntegrations">
      <Page />
    </RequireCapability>
  );
}
