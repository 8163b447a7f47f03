/** Sign-in until someone is signed in, then the start screen until the twin is loaded, then the command-centre shell. */
import { useTwinStore } from '../state/twinStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { LoadingScreen } from '../components/LoadingScreen.tsx';
import { SignInScreen } from '../components/SignInScreen.tsx';
import { Shell } from './Shell.tsx';
import { Toasts } from '../components/Toasts.tsx';

export function App(): React.JSX.Element {
  const status = useTwinStore((s) => s.status);
  const session = useSessionStore((s) => s.status);
  return (
    <>
      {session !== 'signed-in' ? <SignInScreen /> : status === 'ready' ? <Shell /> : <LoadingScreen />}
      <Toasts />
    </>
  );
}
