// The Content-Type a scoring request file is sent with, from its extension: images as themselves, .json as JSON.
import { extname } from 'node:path';

export const requestContentTypes: Readonly<Record<string, string>> = {
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
};

export function requestContentType(file: string): string | undefined {
  return requestContentTypes[extname(file).toLowerCase()];
}
