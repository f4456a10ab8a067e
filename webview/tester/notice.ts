// The notice line under the target: errors stay (as an alert, read out at once), info fades after five seconds.
import { h, replace } from './dom';
import type { NoticeLevel } from './panelContext';

export interface Notice {
  element: HTMLElement;
  show(level?: NoticeLevel, message?: string): void;
}

export function createNotice(): Notice {
  const element = h('div', { class: 'notice', id: 'notice', role: 'status', 'aria-live': 'polite', hidden: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const show = (level?: NoticeLevel, message?: string): void => {
    if (timer) clearTimeout(timer);
    if (!level || !message) {
      element.hidden = true;
      return;
    }
    element.hidden = false;
    element.className = `notice ${level}`;
    element.setAttribute('role', level === 'error' ? 'alert' : 'status');
    replace(element, h('vscode-icon', { name: level === 'error' ? 'error' : 'info', 'aria-hidden': 'true' }), h('span', {}, message));
    if (level === 'info') timer = setTimeout(() => show(), 5000);
  };
  return { element, show };
}
