/** Messages for the user (host errors, recoveries). Never thrown at React. */
import { createStore } from './createStore.ts';

export interface Toast {
  id: number;
  level: 'error' | 'info';
  /** Already translated, or the host's own user message. */
  text: string;
}
export interface ToastState {
  toasts: Toast[];
}
export const useToastStore = createStore<ToastState>()(() => ({ toasts: [] }));

let nextId = 1;
const timers = new Map<number, ReturnType<typeof setTimeout>>();

export function pushToast(level: Toast['level'], text: string, ttlMs = 8000): void {
  const id = nextId++;
  useToastStore.setState((s) => ({
    // Same text twice in a row is one message: a failing poll must not fill the screen.
    toasts: [...s.toasts.filter((t) => t.text !== text), { id, level, text }].slice(-4),
  }));
  timers.set(id, setTimeout(() => dismissToast(id), ttlMs));
}
export function dismissToast(id: number): void {
  clearTimeout(timers.get(id));
  timers.delete(id);
  useToastStore.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}
