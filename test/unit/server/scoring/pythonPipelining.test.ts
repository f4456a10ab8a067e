// Requests waiting in a busy Python worker's pipe (pythonScorer.ts, pipelineWaitMs): a real interpreter and real
// worker processes, driven through the scorer itself so that the test decides when a worker may take a second
// request instead of depending on how fast this machine runs. What must hold: answers stay in order and whole, a
// request queued behind a run that ends its worker is served by the next worker, its timeout counts from when it
// begins, and a worker whose runs are slow is never sent a second request.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../../../src/server/logger';
import { PythonScorer } from '../../../../src/server/scoring/python/pythonScorer';
import type { ScoreRequest } from '../../../../src/server/scoring/scorer';
import { findPython, skipUnlessPython } from '../../../helpers/python';

const scriptSource = `
import json, os, time

def init():
    pass

def run(raw_data):
    ask = json.loads(raw_data)
    started = time.monotonic()
    if ask.get("sleep"):
        time.sleep(ask["sleep"])
    if ask.get("stubborn"):  # catches the scoring timeout's TimeoutError and runs on, as a script may
        end = started + ask["stubborn"]
        while time.monotonic() < end:
            try:
                time.sleep(max(0, end - time.monotonic()))
            except TimeoutError:
                pass
    if ask.get("exit"):
        os._exit(9)
    return {"n": ask.get("n"), "pid": os.getpid(), "started": started, "ended": time.monotonic()}
`;

interface Answer {
  n: number;
  pid: number;
  started: number;
  ended: number;
}

describe('Python workers take a second request while busy', { skip: skipUnlessPython() }, () => {
  let dir: string;
  const logs: string[] = [];
  const logger = createLogger('debug', (line) => logs.push(line));

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'modelport-pipelining-'));
    writeFileSync(join(dir, 'score.py'), scriptSource);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function scorer(options: { workers?: number; pipelineWaitMs?: number; timeoutMs?: number; killGraceMs?: number } = {}): Promise<PythonScorer> {
    return PythonScorer.create({
      script: join(dir, 'score.py'),
      sourceDir: undefined,
      python: findPython()?.path ?? 'python3',
      workers: options.workers ?? 1,
      timeoutMs: options.timeoutMs ?? 20_000,
      models: [],
      modelDir: undefined,
      env: { ...process.env, AML_APP_ROOT: dir },
      logger,
      pipelineWaitMs: options.pipelineWaitMs,
      killGraceMs: options.killGraceMs,
    });
  }

  const request = (body: object): ScoreRequest => ({
    method: 'POST',
    path: '/score',
    query: new URLSearchParams(),
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify(body)),
    requestId: 'test',
    logger,
  });
  const answer = async (s: PythonScorer, body: object): Promise<Answer> => JSON.parse(((await s.score(request(body))).body as Buffer).toString('utf8')) as Answer;

  test('many requests on one worker: every answer is its own request\'s, and runs never overlap', async () => {
    const s = await scorer({ pipelineWaitMs: Number.POSITIVE_INFINITY });
    try {
      const answers = await Promise.all(Array.from({ length: 40 }, (_, n) => answer(s, { n, sleep: n % 5 === 0 ? 0.01 : 0 })));
      answers.forEach((a, n) => assert.equal(a.n, n));
      const byStart = [...answers].sort((a, b) => a.started - b.started);
      for (let i = 1; i < byStart.length; i++) assert.ok(byStart[i]!.started >= byStart[i - 1]!.ended, 'one run at a time');
    } finally {
      await s.close();
    }
  });

  test('a request queued behind a run that ends its worker is served by the next worker', async () => {
    const s = await scorer({ pipelineWaitMs: Number.POSITIVE_INFINITY });
    try {
      const first = await answer(s, { n: 0 });
      const crash = s.score(request({ n: 1, sleep: 0.2, exit: true }));
      const queued = answer(s, { n: 2 });
      await assert.rejects(crash, (err: Error & { status?: number }) => {
        assert.equal(err.status, 502);
        assert.match(err.message, /exited while scoring this request \(exit code 9\)/);
        return true;
      });
      const after = await queued;
      assert.equal(after.n, 2);
      assert.notEqual(after.pid, first.pid, 'served by the new worker');
      assert.ok(logs.some((l) => l.includes(`queued for the Python worker (pid ${first.pid}) goes to another worker`) && l.includes('exit code 9')), 'it was queued on the worker that ended');
    } finally {
      await s.close();
    }
  });

  test('a queued request\'s kill timer counts from when its run begins, not from when it was sent', async () => {
    // Runs that catch the scoring timeout and take 1 s; the worker is killed 1.5 s after a run begins. The second
    // request waits 1 s in the pipe and ends 2 s after it was sent: timed from its sending, it would be killed.
    const s = await scorer({ pipelineWaitMs: Number.POSITIVE_INFINITY, timeoutMs: 100, killGraceMs: 1_400 });
    try {
      const warm = await answer(s, { n: 0 });
      const answers = await Promise.all([1, 2].map((n) => answer(s, { n, stubborn: 1 })));
      assert.deepEqual(answers.map((a) => [a.n, a.pid]), [[1, warm.pid], [2, warm.pid]], 'both ran on the first worker, unkilled');
    } finally {
      await s.close();
    }
  });

  test('a worker whose runs are slow is not sent a second request: with two workers, two slow runs go to both', async () => {
    // Both workers have answered a slow run, so neither takes a second request while busy: the third request
    // waits for whichever finishes first rather than queueing behind a chosen one.
    const s = await scorer({ workers: 2, pipelineWaitMs: 50 });
    try {
      await Promise.all([answer(s, { n: 0, sleep: 0.1 }), answer(s, { n: 1, sleep: 0.1 })]);
      const [long, short, third] = await Promise.all([answer(s, { n: 2, sleep: 1 }), answer(s, { n: 3, sleep: 0.1 }), answer(s, { n: 4 })]);
      assert.notEqual(long.pid, short.pid);
      assert.equal(third.pid, short.pid, 'the third went to the worker that finished first');
      assert.ok(third.started < long.ended, 'it did not wait behind the long run');
    } finally {
      await s.close();
    }
  });
});
