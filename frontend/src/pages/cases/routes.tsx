// The case screens, loaded on first use as one chunk: administrators never download them.
import { RequireCapability } from '../../app/guards';
import type { Capabilities } from '../../auth/permissions';
import { ConsultationEditPage } from '../consultations/ConsultationEditPage';
import { ConsultationNewPage } from '../consultations/ConsultationNewPage';
import { FollowUpEditPage } from '../followups/FollowUpEditPage';
import { FollowUpRecordPage } from '../followups/FollowUpRecordPage';
import { FollowUpsPage } from '../followups/FollowUpsPage';
import { FollowUpCalendarPage } from '../followups/FollowUpCalendarPage';
import { ConsentEditPage } from '../patients/ConsentEditPage';
import { PatientEditPage } from '../patients/PatientEditPage';
import { PatientNewPage } from '../patients/PatientNewPage';
import { PatientPage } from '../patients/PatientPage';
import { PatientsPage } from '../patients/PatientsPage';
import { ReferralEditPage } from '../referrals/ReferralEditPage';
import { ReferralNewPage } from '../referrals/ReferralNewPage';
import { ReferralPage } from '../referrals/ReferralPage';
import { PatientPrintPage } from '../print/PatientPrintPage';
import { ReferralPrintPage } from '../print/ReferralPrintPage';

const pages = {
  patients: PatientsPage,
  patientNew: PatientNewPage,
  patient: PatientPage,
  patientEdit: PatientEditPage,
  referralNew: ReferralNewPage,
  consultationNew: ConsultationNewPage,
  referral: ReferralPage,
  followUps: FollowUpsPage,
  followUpCalendar: FollowUpCalendarPage,
  followUp: FollowUpRecordPage,
  consultationEdit: ConsultationEditPage,
  referralEdit: ReferralEditPage,
  followUpEdit: FollowUpEditPage,
  consentEdit: ConsentEditPage,
  patientPrint: PatientPrintPage,
  referralPrint: ReferralPrintPage,
};

export type CasePage = keyof typeof pages;

/**
 * The screens a ピア・サポーター uses too: their patients, a patient's page and recording or
 * correcting their consultations. The server narrows what they reach; the pages leave out
 * the parts of a case that are not theirs.
 */
const PEER_PAGES: ReadonlySet<CasePage> = new Set(['patients', 'patient', 'consultationNew', 'consultationEdit']);

/** The route element of a case screen, behind the case workers' capability (or the peer supporters' for their pages). */
export function caseElement(page: CasePage) {
  const Page = pages[page];
  const cap: keyof Capabilities = PEER_PAGES.has(page) ? 'reachPatients' : 'workCases';
  return (
    <RequireCapability cap={cap}>
      <Page />
    </RequireCapability>
  );
}
