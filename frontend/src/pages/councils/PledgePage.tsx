// 守秘義務の誓約: a council member's first step after the password and two-factor sign-in;
// until they have pledged, every council record answers 403 `pledge_required`.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { councilKeys, makePledge } from '../../api/councils';
import { asProblem, type Problem } from '../../api/problem';
import { PageTitle } from '../../app/PageTitle';
import { Button } from '../../components/Button';
import { ErrorSummary } from '../../components/ErrorSummary';
import { CheckboxField } from '../../components/Field';
import { formClass } from '../../components/FormActions';
import { Notice } from '../../components/Notice';
import { useI18n } from '../../i18n/I18nProvider';

export function PledgePage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [agreed, setAgreed] = useState(false);
  const [missing, setMissing] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const box = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (missing) box.current?.focus();
  }, [missing]);
  const mutation = useMutation({
    mutationFn: makePledge,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: councilKeys.all });
      void navigate('/', { replace: true, state: { pledged: true } });
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!agreed) {
      setMissing(true);
      return;
    }
    if (!mutation.isPending) mutation.mutate();
  };
  return (
    <>
      <PageTitle>{t('pledge.title')}</PageTitle>
      <ErrorSummary problem={problem} fields={{}} />
      <section aria-labelledby="pledge-text" className="flex max-w-3xl flex-col gap-3 rounded-8 border border-solid-gray-420 p-4">
        <h2 id="pledge-text" className="text-std-20B-150">
          {t('pledge.title')}
        </h2>
        <p className="text-std-16N-170">{t('pledge.intro')}</p>
        <ol className="list-decimal pl-6 text-std-16N-170">
          <li>{t('pledge.item1')}</li>
          <li>{t('pledge.item2')}</li>
          <li>{t('pledge.item3')}</li>
        </ol>
      </section>
      <form onSubmit={onSubmit} noValidate className={formClass}>
        {missing && !agreed && <Notice tone="error" live="assertive" title={t('pledge.agreeRequired')} />}
        <CheckboxField
          ref={box}
          name="agree"
          label={t('pledge.agree')}
          checked={agreed}
          onChange={(e) => setAgreed(e.target.checked)}
          errors={missing && !agreed ? [t('pledge.agreeRequired')] : []}
        />
        <div>
          <Button type="submit" disabled={mutation.isPending}>
            {t('pledge.submit')}
          </Button>
        </div>
      </form>
    </>
  );
}
