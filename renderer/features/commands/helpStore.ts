/** Whether the keyboard help overlay (`?`) is open. */
import { createStore } from '../../state/createStore.ts';

export const useHelpStore = createStore<{ open: boolean }>()(() => ({ open: false }));
export const setHelpOpen = (open: boolean): void => useHelpStore.setState({ open });
