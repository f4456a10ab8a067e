// The Image tab: images chosen (through the host's file dialog), dropped or pasted, shown as thumbnails, and
// how they are sent (raw bytes, base64 JSON or a V2 tensor). Dropped and pasted files are read here, held to
// the image limits (src/core/client/imageLimits) before their bytes are read.
import { imageLimitMessage, imageLimits } from '../../src/core/client/imageLimits';
import type { ImagePayload, InputPayload, TargetInfo } from '../../src/protocol/tester';
import { button, fillRadios, iconButton } from './controls';
import { clear, formatBytes, h } from './dom';
import type { PanelContext } from './panelContext';
import type { SendSource } from './sending';

/** An image with an object URL for its thumbnail (revoked when the image goes). */
interface LocalImage extends ImagePayload {
  url: string;
}

export interface ImageInput {
  panel: HTMLElement;
  send: SendSource;
  /** Adds images while the batch has room; `replace` drops those shown first. */
  add(added: ImagePayload[], replace?: boolean): void;
  addFiles(files: Iterable<File>): Promise<void>;
  /** The target changed: whether V2 tensors can be sent depends on its V2 model name. */
  setInfo(info: TargetInfo): void;
  /** The thumbnail of an image shown, by name (the result shows it beside its predictions). */
  urlOf(name: string): string | undefined;
}

