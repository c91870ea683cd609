// Consumer groups: the list, and one group's members and lag per partition.
import { useState } from 'preact/hooks';
import { api, type GroupDetail, type ResetTo } from './api';
import { href, useLoad } from './hooks';
import { ErrorBox, Page, Show, Stat, formatNumber } from './ui';
import { LineChart, useSamples } from './chart';

export function GroupsPage() {
  const loaded = useLoad(() => api.groups(), []);
  return (
    <Page title="Consumer groups" actions={<button onClick={loaded.reload}>Refresh</button>}>
      <Show loaded={loaded}>
        {(groups) =>
          groups.length === 0 ? (
            <p>No consumer groups.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Group</th>
                  <th scope="col">State</th>
                  <th scope="col" class="num">Members</th>
                  <th scope="col">Protocol</th>
                </tr>
              </thead>
              <tbody>
                {groups.map((g) => (
                  <tr key={g.groupId}>
                    <td>
                      <a href={href('groups', g.groupId)}>{g.groupId}</a>
                    </td>
                    <td>{g.state}</td>
                    <td class="num">{g.members}</td>
                    <td>{g.protocolType}</td>
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

export function GroupPage(props: { id: string }) {
  const loaded = useLoad(() => api.group(props.id), [props.id]);
  const lag = useSamples(async () => (await api.group(props.id)).totalLag, 5_000, [props.id]);
  return (
    <Page title={`Consumer group ${props.id}`} actions={<button onClick={loaded.reload}>Refresh</button>}>
      <Show loaded={loaded}>
        {(g) => (
          <>
            <div class="stats">
              <Stat label="State" value={g.state} />
              <Stat label="Members" value={g.members} />
              <Stat label="Total lag" value={formatNumber(g.totalLag)} warn={g.totalLag > 0} />
            </div>
            <LineChart title="Total lag" unit="messages" samples={lag} />
            <h2>Lag by partition</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">Topic</th>
                  <th scope="col">Partition</th>
                  <th scope="col" class="num">Committed</th>
                  <th scope="col" class="num">End offset</th>
                  <th scope="col" class="num">Lag</th>
                </tr>
              </thead>
              <tbody>
                {g.offsets.map((o) => (
                  <tr key={`${o.topic}-${o.partition}`}>
                    <td>
                      <a href={href('topics', o.topic)}>{o.topic}</a>
                    </td>
                    <td>{o.partition}</td>
                    <td class="num">{formatNumber(o.committedOffset)}</td>
                    <td class="num">{formatNumber(o.highWatermark)}</td>
                    <td class={`num${o.lag > 0 ? ' warn' : ''}`}>{formatNumber(o.lag)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <ResetOffsets group={g} onDone={loaded.reload} />
            <h2>Members</h2>
            {g.membersDetail.length === 0 && <p>No active members: nothing is consuming for this group right now.</p>}
            <ul>
              {g.membersDetail.map((m) => (
                <li key={m.memberId}>
                  <code>{m.memberId}</code> — client {m.clientId} on {m.host}
                </li>
              ))}
            </ul>
          </>
        )}
      </Show>
    </Page>
  );
}

type ResetKind = ResetTo['to'];

/**
 * Reset the group's committed offsets: choose topic and target, review, confirm. Only offered
 * while the group is empty (the API refuses otherwise: a live consumer would overwrite them).
 */
function ResetOffsets(props: { group: GroupDetail; onDone: () => void }) {
  const g = props.group;
  const topics = [...new Set(g.offsets.map((o) => o.topic))].sort();
  const [topic, setTopic] = useState('');
  const [kind, setKind] = useState<ResetKind>('latest');
  const [offset, setOffset] = useState('0');
  const [time, setTime] = useState('');
  const [reviewing, setReviewing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const empty = g.members === 0 && (g.state === 'Empty' || g.state === 'Dead');
  const target = (): ResetTo | null => {
    if (kind === 'offset') return /^\d+$/.test(offset) ? { to: 'offset', offset: Number(offset) } : null;
    if (kind === 'timestamp') {
      const ms = Date.parse(time);
      return Number.isFinite(ms) ? { to: 'timestamp', timestamp: ms } : null;
    }
    return { to: kind };
  };
  const describeTarget = (t: ResetTo) =>
    t.to === 'offset' ? `offset ${t.offset} (kept within each partition's range)` : t.to === 'timestamp' ? `the first offset at or after ${new Date(t.timestamp).toLocaleString()}` : `the ${t.to} offset`;
  const review = (e: Event) => {
    e.preventDefault();
    setDone(null);
    if (!target()) return setError(kind === 'offset' ? 'Enter an offset: a whole number, 0 or more.' : 'Enter a date and time.');
    setError(null);
    setReviewing(true);
  };
  const confirm = async () => {
    const t = target()!;
    setBusy(true);
    try {
      const result = await api.resetOffsets(g.groupId, { ...t, topic: topic || null });
      setDone(`Reset ${result.offsets.length} partition(s): ${result.offsets.map((o) => `${o.topic}-${o.partition} ${o.previousOffset < 0 ? '–' : o.previousOffset} → ${o.offset}`).join(', ')}.`);
      setReviewing(false);
      props.onDone();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h2>Reset offsets</h2>
      {!empty && (
        <p>
          Offsets can only be reset while the group is empty (it is {g.state} with {g.members} member{g.members === 1 ? '' : 's'}): stop its consumers first.
        </p>
      )}
      <form class="toolbar" aria-label="Reset offsets" onSubmit={review}>
        <label>
          Topic{' '}
          <select aria-label="Topic" value={topic} onChange={(e) => setTopic(e.currentTarget.value)} disabled={!empty}>
            <option value="">all topics of the group</option>
            {topics.map((t) => (
              <option value={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Reset to{' '}
          <select aria-label="Reset to" value={kind} onChange={(e) => setKind(e.currentTarget.value as ResetKind)} disabled={!empty}>
            <option value="earliest">earliest</option>
            <option value="latest">latest</option>
            <option value="offset">offset</option>
            <option value="timestamp">time</option>
          </select>
        </label>
        {kind === 'offset' && (
          <label>
            Offset <input aria-label="Offset" type="number" min={0} value={offset} onInput={(e) => setOffset(e.currentTarget.value)} />
          </label>
        )}
        {kind === 'timestamp' && (
          <label>
            Time <input aria-label="Time" type="datetime-local" step={1} value={time} onInput={(e) => setTime(e.currentTarget.value)} />
          </label>
        )}
        <button type="submit" disabled={!empty || busy}>
          Reset offsets…
        </button>
      </form>
      {reviewing && (
        <div class="card danger-zone" role="alertdialog" aria-labelledby="reset-title" onKeyDown={(e) => e.key === 'Escape' && setReviewing(false)}>
          <h3 id="reset-title">Reset offsets of {g.groupId}?</h3>
          <p>
            {topic ? `Partitions of ${topic}` : 'Every partition the group has offsets for'} will be set to {describeTarget(target()!)}. Consumers of the group start
            there next time.
          </p>
          <button type="button" class="danger" onClick={() => void confirm()} disabled={busy} autoFocus>
            Confirm reset
          </button>
          <button type="button" onClick={() => setReviewing(false)}>
            Cancel
          </button>
        </div>
      )}
      <ErrorBox message={error} />
      {done && <p role="status">{done}</p>}
    </>
  );
}
