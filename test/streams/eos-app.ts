/**
 * A word count run as its own process by eos.test.ts (so it can be killed with SIGKILL):
 *   node eos-app.js <bootstrap servers> <input topic> <output topic> <guarantee>
 * Each line costs about 1 ms, so a run is spread over many transactions and a kill lands mid-way.
 */
import { KafkaStreams, Serdes, StreamsBuilder } from '../../src/streams/index.js';

const [bootstrapServers, input, output, guarantee] = process.argv.slice(2) as [string, string, string, 'at_least_once' | 'exactly_once_v2'];
const pause = new Int32Array(new SharedArrayBuffer(4));

const builder = new StreamsBuilder();
builder
  .stream<string, string>(input, { keySerde: Serdes.string(), valueSerde: Serdes.string() })
  .peek(() => Atomics.wait(pause, 0, 0, 1))
  .flatMapValues((line) => line.split(' '))
  .groupBy((_k, word) => word, { keySerde: Serdes.string() })
  .count({ storeName: 'counts' })
  .toStream()
  .to(output, { valueSerde: Serdes.int64() });

const streams = new KafkaStreams(builder.build(), {
  applicationId: 'eos-word-count',
  bootstrapServers,
  processingGuarantee: guarantee,
  instanceId: 'only',
  commitIntervalMs: 100,
  pollMs: 50,
  sessionTimeoutMs: 6000,
  heartbeatIntervalMs: 100,
  onError: (err) => {
    console.error(err);
    process.exit(1);
  },
});
await streams.start();
console.log('started');
process.once('SIGTERM', () => void streams.close().then(() => process.exit(0)));
