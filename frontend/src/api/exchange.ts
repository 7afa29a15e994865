// A patient's records leaving Tsunagu: the disclosure of everything held about them (APPI
// 保有個人データの開示, supervisors) and the case as a FHIR R4 bundle.
import { api } from './client';
import { asFile, type DownloadedFile } from './reports';

/** Everything held about the patient, as JSON, for handing to them. */
export function downloadDisclosure(patientId: string, caseNumber: string): Promise<DownloadedFile> {
  return asFile(
    api.GET('/api/v1/patients/{id}/disclosure', {
      params: { path: { id: patientId } },
      headers: { Accept: 'application/json' },
      parseAs: 'blob',
    }),
    `disclosure-${caseNumber}.json`,
  );
}

/** The patient's case as a FHIR R4 Bundle (application/fhir+json). */
export function downloadFhirBundle(patientId: string, caseNumber: string): Promise<DownloadedFile> {
  return asFile(
    api.GET('/api/v1/patients/{id}/fhir', {
      params: { path: { id: patientId } },
      headers: { Accept: 'application/fhir+json' },
      parseAs: 'blob',
    }),
    `fhir-${caseNumber}.json`,
  );
}

/** Everything held about the patient as a PDF in Japanese, for handing to them. */
export function downloadDisclosurePdf(patientId: string, caseNumber: string): Promise<DownloadedFile> {
  return asFile(
    api.GET('/api/v1/patients/{id}/disclosure', {
      params: { path: { id: patientId } },
      headers: { Accept: 'application/pdf' },
      parseAs: 'blob',
    }),
    `disclosure-${caseNumber}.pdf`,
  );
}
