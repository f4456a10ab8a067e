// The tester makes V2 tensors from images with the server's own preprocessing, which needs sharp. That code is
// bundled apart (dist/imageTensor.js, see scripts/build.mjs) and required on first use, so that the extension's
// bundle imports neither sharp nor anything else heavy, and activation stays light.
import { join } from 'node:path';
import type * as ImageTensorModule from '../../core/preprocess/imageTensor';

export function lazyImagesToTensor(extensionDir: string): typeof ImageTensorModule.imagesToTensor {
  let loaded: typeof ImageTensorModule | undefined;
  return (images, spec) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a bundle of our own, by path, on first use
    loaded ??= require(join(extensionDir, 'dist', 'imageTensor.js')) as typeof ImageTensorModule;
    return loaded.imagesToTensor(images, spec);
  };
}
