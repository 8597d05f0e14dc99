import { useState } from 'preact/hooks';
import { ApiError, post } from '../../common/api.ts';
import { navigate } from '../../common/router.ts';
import { sessionFrom, setSession, type Tokens } from '../../common/session.ts';
import { ErrorBox, Field } from '../../common/ui.tsx';

// Sign up and sign in: the server's field errors (a too-short password, a malformed email) are shown
// under the field they name; a wrong password is one message for the whole form, as the server says.

function useForm<T extends Record<string, string>>(initial: T) {
  const [values, setValues] = useState(initial);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const bind = (name: keyof T & string) => ({
    name,
    value: values[name] ?? '',
    error,
    onInput: (value: string) => setValues({ ...values, [name]: value }),
  });
  async function submit(event: Event, send: (values: T) => Promise<void>): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await send(values);
    } catch (caught) {
      setError(
        caught instanceof ApiError
          ? caught
          : new ApiError({ status: 0, title: 'Error', detail: String(caught), errors: [] }),
      );
    } finally {
      setBusy(false);
    }
  }
  return { bind, submit, error, busy };
}

function afterSignIn(): void {
  // In the console the page under the form is the one asked for: it shows once the session is set.
  if (location.pathname.startsWith('/console')) return;
  const next = new URLSearchParams(location.search).get('next');
  navigate(next?.startsWith('/') ? next : '/');
}

export function SignUp() {
  const form = useForm({ name: '', email: '', password: '' });
  const send = async (values: { name: string; email: string; password: string }) => {
    const answer = await post<Tokens & { customer: { name: string } }>('/api/v1/auth/register', values);
    setSession(sessionFrom(answer, answer.customer.name));
    afterSignIn();
  };
  return (
    <section class="card" aria-labelledby="sign-up-title">
      <h1 id="sign-up-title">Sign up</h1>
      <form noValidate onSubmit={(event) => void form.submit(event, send)}>
        <Field label="Name" autoComplete="name" {...form.bind('name')} />
        <Field label="Email" type="email" autoComplete="email" {...form.bind('email')} />
        <Field
          label="Password (8 characters or more)"
          type="password"
          autoComplete="new-password"
          {...form.bind('password')}
        />
        {form.error && form.error.problem.errors.length === 0 && <ErrorBox error={form.error} />}
        <button type="submit" disabled={form.busy}>
          Create my account
        </button>
      </form>
      <p>
        Already a customer? <a href="/sign-in">Sign in</a>
      </p>
    </section>
  );
}

export function SignIn() {
  const form = useForm({ email: '', password: '' });
  const send = async (values: { email: string; password: string }) => {
    const answer = await post<Tokens>('/api/v1/auth/sign-in', values);
    setSession(sessionFrom(answer));
    afterSignIn();
  };
  return (
    <section class="card" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <form noValidate onSubmit={(event) => void form.submit(event, send)}>
        <Field label="Email" type="email" autoComplete="email" {...form.bind('email')} />
        <Field label="Password" type="password" autoComplete="current-password" {...form.bind('password')} />
        {form.error && form.error.problem.errors.length === 0 && <ErrorBox error={form.error} />}
        <button type="submit" disabled={form.busy}>
          Sign in
        </button>
      </form>
      <p>
        New here? <a href="/sign-up">Sign up</a>
      </p>
    </section>
  );
}
