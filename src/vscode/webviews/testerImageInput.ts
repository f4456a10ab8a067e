// Images going to the panel from the host (the file dialog, or files a command was given): held to the image
// limits, with one notice naming what was left out, and as plain bytes the webview accepts.
import { imageLimitMessage, imageLimits } from '../../core/client/imageLimits';
import type { ImageInput } from '../../core/client/request';
import type { ImagePayload } from '../../protocol/tester';
import type { PostToWebview, TesterHostEnv } from './testerHostEnv';

/**
 * The bytes as a plain Uint8Array, copied. `workspace.fs.readFile` gives a Node Buffer in the extension host,
 * and VS Code serializes webview messages with JSON.stringify, which calls Buffer's toJSON before looking for
 * typed arrays: a Buffer would arrive as `{ type: 'Buffer', data: [...] }` and the webview would refuse it.
 */
function plainBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/** The images a request can carry, in order, ready to post; the others are left out, and the panel says which. */
export function imagesForPanel(images: readonly ImageInput[], post: PostToWebview): ImagePayload[] {
  const kept = images.filter((i) => i.bytes.byteLength <= imageLimits.maxImageBytes).slice(0, imageLimits.maxImages);
  if (kept.length < images.length) {
    post({ type: 'notice/show', level: 'error', message: imageLimitMessage(images.filter((i) => !kept.includes(i)).map((i) => i.name)) });
  }
  return kept.map((i) => ({ name: i.name, mime: i.mime, bytes: plainBytes(i.bytes) }));
}

/** The panel's Choose images…: the host opens the dialog and reads the files; the panel gets the bytes. */
export async function pickImages(env: Pick<TesterHostEnv, 'pickImages'>, post: PostToWebview): Promise<void> {
  const images = imagesForPanel(await env.pickImages(), post);
  if (images.length > 0) post({ type: 'image/added', images });
}
