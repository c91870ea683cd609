// Consumer groups: the list, and one group's members and lag per partition.
import { api } from './api';
import { href, useLoad } from './hooks';
import { Page, Show, Stat, formatNumber } from './ui';
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
