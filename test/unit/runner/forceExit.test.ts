// The test runner never hangs: a suite whose before hook fails after opening a server still lets the run end
// (non-zero), a test that never settles is ended by the runner's watchdog, which says why, and a process the tests
// leave behind is ended after the run. Each run is a child process with a hard bound of its own, so that a
// regression fails this test instead of hanging the suite.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

interface Run {
  code: number | null;
  /** Set when the hard bound below had to kill the runner: the backstop did not work. */
  killedByBound: boolean;
  output: string;
}

const hardBoundMs = 180_000;

/** This file runs under node --test, which marks its children (NODE_TEST_CONTEXT): the runner we test must not think it is one. */
function withoutTestContext(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.NODE_TEST_CONTEXT;
  return copy;
}

/** Whether the process runs (a zombie that its new parent has not reaped yet does not), after SIGKILL has had a moment to land. */
async function running(pid: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    let state: string | undefined;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    } catch {
      return false;
    }
    if (state === 'Z') return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

function runRunner(files: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/run-unit-tests.mjs', ...files], { env: { ...withoutTestContext(process.env), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    let killedByBound = false;
    const bound = setTimeout(() => {
      killedByBound = true;
      child.kill('SIGKILL');
    }, hardBoundMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(bound);
      resolve({ code, killedByBound, output });
    });
  });
}

test('a before hook that fails after opening a server fails the run, and the run exits', async () => {
  const run = await runRunner(['test/fixtures/runner/failingBefore.fixture.ts']);
  assert.equal(run.killedByBound, false, `the runner hung:\n${run.output}`);
  assert.notEqual(run.code, 0);
  assert.match(run.output, /the before hook failed on purpose/);
});

test('a test that never settles is ended by the watchdog, which says why', async () => {
  const run = await runRunner(['test/fixtures/runner/neverEnds.fixture.ts'], { MODELPORT_TEST_BOUND_MS: '5000' });
  assert.equal(run.killedByBound, false, `the runner hung:\n${run.output}`);
  assert.equal(run.code, 124);
  assert.match(run.output, /passed its bound of 5 s \(MODELPORT_TEST_BOUND_MS\): killing its processes/);
});

test('a process the tests leave behind is ended after the run, by name', async () => {
  const run = await runRunner(['test/fixtures/runner/leavesChild.fixture.ts']);
  assert.equal(run.killedByBound, false, `the runner hung:\n${run.output}`);
  assert.equal(run.code, 0);
  const pid = Number(/fixture: left pid (\d+)/.exec(run.output)?.[1]);
  assert.ok(pid > 0, run.output);
  assert.match(run.output, /1 process\(es\) the tests started outlived the run; killing them:\n {2}\d+ .*setInterval/);
  assert.equal(await running(pid), false, `process ${pid} is still running`);
});
