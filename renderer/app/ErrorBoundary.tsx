/**
 * Keeps one view's render error inside that view: the rest of the screen stays up, and the view
 * offers to reload itself. Errors from the host never get here (they become toasts).
 */
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { i18n } from '../i18n/index.ts';

interface Props {
  /** Name for the log. */
  name: string;
  children: ReactNode;
  /** Called by the "reload view" button, e.g. to bump the view's key. */
  onReset?: () => void;
}
interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<Props, State> {
  public override state: State = { error: null };

  public static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  public override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`[civictwin] view "${this.props.name}" crashed`, error, info.componentStack);
  }

  private readonly reset = (): void => {
    this.props.onReset?.();
    this.setState({ error: null });
  };

  public override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <div className="view-error" role="alert">
        <p>{i18n.t('errors.viewCrashed')}</p>
        <button type="button" className="btn" onClick={this.reset}>
          {i18n.t('errors.reloadView')}
        </button>
      </div>
    );
  }
}
