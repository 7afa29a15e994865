import { createBrowserRouter, type RouteObject } from 'react-router';
import type { CasePage } from '../pages/cases/routes';
import type { IntegrationPage } from '../pages/integrations/routes';
import type { SupervisionPage } from '../pages/supervision/routes';
import type { SupportPlanScreen } from '../pages/supportPlans/routes';
import type { ShomanScreen } from '../pages/shoman/routes';
import type { ActivitiesScreen } from '../pages/activities/routes';
import type { RegionalScreen } from '../pages/regional/routes';
import type { CouncilScreen } from '../pages/councils/routes';
import type { ImportScreen } from '../pages/imports/routes';
import { AgenciesPage } from '../pages/agencies/AgenciesPage';
import { AgencyEditPage } from '../pages/agencies/AgencyEditPage';
import { AgencyNewPage } from '../pages/agencies/AgencyNewPage';
import { CenterEditPage } from '../pages/centers/CenterEditPage';
import { CenterNewPage } from '../pages/centers/CenterNewPage';
import { CenterSettingsPage } from '../pages/centers/CenterSettingsPage';
import { CentersPage } from '../pages/centers/CentersPage';
import { HomePage } from '../pages/HomePage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { SignInPage } from '../pages/SignInPage';
import { UserEditPage } from '../pages/users/UserEditPage';
import { UserNewPage } from '../pages/users/UserNewPage';
import { UsersPage } from '../pages/users/UsersPage';
import { PasswordPage } from '../pages/password/PasswordPage';
import { PASSWORD_PATH, RequireAuth, RequireCapability, TWO_FACTOR_PATH } from './guards';
import { AppShell, PublicLayout } from './Layouts';

/** A case screen: its code loads with the first visit to any of them (see pages/cases/routes). */
function caseRoute(path: string, page: CasePage): RouteObject {
  return {
    path,
    lazy: async () => {
      const { caseElement } = await import('../pages/cases/routes');
      return { element: caseElement(page) };
    },
  };
}

/** A supervision screen: its code loads with the first visit to any of them. */
function supervisionRoute(path: string, page: SupervisionPage): RouteObject {
  return {
    path,
    lazy: async () => {
      const { supervisionElement } = await import('../pages/supervision/routes');
      return { element: supervisionElement(page) };
    },
  };
}

/** A 小慢 support-plan screen: its code loads with the first visit to any of them. */
function supportPlanRoute(path: string, page: SupportPlanScreen): RouteObject {
  return {
    path,
    lazy: async () => {
      const { supportPlanElement } = await import('../pages/supportPlans/routes');
      return { element: supportPlanElement(page) };
    },
  };
}

/** A 小慢 projects, needs or figures screen: its code loads with the first visit to any of them. */
function shomanRoute(path: string, page: ShomanScreen): RouteObject {
  return {
    path,
    lazy: async () => {
      const { shomanElement } = await import('../pages/shoman/routes');
      return { element: shomanElement(page) };
    },
  };
}

/** An activities screen (outreach, training, events): its code loads with the first visit to any of them. */
function activitiesRoute(path: string, page: ActivitiesScreen): RouteObject {
  return {
    path,
    lazy: async () => {
      const { activitiesElement } = await import('../pages/activities/routes');
      return { element: activitiesElement(page) };
    },
  };
}

/** An integration screen (API clients, webhooks): its code loads with the first visit to any of them. */
function integrationRoute(path: string, page: IntegrationPage): RouteObject {
  return {
    path,
    lazy: async () => {
      const { integrationElement } = await import('../pages/integrations/routes');
      return { element: integrationElement(page) };
    },
  };
}

/** A regional councils screen (自治体, 地域の課題, 公表): its code loads with the first visit to any of them. */
function regionalRoute(path: string, page: RegionalScreen): RouteObject {
  return {
    path,
    lazy: async () => {
      const { regionalElement } = await import('../pages/regional/routes');
      return { element: regionalElement(page) };
    },
  };
}

