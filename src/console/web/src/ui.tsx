// Presentational pieces shared by the pages.
import type { ComponentChildren } from 'preact';
import type { Loaded } from './hooks';

export function Page(props: { title: string; actions?: ComponentChildren; children: ComponentChildren }) {
  return (
    <section aria-labelledby="page-title">
      <div class="page-head">
        <h1 id="page-title">{props.title}</h1>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}

export function ErrorBox(props: { message: string | null }) {
  if (!props.message) return null;
  return (
    <p class="error" role="alert">
      {props.message}
    </p>
  );
}

/** Shows loading and errors, then renders `children` with the data. */
export function Show<T>(props: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  const { data, error, loading } = props.loaded;
  if (error) return <ErrorBox message={error} />;
  if (data === null) return <p aria-busy={loading}>Loading…</p>;
  return <>{props.children(data)}</>;
}

export function Stat(props: { label: string; value: string | number; warn?: boolean }) {
  return (
    <div class={`stat${props.warn ? ' warn' : ''}`}>
      <div class="stat-value">{props.value}</div>
      <div class="stat-label">{props.label}</div>
    </div>
  );
}

/** A value shown as pretty-printed JSON when it parses as JSON, as text otherwise. */
export function Payload(props: { text: string | null }) {
  if (props.text === null) return <span class="muted">null</span>;
  const pretty = prettyJson(props.text);
  return <pre class={pretty === null ? 'payload' : 'payload json'}>{pretty ?? props.text}</pre>;
}

function prettyJson(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return null;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return null;
  }
}

export function formatNumber(n: number): string {
  return n.toLocaleString('en-US');
}
