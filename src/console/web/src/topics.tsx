// Topic list with search, and the create-topic form.
import { useState } from 'preact/hooks';
import { api } from './api';
import { href, useLoad } from './hooks';
import { ErrorBox, Page, Show, formatNumber } from './ui';

export function TopicsPage() {
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);
  const loaded = useLoad(() => api.topics(search), [search]);
  return (
    <Page title="Topics" actions={<button onClick={() => setCreating(!creating)} aria-expanded={creating}>{creating ? 'Cancel' : 'Create topic'}</button>}>
      {creating && (
        <CreateTopicForm
          onCreated={(name) => {
            setCreating(false);
            location.hash = href('topics', name);
          }}
        />
      )}
      <label class="search">
        Search <input type="search" name="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} placeholder="topic name contains…" />
      </label>
      <Show loaded={loaded}>
        {(topics) =>
          topics.length === 0 ? (
            <p>No topics{search ? ` match “${search}”` : ''}.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col" class="num">Partitions</th>
                  <th scope="col" class="num">Replication</th>
                  <th scope="col" class="num">Messages</th>
                </tr>
              </thead>
              <tbody>
                {topics.map((t) => (
                  <tr key={t.name}>
                    <td>
                      <a href={href('topics', t.name)}>{t.name}</a> {t.internal && <span class="tag">internal</span>}
                    </td>
                    <td class="num">{t.partitions}</td>
                    <td class="num">{t.replicationFactor}</td>
                    <td class="num">{formatNumber(t.messages)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </Page>
  );
}

function CreateTopicForm(props: { onCreated: (name: string) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const name = String(form.get('name') ?? '').trim();
    setBusy(true);
    setError(null);
    try {
      await api.createTopic({ name, partitions: Number(form.get('partitions')), replicationFactor: Number(form.get('replicationFactor')) });
      props.onCreated(name);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-label="Create topic">
      <label>
        Name <input name="name" required autoFocus pattern="[a-zA-Z0-9._\-]+" maxLength={249} />
      </label>
      <label>
        Partitions <input name="partitions" type="number" min={1} max={10000} value={1} required />
      </label>
      <label>
        Replication factor <input name="replicationFactor" type="number" min={1} value={1} required />
      </label>
      <button type="submit" disabled={busy}>
        Create
      </button>
      <ErrorBox message={error} />
    </form>
  );
}
