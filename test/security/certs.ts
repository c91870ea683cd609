/** Test certificates made with the openssl CLI: a CA, a server cert for localhost/127.0.0.1, a client cert. */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCerts {
  dir: string;
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  /** Key and certificate in one file (ssl.keystore.location with ssl.keystore.type=PEM). */
  serverKeystorePem: string;
  clientCertPem: string;
  clientKeyPem: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** EC keys: much faster to generate than RSA, and librdkafka and Node both accept them. */
function keyAndCsr(dir: string, name: string, subject: string): void {
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
}

function sign(dir: string, name: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`]);
}

export function makeTestCerts(dir: string): TestCerts {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Brook Test CA']);
  keyAndCsr(dir, 'server', '/CN=localhost');
  sign(dir, 'server', 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  keyAndCsr(dir, 'client', '/C=US/O=Acme/CN=alice');
  sign(dir, 'client', 'extendedKeyUsage=clientAuth\n');
  const keystore = join(dir, 'server-keystore.pem');
  writeFileSync(keystore, Buffer.concat([readFileSync(join(dir, 'server.key')), readFileSync(join(dir, 'server.pem'))]));
  return {
    dir,
    caPem: join(dir, 'ca.pem'),
    serverCertPem: join(dir, 'server.pem'),
    serverKeyPem: join(dir, 'server.key'),
    serverKeystorePem: keystore,
    clientCertPem: join(dir, 'client.pem'),
    clientKeyPem: join(dir, 'client.key'),
  };
}
