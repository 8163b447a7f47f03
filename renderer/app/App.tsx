/** Start screen until the twin is loaded, then the command-centre shell. */
import { useTwinStore } from '../state/twinStore.ts';
import { LoadingScreen } from '../components/LoadingScreen.tsx';
import { Shell } from './Shell.tsx';
import { Toasts } from '../components/Toasts.tsx';

export function App(): React.JSX.Element {
  const status = useTwinStore((s) => s.status);
  return (
    <>
      {status === 'ready' ? <Shell /> : <LoadingScreen />}
      <Toasts />
    </>
  );
}
