import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import {
  agencyLinkKeys,
  createAgencyLink,
  listAgencyLinks,
  revokeAgencyLink,
  type AgencyLinkCreated,
} from '../../api/agencyLinks';
import { keys } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { TextField } from '../../components/Field';
import { checkNumbers, readNumber, submitChecked } from '../../components/forms';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/messages';

/** The new link, shown this once: its URL with a copy button and its QR code. */
function NewLink({ made }: { made: AgencyLinkCreated }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <Notice tone="success" live="polite" title={t('agencyLinks.created')}>
      <div className="mt-2 flex flex-col gap-3">
        {made.email_sent === true && <p className="text-std-16N-170">{t('agencyLinks.emailSent')}</p>}
        {made.email_sent === false && <p className="text-std-16N-170">{t('agencyLinks.emailFailed')}</p>}
        <label htmlFor="agency-link-url" className="text-std-16B-170">
          {t('agencyLinks.url')}
        </label>
        <input
          id="agency-link-url"
          readOnly
          value={made.url}
          className="w-full rounded-8 border border-solid-gray-600 px-3 py-2 font-mono text-dns-16N-130"
          onFocus={(e) => e.target.select()}
        />
        <div className="flex items-center gap-3">
          <Button
            variant="outline"
            size="sm"
            onClick={() => {
              void navigator.clipboard.writeText(made.url).then(() => setCopied(true));
            }}
          >
            {t('agencyLinks.copy')}
          </Button>
          <span role="status" className="text-std-16N-170">
            {copied ? t('agencyLinks.copied') : ''}
          </span>
        </div>
        <img
          src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(made.qr_svg)}`}
          alt={t('agencyLinks.qr')}
          width={200}
          height={200}
          className="bg-white"
        />
      </div>
    </Notice>
  );
}

/** 機関への確認リンク on the referral page: make (URL and QR once), list and revoke. */
export function AgencyLinksSection({ referralId, level, open }: { referralId: string; level: string; open: boolean }) {
  const i = useI18n();
  const { t } = i;
  const queryClient = useQueryClient();
  const [days, setDays] = useState('14');
  const [email, setEmail] = useState('');
  const [made, setMade] = useState<AgencyLinkCreated | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const errorsFor = useFieldErrors(problem);
  const idempotencyKey = useIdempotencyKey({ referralId, days, email, n: made?.id });
  const links = useQuery({
    queryKey: agencyLinkKeys.list(referralId),
    queryFn: () => listAgencyLinks(referralId),
    staleTime: 0,
  });
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: keys.referral(referralId) });
  };
  const create = useMutation({
    mutationFn: () => {
      // Empty leaves the server's default; a number that is not whole goes as typed, for the
      // server to refuse on the field (what is not a number at all the form refuses first).
      const n = readNumber(days);
      const body = {
        expires_in_days: n ?? undefined,
        ...(email.trim() === '' ? {} : { email: email.trim() }),
      };
      return createAgencyLink(referralId, body, idempotencyKey);
    },
    onSuccess: async (m) => {
      setProblem(null);
      setMessage(null);
      setMade(m);
      setEmail('');
      await refresh();
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const revoke = useMutation({
    mutationFn: (linkId: string) => revokeAgencyLink(referralId, linkId),
    onSuccess: async () => {
      setMade(null);
      setMessage(t('agencyLinks.revoked'));
      await refresh();
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const passesData = level !== 'information_only';
  const labels = { expires_in_days: t('agencyLinks.expiresInDays'), email: t('agencyLinks.email') };
  return (
    <section aria-labelledby="agency-links" className="flex flex-col gap-3">
      <h2 id="agency-links" className="text-std-22B-150">
        {t('agencyLinks.title')}
      </h2>
      <p className="text-std-16N-170 text-solid-gray-700">{t('agencyLinks.lead')}</p>
      {message && <Notice tone="success" live="polite" title={message} />}
      {made && <NewLink made={made} />}
      {links.isPending ? (
        <Loading />
      ) : links.error ? (
        <LoadError error={links.error} retry={() => void links.refetch()} />
      ) : links.data.length === 0 ? (
        <p className="text-std-16N-170">{t('agencyLinks.empty')}</p>
      ) : (
        <Table
          caption={t('agencyLinks.title')}
          head={[
            t('agencyLinks.createdAt'),
            t('agencyLinks.expiresAt'),
            t('agencyLinks.state'),
            t('agencyLinks.outcome'),
            t('agencyLinks.actions'),
          ]}
        >
          {links.data.map((l) => (
            <Row key={l.id}>
              <Cell header>{i.dateTime(l.created_at)}</Cell>
              <Cell>{i.dateTime(l.expires_at)}</Cell>
              <Cell>{t(`agencyLinkState.${l.state}` as MessageKey)}</Cell>
              <Cell>{l.outcome ? t(`agencyOutcome.${l.outcome}` as MessageKey) : t('common.none')}</Cell>
              <Cell>
                {l.state === 'active' && (
                  <Button
                    variant="outline"
                    size="sm"
                    disabled={revoke.isPending}
                    onClick={() => revoke.mutate(l.id)}
                  >
                    {t('agencyLinks.revoke')}
                  </Button>
                )}
              </Cell>
            </Row>
          ))}
        </Table>
      )}
      {open && passesData ? (
        <>
          <ErrorSummary id="agency-link-errors" problem={problem} fields={labels} />
          <form
            noValidate
            className="flex flex-wrap items-end gap-4"
            onSubmit={submitChecked(create, () => checkNumbers({ expires_in_days: days }, ['expires_in_days']), setProblem)}
          >
            <div className="w-40">
              <TextField
                name="expires_in_days"
                inputMode="numeric"
                label={labels.expires_in_days}
                value={days}
                onChange={(e) => setDays(e.target.value)}
                errors={errorsFor('expires_in_days')}
              />
            </div>
            <div className="min-w-72 flex-1">
              <TextField
                name="email"
                type="email"
                autoComplete="off"
                label={labels.email}
                hint={t('agencyLinks.emailHint')}
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                errors={errorsFor('email')}
              />
            </div>
            <Button type="submit" disabled={create.isPending}>
              {create.isPending ? t('form.saving') : t('agencyLinks.create')}
            </Button>
          </form>
        </>
      ) : (
        open && <p className="text-std-16N-170">{t('agencyLinks.lowLevel')}</p>
      )}
    </section>
  );
}
