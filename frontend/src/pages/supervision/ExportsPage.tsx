// データの一括出力: the supervisor takes the center's case data out — a CSV per record kind,
// one Excel workbook with a sheet per kind, or one JSON document. Each request and each
// download is recorded in the audit trail.
import { useState } from 'react';
import { downloadExport } from '../../api/exports';
import { EXPORT_KINDS, type ExportKind } from '../../api/enums';
import { PageTitle } from '../../app/PageTitle';
import { SelectField } from '../../components/Field';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/translate';
import { DownloadButtons } from '../reports/Downloads';
import { SupervisionNav } from './SupervisionNav';

const KIND_LABELS: Record<ExportKind, MessageKey> = {
  patients: 'exports.kind.patients',
  consultations: 'exports.kind.consultations',
  referrals: 'exports.kind.referrals',
  follow_ups: 'exports.kind.follow_ups',
  consents: 'exports.kind.consents',
};

export function ExportsPage() {
  const { t } = useI18n();
  const [kind, setKind] = useState<ExportKind>('patients');
  const kindLabel = t(KIND_LABELS[kind]);
  return (
    <>
      <PageTitle>{t('supervision.exports')}</PageTitle>
      <SupervisionNav />
      <p className="max-w-4xl text-std-16N-170">{t('exports.lead')}</p>
      <section aria-labelledby="exports-csv" className="flex flex-col gap-3" data-testid="exports-csv">
        <h2 id="exports-csv" className="text-std-22B-150">
          {t('exports.csvTitle')}
        </h2>
        <p className="max-w-4xl text-std-16N-170 text-solid-gray-700">{t('exports.csvLead')}</p>
        <div className="min-w-80 max-w-md">
          <SelectField
            name="kind"
            label={t('exports.kind')}
            options={EXPORT_KINDS.map((k) => ({ value: k, label: t(KIND_LABELS[k]) }))}
            value={kind}
            onChange={(e) => setKind(e.target.value as ExportKind)}
          />
        </div>
        <DownloadButtons
          groupLabel={t('exports.csvTitle')}
          context={kindLabel}
          testId="downloads-export-csv"
          choices={[
            {
              id: 'csv',
              label: t('exports.downloadCsv', { kind: kindLabel }),
              format: 'CSV',
              fetch: () => downloadExport('csv', kind),
            },
          ]}
        />
      </section>
      <section aria-labelledby="exports-all" className="flex flex-col gap-3" data-testid="exports-all">
        <h2 id="exports-all" className="text-std-22B-150">
          {t('exports.allTitle')}
        </h2>
        <p className="max-w-4xl text-std-16N-170 text-solid-gray-700">{t('exports.allLead')}</p>
        <DownloadButtons
          groupLabel={t('exports.allTitle')}
          testId="downloads-export-all"
          choices={[
            { id: 'xlsx', label: t('exports.downloadXlsx'), format: 'Excel', fetch: () => downloadExport('xlsx') },
            { id: 'json', label: t('exports.downloadJson'), format: 'JSON', fetch: () => downloadExport('json') },
          ]}
        />
      </section>
    </>
  );
}
