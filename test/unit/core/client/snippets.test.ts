// Snippets mask the key unless asked, quote what they paste, and — run for real against a real service with
// curl, Python requests and Node — reproduce the request and its answer.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildRequest, limits, type ImageInput } from '../../../../src/core/client/request';
import { generateSnippet, generateSnippets, maskedSecret, shellQuote, type SnippetLanguage } from '../../../../src/core/client/snippets';
import { findPython, skipUnlessPython } from '../../../helpers/python';
import { startService, type RunningService } from '../../../helpers/startService';

const dir = resolve('samples/fashion-mnist/images');
const key = "snippet-k'ey-9";
const img = (name: string): ImageInput => ({ name, mime: 'image/png', bytes: new Uint8Array(readFileSync(join(dir, name))) });

describe('snippets', () => {
  test('mask the key unless asked to reveal it', () => {
    const spec = buildRequest({ mode: 'json', body: '{"data": [[1, 2]]}' }, { scoringUri: 'http://h:1/score' });
    for (const [lang, text] of Object.entries(generateSnippets(spec, { authorization: `Bearer ${key}` }))) {
      assert.ok(!text.includes(key), `${lang} leaks the key`);
      assert.ok(text.includes(maskedSecret), `${lang} shows the masked key`);
    }
    for (const lang of ['curl', 'python', 'javascript'] as const) {
      assert.ok(!generateSnippet(lang, spec).includes('Authorization'), `${lang} has no auth header without auth`);
    }
    assert.match(generateSnippet('curl', spec, { authorization: `Bearer ${key}`, reveal: true }), /Authorization: Bearer snippet-k'\\''ey-9/);
  });

  test('quote for the shell and refer to files for large bodies', () => {
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    const big = JSON.stringify({ data: new Array(limits.snippetInlineBytes).fill(0) });
    const spec = buildRequest({ mode: 'json', body: big }, { scoringUri: 'http://h:1/score' });
    assert.match(generateSnippet('curl', spec), /--data-binary @'request\.json'/);
    assert.match(generateSnippet('python', spec), /open\("request\.json", "rb"\)/);
  });
});

describe('snippets run for real', () => {
  let svc: RunningService;
  let work: string;
  before(async () => {
    svc = await startService({ model: ['samples/fashion-mnist'] }, { MODELPORT_AUTH_MODE: 'key', MODELPORT_PRIMARY_KEY: key });
    work = mkdtempSync(join(tmpdir(), 'modelport-snippets-'));
    for (const f of ['sneaker.png', 'bag.png']) writeFileSync(join(work, f), readFileSync(join(dir, f)));
  });
  after(async () => {
    await svc.close();
    rmSync(work, { recursive: true, force: true });
  });

  // Asynchronous: the service answers from this very process.
  const run = async (lang: SnippetLanguage, code: string): Promise<string> => {
    const [cmd, args, file] =
      lang === 'curl' ? ['bash', ['snippet.sh'], 'snippet.sh'] : lang === 'python' ? [findPython(['requests'])?.path ?? 'python3', ['snippet.py'], 'snippet.py'] : [process.execPath, ['snippet.mjs'], 'snippet.mjs'];
    writeFileSync(join(work, file), lang === 'curl' ? `${code} -s\n` : code);
    return new Promise((resolve, reject) => {
      execFile(cmd, args, { cwd: work, encoding: 'utf8', timeout: 20_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${lang} snippet failed: ${stderr}`)) : resolve(stdout)));
    });
  };
  // The snippet needs a python3 with requests: the one on PATH or Debian's (it used to look only at /usr/bin/python3,
  // which lacks requests where the python3 on PATH has it, and then said "python is not installed").
  const skipReason = (lang: SnippetLanguage): false | string =>
    lang === 'javascript' ? false : lang === 'curl' ? (existsSync('/usr/bin/curl') ? false : 'curl is not installed') : skipUnlessPython(['requests']);

  for (const lang of ['curl', 'python', 'javascript'] as const) {
    test(`${lang}: raw bytes and a base64 batch answer like the panel's request`, { skip: skipReason(lang) }, async () => {
      const raw = buildRequest({ mode: 'image', encoding: 'raw', images: [img('sneaker.png')] }, { scoringUri: `${svc.url}/score` });
      assert.match(await run(lang, generateSnippet(lang, raw, { authorization: `Bearer ${key}`, reveal: true })), /"label":"Sneaker"/);
      const batch = buildRequest({ mode: 'image', encoding: 'base64', images: [img('sneaker.png'), img('bag.png')] }, { scoringUri: `${svc.url}/score` });
      const out = await run(lang, generateSnippet(lang, batch, { authorization: `Bearer ${key}`, reveal: true }));
      assert.match(out, /"label":"Sneaker".*\]\s*,\s*\[\s*\{"label":"Bag"/s);
      const json = buildRequest({ mode: 'json', body: '{"data": "it\'s not a tensor"}' }, { scoringUri: `${svc.url}/score` });
      assert.match(await run(lang, generateSnippet(lang, json, { authorization: `Bearer ${key}`, reveal: true })), /"message"/);
      const masked = await run(lang, generateSnippet(lang, raw, { authorization: `Bearer ${key}` }));
      assert.match(masked, /Authorization|credentials|key/i, 'the masked snippet is refused by the service');
    });
  }
});
