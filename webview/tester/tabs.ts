// The input modes as tabs (Image, JSON, V2 tensor, Load test); the selected one is remembered across hide/show.
import { append, h } from './dom';
import type { PanelContext } from './panelContext';
import { tabs as tabOrder, type Tab } from './state';

export interface Tabs {
  element: HTMLElement;
  select(tab: Tab): void;
}

const tabLabels: Record<Tab, string> = { image: 'Image', json: 'JSON', v2: 'V2 tensor', load: 'Load test' };

export function createTabs(ctx: PanelContext, panels: Record<Tab, HTMLElement>): Tabs {
  const element = h('vscode-tabs', { id: 'modes', 'aria-label': 'Input mode' });
  for (const tab of tabOrder) {
    append(element, [h('vscode-tab-header', { slot: 'header', id: `tab-${tab}` }, tabLabels[tab]), panels[tab]]);
  }

  const select = (tab: Tab): void => {
    ctx.state.tab = tab;
    (element as HTMLElement & { selectedIndex: number }).selectedIndex = tabOrder.indexOf(tab);
    ctx.save();
  };

  // vscode-tabs selects a tab on Enter only; the ARIA tabs pattern has Space do it too.
  element.addEventListener('keydown', (event) => {
    const header = (event.target as HTMLElement).closest('vscode-tab-header');
    if ((event as KeyboardEvent).key !== ' ' || !header) return;
    event.preventDefault();
    const index = [...element.querySelectorAll('vscode-tab-header')].indexOf(header);
    const tab = tabOrder[index];
    if (tab) select(tab);
  });
  element.addEventListener('vsc-tabs-select', (event) => {
    const index = (event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
    ctx.state.tab = tabOrder[index] ?? 'image';
    ctx.save();
  });
  return { element, select };
}
