// 委員の追加 and 委員の編集, with 「サインインの発行」 on the edit page: the temporary
// password is shown once, with a warning and a copy button.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import type { Versioned } from '../../api/client';
import {
  councilKeys,
  createMember,
  createMemberAccount,
  getMember,
  updateMember,
  type CouncilMember,
  type CreateCouncilMember,
  type MemberAccount,
  type UpdateCouncilMember,
} from '../../api/councils';
import { asProblem, type Problem } from '../../api/problem';
import { PageTitle } from '../../app/PageTitle';
import { Button } from '../../components/Button';
import { ConflictPanel } from '../../components/ConflictPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { DateField, SelectField, TextField } from '../../components/Field';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { useEditForm } from '../../components/forms';
import { Notice } from '../../components/Notice';
import { Loading } from '../../components/QueryState';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { councilRoleKey, labelOf, memberCategoryKey } from './councilLabels';
import { COUNCIL_ROLES, MEMBER_CATEGORIES } from './councilModel';
import { CouncilLoadError, h2Class, sectionClass } from './common';

interface MemberForm {
  name: string;
  organization: string;
  category: string;
  council_role: string;
  term_start: string;
  term_end: string;
}

const empty: MemberForm = { name: '', organization: '', category: '', council_role: 'member', term_start: '', term_end: '' };

const toForm = (m: CouncilMember): MemberForm => ({
  name: m.name,
  organization: m.organization,
  category: m.category,
  council_role: m.council_role,
  term_start: m.term_start,
  term_end: m.term_end,
});

function useLabels() {
  const { t } = useI18n();
  return {
    name: t('council.member.name'),
    organization: t('council.member.organization'),
    category: t('council.member.category'),
    council_role: t('council.member.role'),
    term_start: t('council.member.termStart'),
    term_end: t('council.member.termEnd'),
  };
}

function Fields({
  values,
  set,
  errorsFor,
}: {
  values: MemberForm;
  set: <K extends keyof MemberForm>(key: K, value: MemberForm[K]) => void;
  errorsFor: (field: string) => string[];
}) {
  const { t } = useI18n();
  const labels = useLabels();
  return (
    <>
      <TextField name="name" label={labels.name} required autoComplete="off" value={values.name} onChange={(e) => set('name', e.target.value)} errors={errorsFor('name')} />
      <TextField
        name="organization"
        label={labels.organization}
        required
        autoComplete="off"
        value={values.organization}
        onChange={(e) => set('organization', e.target.value)}
        errors={errorsFor('organization')}
      />
      <SelectField
        name="category"
        label={labels.category}
        required
        placeholder={t('common.selectPlaceholder')}
        options={MEMBER_CATEGORIES.map((c) => ({ value: c, label: labelOf(t, memberCategoryKey, c) }))}
        value={values.category}
        onChange={(e) => set('category', e.target.value)}
        errors={errorsFor('category')}
      />
      <SelectField
        name="council_role"
        label={labels.council_role}
        required
        options={COUNCIL_ROLES.map((c) => ({ value: c, label: labelOf(t, councilRoleKey, c) }))}
        value={values.council_role}
        onChange={(e) => set('council_role', e.target.value)}
        errors={errorsFor('council_role')}
      />
      <DateField name="term_start" label={labels.term_start} required value={values.term_start} onChange={(v) => set('term_start', v)} errors={errorsFor('term_start')} />
      <DateField name="term_end" label={labels.term_end} required value={values.term_end} onChange={(v) => set('term_end', v)} errors={errorsFor('term_end')} />
    </>
  );
}

