/**
 * The one keyboard dispatcher: a key runs the first enabled command bound to it in the feature
 * modules' registry (renderer/features/registry.ts COMMAND_DEFS). While typing in a field only Esc
 * gets through (it closes); a key with Ctrl, Alt or Meta is the browser's or the system's.
 */
import { COMMAND_DEFS } from '../features/registry.ts';
import type { CommandDef } from '../features/feature.ts';

/** True when the key goes into something that takes text (or a choice by keys) of its own. */
function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(type);
}

/** The command a key runs now, or null. */
export function commandFor(event: Pick<KeyboardEvent, 'key' | 'target' | 'ctrlKey' | 'altKey' | 'metaKey'>, commands: readonly CommandDef[] = COMMAND_DEFS): CommandDef | null {
  if (event.ctrlKey || event.altKey || event.metaKey) return null;
  if (event.key !== 'Escape' && typingInto(event.target)) return null;
  // Enter and space on a button or link press it: they are not list commands there.
  if ((event.key === 'Enter' || event.key === ' ') && event.target instanceof HTMLElement && event.target.closest('button, a, summary, [role="button"]')) return null;
  return commands.find((c) => c.keys?.includes(event.key) && (c.enabled?.() ?? true)) ?? null;
}

let installed = false;
/** Listens on the window (after every field's own handler: one that stops the key keeps it). */
export function installKeyboard(): void {
  if (installed) return;
  installed = true;
  window.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.isComposing) return;
    const command = commandFor(event);
    if (!command) return;
    event.preventDefault();
    command.run();
  });
}
