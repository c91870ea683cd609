/** Starting and stopping the small HTTP servers Brook runs beside the broker (metrics, console). */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ListeningServer {
  readonly port: number;
  /** Where a person or a scraper reaches it (`localhost` for a wildcard host). */
  readonly url: string;
  /** Stops listening and drops open connections (keep-alive clients would otherwise hold it). */
  close(): Promise<void>;
}

export async function listen(server: http.Server, port: number, host: string): Promise<ListeningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    port: bound,
    url: `http://${shownHost}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
