import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { agencyLinkKeys, confirmAgencyLink, getAgencyPage, type AgencyOutcome, type AgencyPage } from '../../api/agencyLinks';
import { asProblem, type Problem } from '../../api/problem';
import { useRouteFocus } from '../../app/useRouteFocus';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { RadioGroupField, TextAreaField } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { Loading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/messages';
import { Facts } from '../patients/Timeline';

/** The page of a link that cannot be used: one answer for every reason, so it tells nothing. */
function Gone({ problem }: { problem: Problem | null }) {
  const { t } = useI18n();
  if (problem?.status === 429) return <Notice tone="warning" live="polite" title={t('agencyPage.busy')} />;
  return (
    <Notice tone="info" live="polite" title={t('agencyPage.gone')}>
      <p className="text-std-16N-170">{t('agencyPage.goneBody')}</p>
    </Notice>
  );
}

function Shared({ page }: { page: AgencyPage }) {
  const i = useI18n();
  const { t } = i;
  const s = page.shared;
  const rows: [string, string][] = [];
  if (s.name) rows.push([t('agencyPage.name'), s.name]);
  if (s.name_kana) rows.push([t('agencyPage.nameKana'), s.name_kana]);
  if (s.birth_date) rows.push([t('agencyPage.birthDate'), i.date(s.birth_date)]);
  if (s.phone) rows.push([t('agencyPage.phone'), s.phone]);
  if (s.email) rows.push([t('agencyPage.email'), s.email]);
  if (s.diagnosis) rows.push([t('agencyPage.diagnosis'), s.diagnosis]);
  if (s.disability_certificate != null)
    rows.push([t('agencyPage.disabilityCertificate'), s.disability_certificate ? t('agencyPage.yes') : t('agencyPage.no')]);
  if (rows.length === 0) return null;
  return (
    <section aria-labelledby="agency-shared" className="flex flex-col gap-2">
      <h2 id="agency-shared" className="text-std-18B-160">
        {t('agencyPage.shared')}
      </h2>
      <Facts items={rows} />
    </section>
  );
}

function AnswerForm({ token, page, onDone }: { token: string; page: AgencyPage; onDone: () => void }) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState('');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const mutation = useMutation({
    mutationFn: () => confirmAgencyLink(token, outcome as AgencyOutcome, note),
    onSuccess: onDone,
    onError: (e) => setProblem(asProblem(e)),
  });
  const labels = { outcome: t('agencyPage.outcome'), note: t('agencyPage.note') };
  if (problem && (problem.status === 404 || problem.status === 410 || problem.status === 429)) return <Gone problem={problem} />;
  return (
    <>
      <ErrorSummary id="answer-errors" problem={problem} fields={labels} />
      <form
        noValidate
        className="flex flex-col gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (outcome === '') {
            setProblem({
              status: 422,
              code: 'validation_failed',
              title: 'The input is not valid',
              detail: null,
              type: null,
              errors: [{ field: 'outcome', code: 'required', message: 'is required' }],
              retryAfterSeconds: null,
            });
            return;
          }
          if (!mutation.isPending) mutation.mutate();
        }}
      >
        <RadioGroupField
          name="outcome"
          label={labels.outcome}
          required
          choices={page.outcomes.map((o) => ({ value: o, label: t(`agencyOutcome.${o}` as MessageKey) }))}
          value={outcome}
          onChange={setOutcome}
          errors={errorsFor('outcome')}
        />
        <TextAreaField
          name="note"
          label={labels.note}
          hint={t('agencyPage.noteHint')}
          maxLength={500}
          rows={3}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          errors={errorsFor('note')}
        />
        <div>
          <Button type="submit" disabled={mutation.isPending} className="w-full sm:w-auto">
            {mutation.isPending ? t('agencyPage.sending') : t('agencyPage.submit')}
          </Button>
        </div>
      </form>
    </>
  );
}

/**
 * The agency officer's page (`/agency/:token`): no sign-in and no menu. It shows what the
 * consent and the referral's shared items allow, and takes one answer.
 */
export function AgencyLinkPage() {
  useRouteFocus();
  const { token = '' } = useParams();
  const i = useI18n();
  const { t } = i;
  const [answered, setAnswered] = useState(false);
  const page = useQuery({
    queryKey: agencyLinkKeys.page(token),
    queryFn: () => getAgencyPage(token),
    retry: false,
    staleTime: Infinity,
  });
  useEffect(() => {
    document.title = t('agencyPage.title');
  }, [t]);
  const p = page.data;
  return (
    <div className="flex min-h-screen flex-col">
      <header className="border-b border-solid-gray-420">
        <p className="mx-auto max-w-xl px-4 py-3 text-std-16B-170">{p?.center_name ?? t('app.name')}</p>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto flex w-full max-w-xl flex-1 flex-col gap-6 px-4 py-6 outline-none">
        <h1 tabIndex={-1} className="text-std-24B-150">
          {t('agencyPage.title')}
        </h1>
        {page.isPending ? (
          <Loading />
        ) : page.error || !p ? (
          <Gone problem={asProblem(page.error)} />
        ) : answered ? (
          <Notice tone="success" live="polite" title={t('agencyPage.thanks')}>
            <p className="text-std-16N-170">{t('agencyPage.thanksBody')}</p>
          </Notice>
        ) : (
          <>
            <p className="text-std-16N-170">{t('agencyPage.lead', { center: p.center_name })}</p>
            <Facts
              items={[
                [t('agencyPage.person'), p.initials],
                [t('agencyPage.referredOn'), i.date(p.referred_on)],
                [t('agencyPage.agency'), p.agency_name],
                [t('agencyPage.level'), t(`level.${p.level}` as MessageKey)],
                [t('agencyPage.expiresAt'), i.dateTime(p.expires_at)],
              ]}
            />
            <Shared page={p} />
            <AnswerForm token={token} page={p} onDone={() => setAnswered(true)} />
          </>
        )}
      </main>
    </div>
  );
}
