/** Host errors and notices, top centre; each dismisses itself or on click. */
import { useToastStore, dismissToast } from '../state/toastStore.ts';

export function Toasts(): React.JSX.Element {
  const toasts = useToastStore((s) => s.toasts);
  return (
    <div className="toasts" role="status" aria-live="polite" data-testid="toasts">
      {toasts.map((toast) => (
        <button type="button" key={toast.id} className={`toast toast-${toast.level}`} onClick={() => dismissToast(toast.id)}>
          <span className="toast-icon" aria-hidden>
            {toast.level === 'error' ? '!' : 'i'}
          </span>
          <span>{toast.text}</span>
        </button>
      ))}
    </div>
  );
}
