// 記録の開示・出力: the supervisor hands a patient everything held about them (PDF or JSON), or
// another system the case as FHIR. Each download is an audited read.
import { downloadDisclosure, downloadDisclosurePdf, downloadFhirBundle } from '../../api/exchange';
import type { Patient } from '../../api/client';
import { useI18n } from '../../i18n/I18nProvider';
import { DownloadButtons } from '../reports/Downloads';

export function ExportSection({ patient }: { patient: Patient }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="patient-exports" className="flex flex-col gap-3" data-testid="patient-exports">
      <h2 id="patient-exports" className="text-std-22B-150">
        {t('patient.exportTitle')}
      </h2>
      <p className="text-std-16N-170 text-solid-gray-700">{t('patient.exportLead')}</p>
      <DownloadButtons
        groupLabel={t('patient.exportTitle')}
        testId="downloads-patient"
        choices={[
          {
            id: 'disclosure',
            label: t('patient.exportDisclosure'),
            format: 'JSON',
            fetch: () => downloadDisclosure(patient.id, patient.case_number),
          },
          {
            id: 'disclosure-pdf',
            label: t('patient.exportDisclosurePdf'),
            format: 'PDF',
            fetch: () => downloadDisclosurePdf(patient.id, patient.case_number),
          },
          {
            id: 'fhir',
            label: t('patient.exportFhir'),
            format: 'FHIR JSON',
            fetch: () => downloadFhirBundle(patient.id, patient.case_number),
          },
        ]}
      />
    </section>
  );
}