export function createImageInput(ctx: PanelContext): ImageInput {
  const { state } = ctx;
  let images: LocalImage[] = [];
  let info: TargetInfo | undefined;

  const fileButton = button('Choose images…', { icon: 'folder-opened', id: 'pick-images' });
  const dropZone = h(
    'div',
    { class: 'drop-zone', id: 'drop-zone', tabindex: '0', role: 'button', 'aria-label': 'Add images: press Enter to choose files, or drop or paste images here' },
    h('vscode-icon', { name: 'file-media', size: '28', 'aria-hidden': 'true' }),
    h('div', { class: 'drop-text' }, h('strong', {}, 'Drop images here'), h('span', { class: 'muted' }, ' or paste from the clipboard')),
    fileButton,
  );
  const thumbs = h('ul', { class: 'thumbs', 'aria-label': 'Images to send' });
  const encodingGroup = h('vscode-radio-group', { id: 'encoding', 'aria-label': 'Send images as' });
  const encodingHint = h('span', { class: 'muted hint' });
  const sendButton = button('Send', { icon: 'play', title: 'Send (Ctrl+Enter)', id: 'send-image' });
  const clearImages = button('Clear', { secondary: true, id: 'clear-images' });
  const panel = h(
    'vscode-tab-panel',
    {},
    dropZone,
    thumbs,
    h('div', { class: 'row wrap send-as' }, h('vscode-label', { for: 'encoding' }, 'Send as'), encodingGroup),
    encodingHint,
    h('div', { class: 'row actions' }, sendButton, clearImages),
  );

  const renderEncodingOptions = (): void => {
    const many = images.length > 1;
    if (many && state.encoding === 'raw') state.encoding = 'base64';
    const v2Ready = !!info?.model;
    if (info && !v2Ready && state.encoding === 'v2') state.encoding = 'base64';
    fillRadios(
      encodingGroup,
      'encoding',
      [
        { value: 'raw', label: 'Raw bytes', title: many ? 'Raw bytes carry one image per request' : 'POST /score, Content-Type: image/…', disabled: many },
        { value: 'base64', label: 'Base64 JSON', title: '{"image": …} or {"images": […]}' },
        { value: 'v2', label: 'V2 tensor', title: v2Ready ? 'Preprocessed for the model, POST /v2/models/{m}/infer' : 'The target has no V2 model name', disabled: !v2Ready },
      ],
      state.encoding,
    );
    encodingHint.textContent =
      state.encoding === 'raw'
        ? 'POST /score with the image bytes as the body.'
        : state.encoding === 'base64'
          ? 'POST /score with a JSON body; several images become one batch.'
          : 'POST /v2/models/{m}/infer; the extension resizes and scales the images as the model config says.';
  };

  const dropAll = (): void => {
    for (const image of images) URL.revokeObjectURL(image.url);
    images = [];
  };

  const removeImage = (index: number): void => {
    const [gone] = images.splice(index, 1);
    if (gone) URL.revokeObjectURL(gone.url);
    render();
  };

  function render(): void {
    clear(thumbs);
    images.forEach((image, i) => {
      const remove = iconButton('close', `Remove ${image.name}`);
      remove.addEventListener('click', () => removeImage(i));
      thumbs.appendChild(
        h(
          'li',
          { class: 'thumb' },
          h('img', { src: image.url, alt: image.name }),
          h('div', { class: 'thumb-text' }, h('span', { class: 'thumb-name', title: image.name }, image.name), h('span', { class: 'muted' }, formatBytes(image.bytes.length))),
          remove,
        ),
      );
    });
    thumbs.hidden = images.length === 0;
    clearImages.hidden = images.length === 0;
    dropZone.classList.toggle('compact', images.length > 0);
    renderEncodingOptions();
  }

  /** Adds images while the batch has room; one notice names every image left out, with those already refused as too large. */
  const addImages = (added: ImagePayload[], tooLarge: readonly string[] = []): void => {
    const room = Math.max(0, imageLimits.maxImages - images.length);
    const leftOut = [...tooLarge, ...added.slice(room).map((i) => i.name)];
    if (leftOut.length > 0) ctx.notice('error', imageLimitMessage(leftOut));
    for (const image of added.slice(0, room)) {
      images.push({ ...image, url: URL.createObjectURL(new Blob([image.bytes as Uint8Array<ArrayBuffer>], { type: image.mime || 'application/octet-stream' })) });
    }
    render();
  };

  const addFiles = async (files: Iterable<File>): Promise<void> => {
    const list = [...files].filter((f) => f.type.startsWith('image/') || /\.(png|jpe?g|webp|gif|tiff?|avif|bmp)$/i.test(f.name));
    if (list.length === 0) {
      ctx.notice('error', 'Only image files can be added.');
      return;
    }
    const added: ImagePayload[] = [];
    const tooLarge: string[] = [];
    for (const f of list) {
      const name = f.name || `pasted-${Date.now()}.png`;
      // Checked before reading, so that a huge file is never loaded.
      if (f.size > imageLimits.maxImageBytes) {
        tooLarge.push(name);
        continue;
      }
      added.push({ name, mime: f.type, bytes: new Uint8Array(await f.arrayBuffer()) });
    }
    addImages(added, tooLarge);
  };

  const input = (): InputPayload | undefined => {
    if (images.length === 0) {
      ctx.notice('error', 'Add an image first: choose a file, drop one here or paste it.');
      dropZone.focus();
      return undefined;
    }
    return { mode: 'image', encoding: state.encoding, images: images.map(({ name, mime, bytes }) => ({ name, mime, bytes })) };
  };

  fileButton.addEventListener('click', (e) => {
    e.stopPropagation();
    ctx.post({ type: 'image/pick' });
  });
  dropZone.addEventListener('click', () => ctx.post({ type: 'image/pick' }));
  dropZone.addEventListener('keydown', (e) => {
    if (e.target === dropZone && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      ctx.post({ type: 'image/pick' });
    }
  });
  dropZone.addEventListener('dragover', (e) => {
    e.preventDefault();
    dropZone.classList.add('dragging');
  });
  dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
  dropZone.addEventListener('drop', (e) => {
    e.preventDefault();
    dropZone.classList.remove('dragging');
    if (e.dataTransfer?.files.length) void addFiles(e.dataTransfer.files);
  });
  clearImages.addEventListener('click', () => {
    dropAll();
    render();
  });
  encodingGroup.addEventListener('change', (e) => {
    const value = (e.target as HTMLElement & { value?: string }).value;
    if (value !== 'raw' && value !== 'base64' && value !== 'v2') return;
    state.encoding = value;
    ctx.save();
    renderEncodingOptions();
  });
  render();

  return {
    panel,
    send: { button: sendButton, input },
    add(added, replace = false) {
      if (replace) dropAll();
      addImages(added);
    },
    addFiles,
    setInfo(next) {
      info = next;
      renderEncodingOptions();
    },
    urlOf: (name) => images.find((im) => im.name === name)?.url,
  };
}
