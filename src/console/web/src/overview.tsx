// Cluster overview: identity, brokers, topic and partition counts, replication health.
import { api } from './api';
import { href, useLoad } from './hooks';
import { Page, Show, Stat, formatNumber } from './ui';
import { LineChart, rates, useSamples } from './chart';

export function OverviewPage() {
  const loaded = useLoad(() => api.overview(), []);
  const totals = useSamples(async () => (await api.overview()).endOffsetTotal, 5_000, []);
  return (
    <Page title="Cluster overview" actions={<button onClick={loaded.reload}>Refresh</button>}>
      <Show loaded={loaded}>
        {(o) => (
          <>
            <div class="stats">
              <Stat label="Brokers" value={o.brokers.length} />
              <Stat label="Topics" value={formatNumber(o.topicCount)} />
              <Stat label="Partitions" value={formatNumber(o.partitionCount)} />
              <Stat label="Under-replicated" value={o.underReplicatedPartitions} warn={o.underReplicatedPartitions > 0} />
              <Stat label="Offline" value={o.offlinePartitions} warn={o.offlinePartitions > 0} />
            </div>
            <LineChart title="Messages in" unit="msg/s" samples={rates(totals)} />
            <p>
              Cluster id <code>{o.clusterId ?? 'unknown'}</code>, controller {o.controllerId ?? 'unknown'}. <a href={href('topics')}>Browse topics</a>
            </p>
            <h2>Brokers</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">Node</th>
                  <th scope="col">Host</th>
                  <th scope="col">Port</th>
                  <th scope="col">Role</th>
                </tr>
              </thead>
              <tbody>
                {o.brokers.map((b) => (
                  <tr key={b.nodeId}>
                    <td>{b.nodeId}</td>
                    <td>{b.host}</td>
                    <td>{b.port}</td>
                    <td>{b.nodeId === o.controllerId ? 'controller' : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Show>
    </Page>
  );
}
