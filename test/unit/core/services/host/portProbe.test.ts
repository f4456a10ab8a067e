// The docker target skips its image build when another process holds the service's port (the host then fails
// with the port's message): the probe tells a held port from a free one, and never calls port 0 taken.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { loopbackPortInUse } from '../../../../../src/core/services/host/portProbe';

test('a port another server holds is in use; once it is closed it is not; 0 (any free port) never is', async () => {
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  const address = holder.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  assert.equal(await loopbackPortInUse(port), true);
  await new Promise<void>((r) => holder.close(() => r()));
  assert.equal(await loopbackPortInUse(port), false);
  assert.equal(await loopbackPortInUse(0), false);
});
