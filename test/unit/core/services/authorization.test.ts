// The one Authorization header of a service: the primary key, a fresh token, or nothing, by its auth mode.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authorizationHeader } from '../../../../src/core/services/authorization';

const asked: string[] = [];
const credentials = {
  keys: async (name: string) => (asked.push(`keys ${name}`), { primaryKey: 'p-key', secondaryKey: 's-key' }),
  token: async (name: string) => (asked.push(`token ${name}`), { accessToken: 't-1', expiryOn: new Date(0).toISOString() }),
};

test('key auth sends the primary key, token auth a token, no auth nothing; only what the mode needs is read', async () => {
  assert.equal(await authorizationHeader(credentials, { name: 'a', authMode: 'key' }), 'Bearer p-key');
  assert.equal(await authorizationHeader(credentials, { name: 'b', authMode: 'token' }), 'Bearer t-1');
  assert.equal(await authorizationHeader(credentials, { name: 'c', authMode: 'none' }), undefined);
  assert.deepEqual(asked, ['keys a', 'token b']);
});
