import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api.js';
import { Link, useLocation } from '../../router.js';
import { ErrorBox, Notice, PageTitle } from '../../components/ui.js';

/** A confirmation link without its token is as invalid as one with a wrong token. */
const MISSING_TOKEN = new ApiError(400, 'token_invalid', 'token missing');

export function VerifyPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const token = search.get('token') ?? '';
  const [verdict, setVerdict] = useState<'working' | 'done' | unknown>('working');
  useEffect(() => {
    if (!token) return;
    api.post('/api/auth/verify', { token }).then(
      () => setVerdict('done'),
      (e: unknown) => setVerdict(e),
    );
  }, [token]);
  const state = token ? verdict : MISSING_TOKEN;
  return (
    <section className="narrow">
      <PageTitle>{t('verify.title')}</PageTitle>
      {state === 'working' ? <p role="status">{t('verify.working')}</p> : null}
      {state === 'done' ? (
        <>
          <Notice kind="success">{t('verify.done')}</Notice>
          <p>
            <Link to="/login">{t('verify.toLogin')}</Link>
          </p>
        </>
      ) : null}
      {state !== 'working' && state !== 'done' ? <ErrorBox error={state} /> : null}
    </section>
  );
}
