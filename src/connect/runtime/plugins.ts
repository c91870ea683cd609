/**
 * Connector plugins: the built-ins plus every ES module (.js/.mjs) found in the directories of
 * `plugin.path` (comma-separated; each directory's files and its subdirectories' index.js).
 * Every exported class that looks like a Connector (has taskClass/taskConfigs/start) is
 * registered under its class name; a plugin module may also export `connectors` (an array).
 * Connectors are found by full class name, simple name, or simple name without "Connector"
 * (`FileStreamSource`), as Kafka's alias rules allow.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Connector, ConnectorClass, ConnectorType } from '../api.js';
import { FileStreamSinkConnector } from '../connectors/file-stream-sink.js';
import { FileStreamSourceConnector } from '../connectors/file-stream-source.js';
import { HttpSinkConnector } from '../connectors/http-sink.js';
import { PostgresCdcSourceConnector } from '../connectors/postgres/postgres-cdc-source.js';
import { PostgresSinkConnector } from '../connectors/postgres/postgres-sink.js';
import { PostgresSourceConnector } from '../connectors/postgres/postgres-source.js';

export interface PluginInfo {
  class: string;
  type: ConnectorType;
  version: string;
}

const BUILT_INS: Array<[string, ConnectorClass]> = [
  ['org.apache.kafka.connect.file.FileStreamSourceConnector', FileStreamSourceConnector],
  ['org.apache.kafka.connect.file.FileStreamSinkConnector', FileStreamSinkConnector],
  ['io.brook.connect.http.HttpSinkConnector', HttpSinkConnector],
  ['io.brook.connect.postgres.PostgresSourceConnector', PostgresSourceConnector],
  ['io.brook.connect.postgres.PostgresSinkConnector', PostgresSinkConnector],
  ['io.brook.connect.postgres.PostgresCdcSourceConnector', PostgresCdcSourceConnector],
];

function looksLikeConnector(v: unknown): v is ConnectorClass {
  if (typeof v !== 'function' || !v.prototype) return false;
  const p = v.prototype as Record<string, unknown>;
  return typeof p['taskClass'] === 'function' && typeof p['taskConfigs'] === 'function' && typeof p['start'] === 'function';
}

export class PluginRegistry {
  private readonly byName = new Map<string, ConnectorClass>();
  private readonly infos: PluginInfo[] = [];

  constructor() {
    for (const [name, cls] of BUILT_INS) this.register(name, cls);
  }

  register(fullName: string, cls: ConnectorClass): void {
    const instance = new cls();
    this.infos.push({ class: fullName, type: instance.type, version: instance.version() });
    const simple = fullName.slice(fullName.lastIndexOf('.') + 1);
    for (const alias of [fullName, simple, simple.replace(/Connector$/, '')]) if (!this.byName.has(alias)) this.byName.set(alias, cls);
  }

  /** Imports every plugin module under the given directories. Errors name the failing file. */
  async loadPath(pluginPath: string | undefined): Promise<void> {
    for (const dir of (pluginPath ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
      if (!existsSync(dir)) throw new Error(`plugin.path directory ${dir} does not exist`);
      for (const file of pluginFiles(resolve(dir))) {
        let mod: Record<string, unknown>;
        try {
          mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
        } catch (err) {
          throw new Error(`Failed to load plugin ${file}: ${(err as Error).message}`);
        }
        const exported = [...Object.values(mod), ...(Array.isArray(mod['connectors']) ? (mod['connectors'] as unknown[]) : [])];
        for (const v of new Set(exported)) if (looksLikeConnector(v)) this.register(v.name, v);
      }
    }
  }

  find(name: string): ConnectorClass | undefined {
    return this.byName.get(name.trim());
  }

  create(name: string): Connector | undefined {
    const cls = this.find(name);
    return cls ? new cls() : undefined;
  }

  list(): PluginInfo[] {
    return [...this.infos];
  }
}

function pluginFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) {
      const index = join(full, 'index.js');
      if (existsSync(index)) out.push(index);
    } else if (/\.(m?js)$/.test(entry)) {
      out.push(full);
    }
  }
  return out;
}
