// Topic detail: partitions and offsets, configs, the message browser, produce, delete.
import { useState } from 'preact/hooks';
import { api, type BrowseResult, type TopicDetail } from './api';
import { href, useLoad } from './hooks';
import { ErrorBox, Page, Payload, Show, formatNumber } from './ui';

const TABS = ['partitions', 'messages', 'produce', 'configs'] as const;
type Tab = (typeof TABS)[number];

export function TopicPage(props: { name: string; tab: string | undefined }) {
  const loaded = useLoad(() => api.topic(props.name), [props.name]);
  const tab: Tab = (TABS as readonly string[]).includes(props.tab ?? '') ? (props.tab as Tab) : 'partitions';
  const [deleting, setDeleting] = useState(false);
  return (
    <Page title={`Topic ${props.name}`} actions={<button class="danger" onClick={() => setDeleting(true)}>Delete topic</button>}>
      {deleting && <DeleteDialog name={props.name} onCancel={() => setDeleting(false)} />}
      <nav class="tabs" aria-label="Topic sections">
        {TABS.map((t) => (
          <a href={href('topics', props.name, t)} aria-current={t === tab ? 'page' : undefined}>
            {t[0]!.toUpperCase() + t.slice(1)}
          </a>
        ))}
      </nav>
      <Show loaded={loaded}>
        {(topic) => (
          <>
            {tab === 'partitions' && <Partitions topic={topic} reload={loaded.reload} />}
            {tab === 'configs' && <Configs topic={topic} onChanged={loaded.reload} />}
            {tab === 'messages' && <MessageBrowser topic={topic} />}
            {tab === 'produce' && <ProduceForm topic={topic} onProduced={loaded.reload} />}
          </>
        )}
      </Show>
    </Page>
  );
}

