// The CLI's shared helpers: exit codes, tables, sizes, key=value flags, workspace choice, terminal progress.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BadRequestError, CancelledError, ConfigError, ConflictError, NotFoundError } from '../../../src/core/errors';
import { parseKeyValues } from '../../../src/cli/common/args';
import { exitCodeFor } from '../../../src/cli/common/exitCodes';
import { formatSize, formatTable, sanitizeCell } from '../../../src/cli/common/output';
import { createProgress } from '../../../src/cli/common/progress';
import { renderError } from '../../../src/cli/common/renderError';
import { UsageError } from '../../../src/cli/common/usageError';
import { resolveWorkspace } from '../../../src/cli/common/workspace';

describe('exitCodeFor', () => {
  test('maps error kinds to the documented codes', () => {
    const parseArgsError = Object.assign(new TypeError("Unknown option '--x'"), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
    const cases: Array<[unknown, number]> = [
      [parseArgsError, 2],
      [new UsageError('x'), 2],
      [new BadRequestError('bad ref'), 2],
      [new ConfigError('broken'), 2],
      [new NotFoundError('nope'), 4],
      [new ConflictError('in use'), 1],
      [new CancelledError(), 130],
      [new Error('EIO'), 1],
      ['a string', 1],
    ];
    for (const [err, code] of cases) assert.equal(exitCodeFor(err), code, String(err));
  });
});

describe('output', () => {
  test('tables align columns, right-align where asked, and leave no trailing blanks', () => {
    const out = formatTable(['NAME', 'N', 'NOTE'], [['a', '1', ''], ['long-name', '12', 'x']], ['left', 'right']);
    assert.equal(out, 'NAME        N  NOTE\na           1\nlong-name  12  x\n');
  });

  test('sizes are 1024-based', () => {
    assert.deepEqual([0, 1023, 1024, 424892, 6 * 1024 ** 2, 3 * 1024 ** 3].map(formatSize), ['0 B', '1023 B', '1 KB', '415 KB', '6.0 MB', '3.0 GB']);
  });

  test('control characters are made visible, line breaks flattened in cells', () => {
    assert.equal(sanitizeCell('a\u001b[2Jb\nc\u009bd'), 'a\\u001b[2Jb c\\u009bd');
    assert.equal(renderError(new Error('bad \u0007 bell'), 'do this'), 'modelport: bad \\u0007 bell\ndo this\n');
  });
});

describe('parseKeyValues', () => {
  test('splits at the first =, allows empty values, refuses empty keys and repeats', () => {
    assert.deepEqual(parseKeyValues(['a=1', 'b=x=y', 'c='], 'tag'), { a: '1', b: 'x=y', c: '' });
    assert.deepEqual(parseKeyValues(undefined, 'tag'), {});
    assert.throws(() => parseKeyValues(['=1'], 'tag'), /--tag expects KEY=VALUE/);
    assert.throws(() => parseKeyValues(['novalue'], 'property'), /--property expects KEY=VALUE/);
    assert.throws(() => parseKeyValues(['a=1', 'a=2'], 'tag'), /--tag a is given twice/);
  });
});

describe('resolveWorkspace', () => {
  test('--workspace, then MODELPORT_WORKSPACE, then <cwd>/.modelport; relative paths against cwd', () => {
    assert.deepEqual(resolveWorkspace('ws', { MODELPORT_WORKSPACE: '/env' }, '/proj'), { dir: '/proj/ws', source: 'flag' });
    assert.deepEqual(resolveWorkspace(undefined, { MODELPORT_WORKSPACE: 'env' }, '/proj'), { dir: '/proj/env', source: 'env' });
    assert.deepEqual(resolveWorkspace(undefined, { MODELPORT_WORKSPACE: '' }, '/proj'), { dir: '/proj/.modelport', source: 'default' });
    assert.throws(() => resolveWorkspace('', {}, '/proj'), UsageError);
  });
});

describe('progress', () => {
  function fakeStream(isTTY: boolean) {
    const writes: string[] = [];
    return { writes, stream: { isTTY, columns: 200, write: (s: string) => writes.push(s) } };
  }
  const MB = 1024 * 1024;

  test('on a terminal: redraws one line in place, throttled, and erases it at the end', () => {
    const { writes, stream } = fakeStream(true);
    let t = 0;
    const p = createProgress({ stderr: stream, env: {} }, { title: 'Registering big', minBytes: MB, now: () => t });
    p.update(1 * MB, 8 * MB, 'w.bin');
    t = 50;
    p.update(2 * MB, 8 * MB, 'w.bin'); // within 100 ms: skipped
    t = 150;
    p.update(4 * MB, 8 * MB, 'w.bin');
    t = 160;
    p.update(8 * MB, 8 * MB, 'w.bin'); // the final state is always drawn
    p.end();
    assert.deepEqual(writes, [
      '\rRegistering big: 12% (1.0 MB of 8.0 MB) w.bin\u001b[K',
      '\rRegistering big: 50% (4.0 MB of 8.0 MB) w.bin\u001b[K',
      '\rRegistering big: 100% (8.0 MB of 8.0 MB) w.bin\u001b[K',
      '\r\u001b[K',
    ]);
  });

  test('piped (or TERM=dumb): plain lines at each quarter, no escape codes', () => {
    for (const [isTTY, env] of [[false, {}], [true, { TERM: 'dumb' }]] as const) {
      const { writes, stream } = fakeStream(isTTY);
      const p = createProgress({ stderr: stream, env }, { title: 'Registering big', minBytes: MB });
      for (let done = 0; done <= 8 * MB; done += MB / 2) p.update(done, 8 * MB, 'w.bin');
      p.end();
      assert.deepEqual(writes.map((w) => w.replace(/ \(.*\)/, '')), [0, 25, 50, 75, 100].map((n) => `Registering big: ${n}% w.bin\n`));
    }
  });

  test('a terminal reporting no width (0) is drawn 80 columns wide, a narrow one is cut to fit', () => {
    for (const [columns, width] of [[0, 79], [30, 29]] as const) {
      const writes: string[] = [];
      const p = createProgress({ stderr: { isTTY: true, columns, write: (s: string) => writes.push(s) }, env: {} }, { title: 'Registering big', minBytes: MB });
      p.update(MB, 8 * MB, `${'w'.repeat(100)}.bin`);
      const written = writes[0] ?? '';
      assert.ok(written.startsWith('\r') && written.endsWith('\u001b[K'), written);
      const drawn = written.slice(1, -3);
      assert.equal(drawn.length, width, drawn);
    }
  });

  test('small jobs show nothing', () => {
    const { writes, stream } = fakeStream(true);
    const p = createProgress({ stderr: stream, env: {} }, { title: 'x', minBytes: MB });
    p.update(1000, 1000, 'tiny');
    p.end();
    assert.deepEqual(writes, []);
  });
});