/** A council screen (協議会, 委員, 会議, 誓約): its code loads with the first visit to any of them. */
function councilRoute(path: string, page: CouncilScreen): RouteObject {
  return {
    path,
    lazy: async () => {
      const { councilElement } = await import('../pages/councils/routes');
      return { element: councilElement(page) };
    },
  };
}

/** 台帳の取込 (a supervisor moves the center's existing records in): loaded on first visit. */
function importRoute(path: string, page: ImportScreen): RouteObject {
  return {
    path,
    lazy: async () => {
      const { importElement } = await import('../pages/imports/routes');
      return { element: importElement(page) };
    },
  };
}

export const routes: RouteObject[] = [
  {
    // The agency officer's page of a one-time link: no sign-in, no menu.
    path: '/agency/:token',
    lazy: async () => {
      const { AgencyLinkPage } = await import('../pages/agency/AgencyLinkPage');
      return { element: <AgencyLinkPage /> };
    },
  },
  {
    // An administration's published summary: public, no sign-in, no menu.
    path: '/public/administrations/:code/summary',
    lazy: async () => {
      const { PublicSummaryPage } = await import('../pages/regional/PublicSummaryPage');
      return {
        element: (
          <PublicLayout>
            <PublicSummaryPage />
          </PublicLayout>
        ),
      };
    },
  },
  {
    path: '/sign-in',
    element: (
      <PublicLayout>
        <SignInPage />
      </PublicLayout>
    ),
  },
  {
    path: '/',
    element: (
      <RequireAuth>
        <AppShell />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <HomePage /> },
      { path: 'centers', element: <RequireCapability cap="manageCenters"><CentersPage /></RequireCapability> },
      { path: 'centers/new', element: <RequireCapability cap="manageCenters"><CenterNewPage /></RequireCapability> },
      { path: 'centers/:id', element: <RequireCapability cap="manageCenters"><CenterEditPage /></RequireCapability> },
      { path: 'users', element: <RequireCapability cap="viewUsers"><UsersPage /></RequireCapability> },
      { path: 'users/new', element: <RequireCapability cap="manageUsers"><UserNewPage /></RequireCapability> },
      { path: 'users/:id', element: <RequireCapability cap="manageUsers"><UserEditPage /></RequireCapability> },
      { path: 'agencies', element: <RequireCapability cap="viewAgencies"><AgenciesPage /></RequireCapability> },
      { path: 'agencies/new', element: <RequireCapability cap="manageAgencies"><AgencyNewPage /></RequireCapability> },
      { path: 'agencies/:id', element: <RequireCapability cap="manageAgencies"><AgencyEditPage /></RequireCapability> },
      { path: 'center-settings', element: <RequireCapability cap="configureCenter"><CenterSettingsPage /></RequireCapability> },
      caseRoute('patients', 'patients'),
      caseRoute('patients/new', 'patientNew'),
      caseRoute('patients/:id', 'patient'),
      caseRoute('patients/:id/edit', 'patientEdit'),
      caseRoute('patients/:id/refer', 'referralNew'),
      caseRoute('patients/:id/print', 'patientPrint'),
      caseRoute('consultations/new', 'consultationNew'),
      caseRoute('referrals/:id', 'referral'),
      caseRoute('referrals/:id/print', 'referralPrint'),
      caseRoute('follow-ups', 'followUps'),
      caseRoute('follow-ups/calendar', 'followUpCalendar'),
      caseRoute('follow-ups/:id', 'followUp'),
      caseRoute('consultations/:id/edit', 'consultationEdit'),
      caseRoute('referrals/:id/edit', 'referralEdit'),
      caseRoute('follow-ups/:id/edit', 'followUpEdit'),
      caseRoute('consents/:id/edit', 'consentEdit'),
      supportPlanRoute('support-plans', 'list'),
      supportPlanRoute('support-plans/new', 'create'),
      supportPlanRoute('support-plans/:id', 'plan'),
      supportPlanRoute('transition', 'transition'),
      shomanRoute('projects', 'projects'),
      shomanRoute('projects/new', 'projectNew'),
      shomanRoute('projects/:id', 'project'),
      shomanRoute('projects/:id/edit', 'projectEdit'),
      shomanRoute('needs', 'needs'),
      shomanRoute('reports/shoman', 'figures'),
      activitiesRoute('activities', 'index'),
      activitiesRoute('activities/outreach', 'outreach'),
      activitiesRoute('activities/outreach/:id/edit', 'outreachEdit'),
      activitiesRoute('activities/trainings', 'trainings'),
      activitiesRoute('activities/trainings/:id/edit', 'trainingEdit'),
      activitiesRoute('activities/events', 'events'),
      activitiesRoute('activities/events/:id', 'event'),
      activitiesRoute('activities/events/:id/edit', 'eventEdit'),
      activitiesRoute('activities/supporter-sessions', 'supporterSessions'),
      activitiesRoute('activities/supporter-sessions/:id', 'supporterSession'),
      activitiesRoute('reports/outreach', 'outreachReport'),
      activitiesRoute('reports/supporter-sessions', 'supporterReport'),
      supervisionRoute('supervision', 'queue'),
      supervisionRoute('supervision/summary', 'summary'),
      supervisionRoute('supervision/audit', 'audit'),
      supervisionRoute('supervision/exports', 'exports'),
      regionalRoute('administrations', 'administrations'),
      regionalRoute('administrations/new', 'administrationNew'),
      regionalRoute('administrations/:id', 'administration'),
      regionalRoute('regional-issues', 'issues'),
      regionalRoute('regional-issues/new', 'issueNew'),
      regionalRoute('regional-issues/:id', 'issue'),
      regionalRoute('publication', 'publication'),
      regionalRoute('reports/regional-councils', 'councilsReport'),
      integrationRoute('integrations', 'index'),
      integrationRoute('integrations/api-clients', 'apiClients'),
      integrationRoute('integrations/api-clients/new', 'apiClientNew'),
      integrationRoute('integrations/api-clients/:id', 'apiClient'),
      integrationRoute('integrations/webhooks', 'webhooks'),
      integrationRoute('integrations/webhooks/new', 'webhookNew'),
      integrationRoute('integrations/webhooks/:id', 'webhook'),
      // 協議会 (regional councils), their members and meetings; a council member's pledge and issues.
      councilRoute('councils', 'councils'),
      councilRoute('councils/new', 'councilNew'),
      councilRoute('councils/:id', 'council'),
      councilRoute('councils/:id/edit', 'councilEdit'),
      councilRoute('councils/:id/members/new', 'memberNew'),
      councilRoute('councils/:id/members/:memberId', 'member'),
      councilRoute('councils/:id/meetings/new', 'meetingNew'),
      councilRoute('meetings/:id', 'meeting'),
      councilRoute('pledge', 'pledge'),
      councilRoute('council-issues/:id', 'issue'),
      importRoute('imports', 'imports'),
      importRoute('imports/:id', 'import'),
      {
        // Charts are heavy and only some roles report: the screen loads on first visit.
        path: 'reports',
        lazy: async () => {
          const { ReportsPage } = await import('../pages/reports/ReportsPage');
          return {
            element: (
              <RequireCapability cap="viewReports">
                <ReportsPage />
              </RequireCapability>
            ),
          };
        },
      },
      {
        // ピア・サポーターの活動実績: with the charts, loaded on first visit.
        path: 'reports/peer-support',
        lazy: async () => {
          const { PeerSupportReportPage } = await import('../pages/reports/PeerSupportReportPage');
          return {
            element: (
              <RequireCapability cap="viewPeerSupportReport">
                <PeerSupportReportPage />
              </RequireCapability>
            ),
          };
        },
      },
      // パスワードの変更: small, and the first screen of every new user, so not loaded lazily.
      { path: PASSWORD_PATH.slice(1), element: <PasswordPage /> },
      {
        // Enrolment in two-factor sign-in, with the QR code library: loaded on first visit.
        path: TWO_FACTOR_PATH.slice(1),
        lazy: async () => {
          const { TwoFactorPage } = await import('../pages/twoFactor/TwoFactorPage');
          return { element: <TwoFactorPage /> };
        },
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

export const router = createBrowserRouter(routes);
