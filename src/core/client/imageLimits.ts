// The endpoint tester's image limits and the one sentence that states them. They are checked in several places
// (the webview on drop and paste, the host on pick and preload, the VS Code commands before reading a file, the
// protocol's schema and the request builder); all of them use this file, so the numbers cannot drift apart and
// the user reads the same rule wherever an image is refused. No Node APIs: the webview imports it too.

export const imageLimits = {
  /** Images in one request (raw bytes carry one; base64 JSON and V2 tensors carry a batch). */
  maxImages: 16,
  /** Bytes of one image file. */
  maxImageBytes: 20 * 1024 * 1024,
} as const;

/** What happens to the images over the limits: left out while the others go on, or to be removed before sending. */
export type OverLimit = 'left out' | 'remove';

/** Names up to three, then how many more: a notice stays one line even when a whole folder was dropped. */
function someNames(names: readonly string[]): string {
  const shown = names.slice(0, 3).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}

/**
 * The user-facing message of the image limits: the rule alone, or the rule and what became of the images that
 * break it (`images`: their names).
 */
export function imageLimitMessage(images: readonly string[] = [], overLimit: OverLimit = 'left out'): string {
  const rule = `The tester sends at most ${imageLimits.maxImages} images of up to ${imageLimits.maxImageBytes / 1024 / 1024} MB each`;
  if (images.length === 0) return `${rule}.`;
  if (overLimit === 'remove') return `${rule}: remove ${someNames(images)}.`;
  return `${rule}; ${someNames(images)} ${images.length === 1 ? 'was' : 'were'} left out.`;
}
