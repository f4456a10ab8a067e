// The tester's image limits have one wording, wherever an image is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageLimitMessage } from '../../../../src/core/client/imageLimits';

test('the rule alone, images left out, or images to remove; long lists are cut after three names', () => {
  assert.equal(imageLimitMessage(), 'The tester sends at most 16 images of up to 20 MB each.');
  assert.equal(imageLimitMessage(['big.png']), 'The tester sends at most 16 images of up to 20 MB each; big.png was left out.');
  assert.equal(imageLimitMessage(['a.png', 'b.png']), 'The tester sends at most 16 images of up to 20 MB each; a.png, b.png were left out.');
  assert.equal(imageLimitMessage(['a', 'b', 'c', 'd', 'e'], 'remove'), 'The tester sends at most 16 images of up to 20 MB each: remove a, b, c and 2 more.');
});
