// deploymentconfig's sslEnabled: the host serves HTTPS on the service's port with the configured PEM certificate
// and key (read at start, so a renewed certificate takes effect with the next update). The instance behind it
// stays on plain HTTP on a private loopback port.
import { readFile } from 'node:fs/promises';
import { ConfigError, errorMessage } from '../core/errors';
import type { ServiceStore } from '../core/services/serviceStore';

export async function hostTls(store: ServiceStore, name: string): Promise<{ tls?: { cert: Buffer; key: Buffer } }> {
  const record = await store.readRecord(name);
  if (!record.tls) return {};
  const read = async (file: string, what: string): Promise<Buffer> => {
    try {
      return await readFile(file);
    } catch (err) {
      throw new ConfigError(`Cannot read the TLS ${what} ${file}: ${errorMessage(err)}`, file);
    }
  };
  return { tls: { cert: await read(record.tls.certificate, 'certificate'), key: await read(record.tls.key, 'key') } };
}