function Partitions(props: { topic: TopicDetail; reload: () => void }) {
  return (
    <>
      <button onClick={props.reload}>Refresh</button>
      <table>
        <thead>
          <tr>
            <th scope="col">Partition</th>
            <th scope="col">Leader</th>
            <th scope="col">Replicas</th>
            <th scope="col">In sync</th>
            <th scope="col" class="num">Start offset</th>
            <th scope="col" class="num">End offset</th>
            <th scope="col" class="num">Messages</th>
          </tr>
        </thead>
        <tbody>
          {props.topic.partitions.map((p) => (
            <tr key={p.partition}>
              <td>
                <a href={`${href('topics', props.topic.name, 'messages')}?p=${p.partition}`}>{p.partition}</a>
              </td>
              <td>{p.leader}</td>
              <td>{p.replicas.join(', ')}</td>
              <td class={p.isr.length < p.replicas.length ? 'warn' : ''}>{p.isr.join(', ')}</td>
              <td class="num">{formatNumber(p.lowWatermark)}</td>
              <td class="num">{formatNumber(p.highWatermark)}</td>
              <td class="num">{formatNumber(p.highWatermark - p.lowWatermark)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Configs(props: { topic: TopicDetail; onChanged: () => void }) {
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (props.topic.configs.length === 0) return <p>The cluster did not report configs for this topic (DescribeConfigs unsupported or refused).</p>;
  const save = async (changes: Record<string, string | null>) => {
    setError(null);
    try {
      await api.alterConfigs(props.topic.name, changes);
      setEditing(null);
      props.onChanged();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <>
      <ErrorBox message={error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
            <th scope="col">Source</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.topic.configs.map((c) => (
            <tr key={c.name}>
              <td>
                <code>{c.name}</code>
              </td>
              <td>
                {editing === c.name ? (
                  <form
                    class="inline"
                    aria-label={`Edit ${c.name}`}
                    onSubmit={(e) => {
                      e.preventDefault();
                      void save({ [c.name]: draft });
                    }}
                  >
                    <input aria-label={`New value of ${c.name}`} value={draft} autoFocus onInput={(e) => setDraft(e.currentTarget.value)} onKeyDown={(e) => e.key === 'Escape' && setEditing(null)} />
                    <button type="submit">Save</button>
                    <button type="button" onClick={() => setEditing(null)}>
                      Cancel
                    </button>
                  </form>
                ) : c.sensitive ? (
                  '••••'
                ) : (
                  (c.value ?? <span class="muted">null</span>)
                )}
              </td>
              <td>{c.isOverride ? <strong>topic override</strong> : 'default'}</td>
              <td>
                {!c.readOnly && editing !== c.name && (
                  <>
                    <button
                      aria-label={`Edit ${c.name}`}
                      onClick={() => {
                        setEditing(c.name);
                        setDraft(c.value ?? '');
                      }}
                    >
                      Edit
                    </button>{' '}
                    {c.isOverride && (
                      <button aria-label={`Reset ${c.name} to default`} onClick={() => void save({ [c.name]: null })}>
                        Reset
                      </button>
                    )}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function initialPartition(): number {
  const m = /[?&]p=(\d+)/.exec(location.hash);
  return m ? Number(m[1]) : 0;
}

function MessageBrowser(props: { topic: TopicDetail }) {
  const [partition, setPartition] = useState(initialPartition);
  const [startAt, setStartAt] = useState<'offset' | 'time'>('offset');
  const [offset, setOffset] = useState(0);
  const [time, setTime] = useState('');
  const [limit, setLimit] = useState(50);
  const [filter, setFilter] = useState('');
  const [result, setResult] = useState<BrowseResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const load = async (from: { offset: number } | { timestampMs: number }) => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.browse(props.topic.name, partition, from, limit);
      setResult(r);
      if ('offset' in from) setOffset(from.offset);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: Event) => {
    e.preventDefault();
    if (startAt === 'offset') return void load({ offset });
    const timestampMs = Date.parse(time);
    if (Number.isNaN(timestampMs)) return setError('pick a date and time to start from');
    void load({ timestampMs });
  };
  const needle = filter.trim().toLowerCase();
  const shown = result ? result.messages.filter((m) => !needle || (m.key ?? '').toLowerCase().includes(needle) || (m.value ?? '').toLowerCase().includes(needle)) : [];
  return (
    <>
      <form class="toolbar" aria-label="Browse messages" onSubmit={submit}>
        <label>
          Partition{' '}
          <select name="partition" aria-label="Partition" value={partition} onChange={(e) => setPartition(Number(e.currentTarget.value))}>
            {props.topic.partitions.map((p) => (
              <option value={p.partition}>{p.partition}</option>
            ))}
          </select>
        </label>
        <label>
          Start at{' '}
          <select name="startAt" aria-label="Start at" value={startAt} onChange={(e) => setStartAt(e.currentTarget.value as 'offset' | 'time')}>
            <option value="offset">offset</option>
            <option value="time">time</option>
          </select>
        </label>
        {startAt === 'offset' ? (
          <label>
            Offset <input name="offset" aria-label="Offset" type="number" min={0} value={offset} onInput={(e) => setOffset(Number(e.currentTarget.value))} />
          </label>
        ) : (
          <label>
            Time <input name="time" aria-label="Time" type="datetime-local" step={1} value={time} onInput={(e) => setTime(e.currentTarget.value)} />
          </label>
        )}
        <label>
          Limit <input name="limit" aria-label="Limit" type="number" min={1} max={500} value={limit} onInput={(e) => setLimit(Number(e.currentTarget.value))} />
        </label>
        <button type="submit" disabled={busy}>
          Load messages
        </button>
        {result && result.nextOffset < result.highWatermark && (
          <button type="button" onClick={() => void load({ offset: result.nextOffset })} disabled={busy}>
            Next page
          </button>
        )}
      </form>
      <ErrorBox message={error} />
      {result && (
        <>
          <div class="toolbar">
            <span class="muted">
              Partition {partition}: offsets {formatNumber(result.lowWatermark)} to {formatNumber(result.highWatermark)}; loaded {result.messages.length}
              {needle ? `, ${shown.length} match` : ''}.
            </span>
            <label>
              Filter <input type="search" aria-label="Filter by key or value" placeholder="key or value contains…" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
            </label>
          </div>
          <ol class="messages" aria-label="Messages">
            {shown.map((m) => (
              <li class="message" key={m.offset}>
                <div class="message-meta">
                  <strong>offset {m.offset}</strong> <time dateTime={new Date(m.timestampMs).toISOString()}>{new Date(m.timestampMs).toISOString()}</time>
                  {m.key !== null && (
                    <>
                      {' '}
                      key <code>{m.key}</code>
                    </>
                  )}
                </div>
                <Payload text={m.value} />
                {m.headers.length > 0 && (
                  <dl class="headers">
                    {m.headers.map((h) => (
                      <>
                        <dt>{h.key}</dt>
                        <dd>{h.value ?? 'null'}</dd>
                      </>
                    ))}
                  </dl>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}

/** `name: value` per line. */
function parseHeaders(text: string): { key: string; value: string }[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const colon = line.indexOf(':');
      return colon < 0 ? { key: line, value: '' } : { key: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
    });
}

function ProduceForm(props: { topic: TopicDetail; onProduced: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const partition = String(form.get('partition') ?? '');
    const key = String(form.get('key') ?? '');
    setError(null);
    setDone(null);
    try {
      const r = await api.produce(props.topic.name, {
        partition: partition === '' ? null : Number(partition),
        key: key === '' ? null : key,
        value: String(form.get('value') ?? ''),
        headers: parseHeaders(String(form.get('headers') ?? '')),
      });
      setDone(`Produced to partition ${r.partition} at offset ${r.offset}.`);
      props.onProduced();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-label="Produce a message">
      <label>
        Partition{' '}
        <select name="partition" aria-label="Partition">
          <option value="">by key (partitioner)</option>
          {props.topic.partitions.map((p) => (
            <option value={p.partition}>{p.partition}</option>
          ))}
        </select>
      </label>
      <label>
        Key <input name="key" placeholder="optional" />
      </label>
      <label class="wide">
        Value <textarea name="value" rows={6} placeholder='{"hello": "world"}' />
      </label>
      <label class="wide">
        Headers <textarea name="headers" rows={3} placeholder="one per line: name: value" />
      </label>
      <button type="submit">Produce</button>
      {done && (
        <p class="ok" role="status">
          {done}
        </p>
      )}
      <ErrorBox message={error} />
    </form>
  );
}

function DeleteDialog(props: { name: string; onCancel: () => void }) {
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const confirm = async (e: Event) => {
    e.preventDefault();
    try {
      await api.deleteTopic(props.name);
      location.hash = href('topics');
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form class="card danger-zone" role="alertdialog" aria-labelledby="delete-title" onSubmit={confirm} onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}>
      <h2 id="delete-title">Delete topic {props.name}?</h2>
      <p>This deletes every message in it. Type the topic name to confirm.</p>
      <label>
        Topic name <input name="confirm" autoFocus value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
      </label>
      <button type="submit" class="danger" disabled={typed !== props.name}>
        Delete for good
      </button>
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
      <ErrorBox message={error} />
    </form>
  );
}
