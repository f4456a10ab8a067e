// The panel's small building blocks over the @vscode-elements components: buttons, selects and radio groups
// filled from data, and the colour class of an HTTP status.
import { clear, h } from './dom';

export type Button = HTMLElement & { disabled: boolean };
export type ValueElement = HTMLElement & { value: string; disabled: boolean };

export const button = (label: string, props: Record<string, string | boolean | EventListener | undefined> = {}): Button =>
  h('vscode-button', props, label) as Button;

/** An icon-only action, as in VS Code's view toolbars. */
export const iconButton = (icon: string, label: string, props: Record<string, string | boolean | undefined> = {}): HTMLElement =>
  h('vscode-toolbar-button', { icon, label, title: label, 'aria-label': label, ...props });

export function fillSelect(select: ValueElement, options: Array<{ value: string; label: string; description?: string; disabled?: boolean }>, value: string): void {
  clear(select);
  for (const o of options) {
    select.appendChild(h('vscode-option', { value: o.value, description: o.description, selected: o.value === value, disabled: o.disabled }, o.label));
  }
  select.value = value;
}

export function fillRadios(group: HTMLElement, name: string, options: Array<{ value: string; label: string; title?: string; disabled?: boolean }>, value: string): void {
  clear(group);
  for (const o of options) {
    group.appendChild(h('vscode-radio', { name, value: o.value, title: o.title, checked: o.value === value, disabled: o.disabled }, o.label));
  }
}

/** `ok`, `warn` or `err`: the status pill's colour, which always comes with the status in words. */
export function statusClass(status: number): string {
  return status < 300 ? 'ok' : status < 500 ? 'warn' : 'err';
}
