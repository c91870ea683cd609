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
            {tab === 'configs' && <Configs topic={topic} />}
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

function Configs(props: { topic: TopicDetail }) {
  if (props.topic.configs.length === 0) return <p>The cluster did not report configs for this topic (DescribeConfigs unsupported or refused).</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Value</th>
          <th scope="col">Source</th>
        </tr>
      </thead>
      <tbody>
        {props.topic.configs.map((c) => (
          <tr key={c.name}>
            <td>
              <code>{c.name}</code>
            </td>
            <td>{c.sensitive ? '••••' : (c.value ?? <span class="muted">null</span>)}</td>
            <td>{c.isDefault ? 'default' : 'topic override'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function initialPartition(): number {
  const m = /[?&]p=(\d+)/.exec(location.hash);
  return m ? Number(m[1]) : 0;
}

function MessageBrowser(props: { topic: TopicDetail }) {
  const [partition, setPartition] = useState(initialPartition);
  const [offset, setOffset] = useState(0);
  const [limit, setLimit] = useState(50);
  const [result, setResult] = useState<BrowseResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const load = async (from: number) => {
    setBusy(true);
    setError(null);
    try {
      setResult(await api.browse(props.topic.name, partition, from, limit));
      setOffset(from);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <form
        class="toolbar"
        aria-label="Browse messages"
        onSubmit={(e) => {
          e.preventDefault();
          void load(offset);
        }}
      >
        <label>
          Partition{' '}
          <select name="partition" aria-label="Partition" value={partition} onChange={(e) => setPartition(Number(e.currentTarget.value))}>
            {props.topic.partitions.map((p) => (
              <option value={p.partition}>{p.partition}</option>
            ))}
          </select>
        </label>
        <label>
          From offset <input name="offset" type="number" min={0} value={offset} onInput={(e) => setOffset(Number(e.currentTarget.value))} />
        </label>
        <label>
          Limit <input name="limit" type="number" min={1} max={500} value={limit} onInput={(e) => setLimit(Number(e.currentTarget.value))} />
        </label>
        <button type="submit" disabled={busy}>
          Load messages
        </button>
        {result && result.nextOffset < result.highWatermark && (
          <button type="button" onClick={() => void load(result.nextOffset)} disabled={busy}>
            Next page
          </button>
        )}
      </form>
      <ErrorBox message={error} />
      {result && (
        <>
          <p class="muted">
            Partition {partition}: offsets {formatNumber(result.lowWatermark)} to {formatNumber(result.highWatermark)}; showing {result.messages.length}.
          </p>
          <ol class="messages" aria-label="Messages">
            {result.messages.map((m) => (
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