export function MemberNewPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const labels = useLabels();
  const [values, setValues] = useState<MemberForm>(empty);
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const body: CreateCouncilMember = {
    name: values.name.trim(),
    organization: values.organization.trim(),
    category: values.category as CreateCouncilMember['category'],
    council_role: values.council_role as CouncilMember['council_role'],
    term_start: values.term_start,
    term_end: values.term_end,
  };
  const key = useIdempotencyKey(body);
  const mutation = useMutation({
    mutationFn: () => createMember(id, body, key),
    onSuccess: async (m) => {
      await queryClient.invalidateQueries({ queryKey: councilKeys.members(id) });
      void navigate(`/councils/${id}/members/${m.id}`, flash('created'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };
  return (
    <>
      <PageTitle>{t('council.member.newTitle')}</PageTitle>
      <ErrorSummary problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className={formClass}>
        <Fields values={values} set={(k, v) => setValues((o) => ({ ...o, [k]: v }))} errorsFor={errorsFor} />
        <FormActions submitLabel={t('common.create')} busy={mutation.isPending} cancelTo={`/councils/${id}`} />
      </form>
    </>
  );
}

export function MemberEditPage() {
  const { id = '', memberId = '' } = useParams();
  const { t } = useI18n();
  const q = useQuery({ queryKey: councilKeys.member(id, memberId), queryFn: () => getMember(id, memberId) });
  return (
    <>
      <PageTitle>{t('council.member.editTitle')}</PageTitle>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <CouncilLoadError error={q.error} retry={() => void q.refetch()} />
      ) : (
        <>
          <EditForm key={memberId} councilId={id} initial={q.data} />
          <AccountPanel councilId={id} member={q.data.data} />
        </>
      )}
    </>
  );
}

function EditForm({ councilId, initial }: { councilId: string; initial: Versioned<CouncilMember> }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const labels = useLabels();
  const memberId = initial.data.id;
  const form = useEditForm<CouncilMember, MemberForm>({
    initial,
    toForm,
    save: (c, etag) => {
      const patch: UpdateCouncilMember = {};
      if (c.name !== undefined) patch.name = c.name.trim();
      if (c.organization !== undefined) patch.organization = c.organization.trim();
      if (c.category !== undefined) patch.category = c.category as CouncilMember['category'];
      if (c.council_role !== undefined) patch.council_role = c.council_role as CouncilMember['council_role'];
      if (c.term_start !== undefined) patch.term_start = c.term_start;
      if (c.term_end !== undefined) patch.term_end = c.term_end;
      return updateMember(councilId, memberId, patch, etag);
    },
    reload: () => getMember(councilId, memberId),
    onSaved: () => {
      void queryClient.invalidateQueries({ queryKey: councilKeys.council(councilId) });
      void navigate(`/councils/${councilId}`, flash('saved'));
    },
  });
  const errorsFor = useFieldErrors(form.problem);
  const show = (f: MemberForm): Record<keyof MemberForm, string> => ({
    ...f,
    category: labelOf(t, memberCategoryKey, f.category),
    council_role: labelOf(t, councilRoleKey, f.council_role),
  });
  const rows = () => {
    if (!form.conflict) return [];
    const yours = show(form.values);
    const current = show(toForm(form.conflict.data));
    return (Object.keys(yours) as (keyof MemberForm)[]).map((k) => ({ label: labels[k], yours: yours[k], current: current[k] }));
  };
  return (
    <>
      {form.conflict && <ConflictPanel resource={t('council.member.resource')} rows={rows()} onReapply={form.reapply} onDiscard={form.discard} />}
      <ErrorSummary problem={form.problem} fields={labels} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          form.submit();
        }}
        noValidate
        className={formClass}
      >
        <Fields values={form.values} set={form.set} errorsFor={errorsFor} />
        <FormActions submitLabel={t('common.save')} busy={form.saving} cancelTo={`/councils/${councilId}`} />
      </form>
    </>
  );
}

function AccountPanel({ councilId, member }: { councilId: string; member: CouncilMember }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [login, setLogin] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [given, setGiven] = useState<MemberAccount | null>(null);
  const [copied, setCopied] = useState(false);
  const errorsFor = useFieldErrors(problem);
  const shown = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (given) shown.current?.focus();
  }, [given]);
  const mutation = useMutation({
    mutationFn: () => createMemberAccount(councilId, member.id, login.trim()),
    onSuccess: (a) => {
      setProblem(null);
      setGiven(a);
      void queryClient.invalidateQueries({ queryKey: councilKeys.members(councilId) });
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  return (
    <section aria-labelledby="member-account" className={sectionClass}>
      <h2 id="member-account" className={h2Class}>
        {t('council.member.account.title')}
      </h2>
      {given ? (
        <div ref={shown} tabIndex={-1} className="flex flex-col gap-3 outline-none">
          <Notice tone="warning" live="assertive" title={t('council.member.account.created')}>
            <p>{t('council.member.account.warning')}</p>
          </Notice>
          <dl className="grid gap-2 text-std-16N-170">
            <dt className="text-std-17B-170">{t('council.member.account.login')}</dt>
            <dd data-testid="account-login">{given.login}</dd>
            <dt className="text-std-17B-170">{t('council.member.account.password')}</dt>
            <dd>
              <code data-testid="temporary-password" className="rounded-4 bg-solid-gray-50 px-2 py-1 text-std-20B-150 break-all">
                {given.temporary_password}
              </code>
            </dd>
          </dl>
          <div className="flex flex-wrap items-center gap-3">
            <Button
              size="sm"
              variant="outline"
              onClick={() => {
                void navigator.clipboard?.writeText(given.temporary_password).then(() => setCopied(true));
              }}
            >
              {t('council.member.account.copy')}
            </Button>
            <p role="status" className="text-dns-16N-130">
              {copied ? t('council.member.account.copied') : ''}
            </p>
          </div>
        </div>
      ) : member.user_id ? (
        <p className="text-std-16N-170">{t('council.member.account.given')}</p>
      ) : (
        <>
          <p className="text-std-16N-170">{t('council.member.account.intro')}</p>
          <ErrorSummary problem={problem} fields={{ login: t('council.member.account.login') }} id="account-errors" />
          <form
            noValidate
            className={formClass}
            onSubmit={(e) => {
              e.preventDefault();
              if (!mutation.isPending) mutation.mutate();
            }}
          >
            <TextField
              name="login"
              label={t('council.member.account.login')}
              required
              autoComplete="off"
              value={login}
              onChange={(e) => setLogin(e.target.value)}
              errors={errorsFor('login')}
            />
            <div>
              <Button type="submit" disabled={mutation.isPending}>
                {t('council.member.account.submit')}
              </Button>
            </div>
          </form>
        </>
      )}
    </section>
  );
}
