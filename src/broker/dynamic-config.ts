/**
 * The owner of the broker's dynamic configs (src/config/dynamic-broker-config.ts has the rules):
 * changes are serialised, validated as a whole, persisted (dynamic-config-file.ts) and only then
 * applied through `apply`, which swaps the broker's settings and pushes new log defaults to the
 * open partitions. A restart reloads the file before the store opens.
 */
import type { BrokerConfig } from '../config/broker-config.js';
import { checkDynamicLayer, effectiveBrokerConfig, type BrokerConfigLayers } from '../config/dynamic-broker-config.js';
import { readDynamicConfigFile, writeDynamicConfigFile, type DynamicConfigFile } from './dynamic-config-file.js';

export type DynamicScope = 'node' | 'clusterDefault';

export class DynamicBrokerConfig {
  private chain: Promise<unknown> = Promise.resolve();
  private layersNow: BrokerConfigLayers;

  private constructor(
    private readonly dataDir: string | null,
    private readonly nodeId: number,
    staticProps: Readonly<Record<string, string>>,
    private file: DynamicConfigFile,
  ) {
    this.layersNow = { static: staticProps, clusterDefault: file.clusterDefault, node: file.brokers[String(nodeId)] ?? {} };
  }

  /** The layers over `staticConfig`, with what `dataDir` holds (null: nothing persisted). */
  static async load(dataDir: string | null, staticConfig: BrokerConfig): Promise<DynamicBrokerConfig> {
    const file = dataDir ? await readDynamicConfigFile(dataDir) : { clusterDefault: {}, brokers: {} };
    return new DynamicBrokerConfig(dataDir, staticConfig.effectiveNodeId, staticConfig.originals, file);
  }

  /** Layers over `staticConfig` with nothing dynamic and nothing persisted (brokers built in tests). */
  static inMemory(staticConfig: BrokerConfig): DynamicBrokerConfig {
    return new DynamicBrokerConfig(null, staticConfig.effectiveNodeId, staticConfig.originals, { clusterDefault: {}, brokers: {} });
  }

  get layers(): BrokerConfigLayers {
    return this.layersNow;
  }

  /** The config in force: static, overlaid by the cluster defaults, overlaid by this node's values. */
  effective(): BrokerConfig {
    return effectiveBrokerConfig(this.layersNow);
  }

  /**
   * Replaces one layer with `values` (the whole new set). Throws DynamicConfigError when it is
   * refused; with validateOnly nothing changes. Otherwise persisted, then `apply`d.
   */
  replace(scope: DynamicScope, values: Record<string, string>, validateOnly: boolean, apply: (config: BrokerConfig) => void): Promise<void> {
    const change = async () => {
      checkDynamicLayer(this.layersNow, scope, values);
      if (validateOnly) return;
      const frozen = Object.freeze({ ...values });
      const file: DynamicConfigFile = scope === 'clusterDefault'
        ? { ...this.file, clusterDefault: frozen }
        : { ...this.file, brokers: { ...this.file.brokers, [String(this.nodeId)]: frozen } };
      if (scope === 'node' && Object.keys(frozen).length === 0) delete file.brokers[String(this.nodeId)];
      if (this.dataDir) await writeDynamicConfigFile(this.dataDir, file);
      this.file = file;
      this.layersNow = { ...this.layersNow, [scope]: frozen };
      apply(this.effective());
    };
    const next = this.chain.then(change, change);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
