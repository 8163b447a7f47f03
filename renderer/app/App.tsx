/** Sign-in until someone is signed in, then the start screen until the twin is loaded, then the command-centre shell. */
import { useTwinStore } from '../state/twinStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { LoadingScreen } from '../components/LoadingScreen.tsx';
import { SignInScreen } from '../components/SignInScreen.tsx';
import { Shell } from './Shell.tsx';
import { Toasts } from '../components/Toasts.tsx';
import { requestedPage } from './pageRoute.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { OVERLAY_DEFS } from '../features/registry.ts';

export function App(): React.JSX.Element {
  const status = useTwinStore((s) => s.status);
  const session = useSessionStore((s) => s.status);
  // A module's page (`#brief=…`) takes the window instead of the console.
  const page = requestedPage();
  const main = page ? (
    <page.def.component value={page.value} />
  ) : (
    <>
      <Shell />
      {OVERLAY_DEFS.map((Overlay, i) => (
        <ErrorBoundary key={i} name="overlay">
          <Overlay />
        </ErrorBoundary>
      ))}
    </>
  );
  return (
    <>
      {session !== 'signed-in' ? <SignInScreen /> : status === 'ready' ? main : <LoadingScreen />}
      <Toasts />
    </>
  );
}
