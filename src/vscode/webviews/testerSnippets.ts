// Copy of a code snippet: the panel shows snippets with the key masked; the copy carries the real key, so it
// is made here, on the host, from the last request sent.
import { generateSnippet } from '../../core/client/snippets';
import type { SnippetLanguageName } from '../../protocol/tester';
import type { PostToWebview, TesterHostEnv } from './testerHostEnv';
import type { SentRequest } from './testerRequests';

const languageNames: Record<SnippetLanguageName, string> = { curl: 'curl', python: 'Python', javascript: 'JavaScript' };

export async function copySnippet(env: Pick<TesterHostEnv, 'writeClipboard'>, post: PostToWebview, last: SentRequest | undefined, language: SnippetLanguageName): Promise<void> {
  if (!last) {
    post({ type: 'notice/show', level: 'error', message: 'Send a request first: the snippet repeats it.' });
    return;
  }
  await env.writeClipboard(generateSnippet(language, last.spec, { authorization: last.authorization, reveal: true }));
  const withKey = last.authorization ? ' (with the key: keep it private)' : '';
  post({ type: 'notice/show', level: 'info', message: `Copied the ${languageNames[language]} snippet${withKey}.` });
}
