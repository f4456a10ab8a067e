// Image listings and Podman's storage race: a listing that fails because another program removed an image meanwhile
// is asked for again; any other failure is the caller's at once. The engine cannot be made to lose that race on
// demand, so a runner answers as the docker CLI does (the stderr is Podman's own, from a CI run that hit it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imagesWithLabelCommand, serviceLabel, type DockerCommand, type DockerRunner } from '../../../../src/core/docker/dockerCommand';
import { DockerCommandError } from '../../../../src/core/docker/dockerErrors';
import { listImages, removeServiceImages } from '../../../../src/core/docker/serviceImage';

const raceStderr =
  'Error response from daemon: reading image "6e237b33aa1781b29a839a334a12b75c9b68f81eb6eef1318634fa72affce04b": locating image with ID "6e237b33aa1781b29a839a334a12b75c9b68f81eb6eef1318634fa72affce04b": image not known';

/** Fails the first `failures` image listings with `stderr`, then lists `images`; records every command. */
class ListingRunner implements DockerRunner {
  readonly asked: string[][] = [];
  constructor(
    private failures: number,
    private readonly stderr: string,
    private readonly images: readonly string[],
  ) {}
  run<T>(command: DockerCommand<T>): Promise<T> {
    this.asked.push(command.args);
    if (command.args[0] === 'image' && command.args[1] === 'ls' && this.failures > 0) {
      this.failures -= 1;
      return Promise.reject(new DockerCommandError(command.args, 125, this.stderr));
    }
    return Promise.resolve(command.parse(command.args[1] === 'ls' ? this.images.join('\n') : ''));
  }
}

const listing = imagesWithLabelCommand(serviceLabel, 'fashion');

test('a listing that lost the race with an image removal is asked for again, and answers', async () => {
  const runner = new ListingRunner(2, raceStderr, ['modelport/fashion:1', 'modelport/fashion:2']);
  assert.deepEqual(await listImages(runner, listing), ['modelport/fashion:1', 'modelport/fashion:2']);
  assert.equal(runner.asked.length, 3);
});

test('"layer not known" is the same race', async () => {
  const runner = new ListingRunner(1, 'Error: layer not known', ['modelport/fashion:1']);
  assert.deepEqual(await listImages(runner, listing), ['modelport/fashion:1']);
  assert.equal(runner.asked.length, 2);
});

test('any other failure of a listing is the caller\'s at once', async () => {
  const runner = new ListingRunner(1, 'permission denied while trying to connect to the Docker daemon socket', []);
  await assert.rejects(listImages(runner, listing), (err: unknown) => err instanceof DockerCommandError && /permission denied/.test(err.message));
  assert.equal(runner.asked.length, 1);
});

test('a race that goes on is not retried for ever: the fourth failure is the caller\'s', async () => {
  const runner = new ListingRunner(10, raceStderr, []);
  await assert.rejects(listImages(runner, listing), (err: unknown) => err instanceof DockerCommandError && /image not known/.test(err.message));
  assert.equal(runner.asked.length, 4);
});

test('removing a service\'s old images survives the race and keeps the serving generation', async () => {
  const runner = new ListingRunner(1, raceStderr, ['modelport/fashion:1', 'modelport/fashion:2']);
  assert.deepEqual(await removeServiceImages(runner, 'fashion', 2), ['modelport/fashion:1']);
  assert.deepEqual(runner.asked.at(-1), ['image', 'rm', 'modelport/fashion:1']);
});
