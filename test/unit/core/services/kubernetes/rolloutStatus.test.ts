// kubectl rollout status's algorithm, sentence for sentence.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rolloutStatus, scaledToZero } from '../../../../../src/core/services/kubernetes/rolloutStatus';

const d = (generation: number, spec: number | undefined, status: Record<string, unknown>) => ({ metadata: { name: 'web', generation }, spec: { ...(spec !== undefined ? { replicas: spec } : {}), selector: {}, template: {} }, status });

test('waits for the spec to be observed', () => {
  assert.deepEqual(rolloutStatus(d(2, 2, { observedGeneration: 1 })), { phase: 'waiting', message: 'Waiting for deployment spec update to be observed...' });
});

test('counts updated, old and available replicas in kubectl\'s order', () => {
  assert.equal(rolloutStatus(d(2, 3, { observedGeneration: 2, updatedReplicas: 1, replicas: 4, availableReplicas: 3 })).message, 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...');
  assert.equal(rolloutStatus(d(2, 3, { observedGeneration: 2, updatedReplicas: 3, replicas: 4, availableReplicas: 3 })).message, 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...');
  assert.equal(rolloutStatus(d(2, 3, { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 2 })).message, 'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...');
  assert.deepEqual(rolloutStatus(d(2, 3, { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 3 })), { phase: 'done', message: 'deployment "web" successfully rolled out' });
});

test('a Progressing condition with ProgressDeadlineExceeded fails the rollout', () => {
  const s = rolloutStatus(d(2, 2, { observedGeneration: 2, updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] }));
  assert.deepEqual(s, { phase: 'failed', message: 'deployment "web" exceeded its progress deadline' });
});

test('a Deployment scaled to 0 is paused, whatever a past rollout left in its conditions or pods still going', () => {
  const stale = [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }];
  assert.equal(rolloutStatus(d(3, 0, { observedGeneration: 3, conditions: stale })).phase, 'failed', 'what rollout status alone would say');
  assert.deepEqual(scaledToZero(d(3, 0, { observedGeneration: 3, conditions: stale })), { remaining: 0 });
  assert.deepEqual(scaledToZero(d(4, 0, { observedGeneration: 3, replicas: 2 })), { remaining: 2 }, 'an interrupted stop: its pods still go');
  assert.equal(scaledToZero(d(3, 2, { observedGeneration: 3, replicas: 0 })), undefined);
  assert.equal(scaledToZero(d(3, undefined, {})), undefined, 'no replicas field means 1');
});
