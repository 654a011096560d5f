import { AdminApi, AdminApiError } from './api.js';
import { h, on } from './dom.js';
import { CHECK_TOKEN_QUERY } from './queries.js';

export interface LoginOptions {
  /** Pre-filled (the demo's token). */
  token?: string;
  /** Shown above the form: why the user is asked again. */
  error?: string;
  /** Called with a token the admin API accepted. */
  onAccepted(token: string, remember: boolean): void;
}

/** Asks for the admin token and tries it on the admin API before the dashboard opens. */
export function loginView({ token, error, onAccepted }: LoginOptions): HTMLElement {
  const input = h('input', { id: 'admin-token', name: 'token', type: 'password', autocomplete: 'current-password', required: true, spellcheck: 'false' });
  if (token) input.value = token;
  const remember = h('input', { id: 'remember', type: 'checkbox' });
  const alert = h('p', { class: 'login-error', role: 'alert', hidden: !error }, error);
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Open dashboard');
  const form = h(
    'form',
    { class: 'login-card', 'aria-labelledby': 'login-title', novalidate: true },
    h('h1', { id: 'login-title' }, 'Gatehouse dashboard'),
    h('p', { class: 'muted' }, 'The dashboard reads the admin API (/admin/graphql) with the admin token: GATEHOUSE_ADMIN_TOKEN, or the one printed at first start.'),
    h('label', { for: 'admin-token' }, 'Admin token'),
    input,
    h('label', { class: 'check' }, remember, ' Remember on this device'),
    alert,
    submit,
  );
  const showError = (message: string) => {
    alert.textContent = message;
    alert.hidden = false;
  };
  on(form, 'submit', (event) => {
    event.preventDefault();
    const candidate = input.value.trim();
    if (!candidate) return showError('Enter the admin token.');
    submit.disabled = true;
    alert.hidden = true;
    new AdminApi(candidate).request(CHECK_TOKEN_QUERY).then(
      () => onAccepted(candidate, remember.checked),
      (failure: unknown) => {
        submit.disabled = false;
        showError(failure instanceof AdminApiError ? failure.message : `The admin API failed: ${String(failure)}`);
        input.select();
      },
    );
  });
  queueMicrotask(() => (token ? submit : input).focus());
  return h('main', { class: 'login' }, form);
}
