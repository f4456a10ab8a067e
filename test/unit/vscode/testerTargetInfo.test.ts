// The tester's look at a target: a service without a scoring URI yet (its deploy has not started it, or it is
// reachable only inside its cluster) is a problem in words, never a rejected promise, and nothing is fetched.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TargetInfoCache } from '../../../src/vscode/webviews/testerTargetInfo';

test('a service with no scoring URI yet gets a problem in words, no request and no cached info', async () => {
  let fetched = 0;
  const cache = new TargetInfoCache({
    fetch: async () => {
      fetched++;
      throw new Error('not expected');
    },
  });
  const info = await cache.read({ key: 'service:new', kind: 'service', label: 'new', scoringUri: '', authMode: 'key', state: 'Transitioning' }, 'Bearer k');
  assert.equal(fetched, 0);
  assert.equal(info.hasKey, true);
  assert.match(info.problems.join('\n'), /no scoring URI yet/);
  assert.equal(cache.cached('service:new'), undefined);
});
