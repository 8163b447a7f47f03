/**
 * Export and print for any list: CSV through a download, or the browser's print of a sheet that
 * holds only the list (every row, not just those scrolled into view; renderer/styles/print.css).
 */
import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { downloadCsv, type ListExport } from '../actions/exportList.ts';
import { formatDateTime } from '../i18n/format.ts';
import '../styles/print.css';
import '../styles/lists.css';

function PrintSheet({ list, onDone }: { list: ListExport; onDone: () => void }): React.JSX.Element {
  const { t } = useTranslation();
  const done = useRef(onDone);
  done.current = onDone;
  useEffect(() => {
    // The sheet is in the page now: print it (blocks until the dialog closes), then take it away.
    // Once per sheet: the list re-renders every second, which must not print again.
    const after = (): void => done.current();
    window.addEventListener('afterprint', after, { once: true });
    const timer = setTimeout(() => {
      window.print();
      done.current();
    }, 0);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('afterprint', after);
    };
  }, []);
  return createPortal(
    <div className="print-sheet" data-testid="print-sheet">
      <h1>{list.title}</h1>
      <p className="print-meta">{t('commands.printedAt', { time: formatDateTime(Date.now()), count: list.rows.length })}</p>
      <table>
        <thead>
          <tr>
            {list.columns.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {list.rows.map((r, i) => (
            <tr key={i}>
              {r.map((v, j) => (
                <td key={j}>{v ?? ''}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>,
    document.body,
  );
}

/** Two small buttons: export the list as CSV, print it. `build` is asked at the click, so it is the list as shown then. */
export function ListTools({ id, build }: { id: string; build: () => ListExport }): React.JSX.Element {
  const { t } = useTranslation();
  const [printing, setPrinting] = useState<ListExport | null>(null);
  return (
    <span className="list-tools">
      <button type="button" className="btn btn-small" data-testid={`${id}-export`} onClick={() => downloadCsv(build())}>
        {t('commands.exportCsv')}
      </button>
      <button type="button" className="btn btn-small" data-testid={`${id}-print`} onClick={() => setPrinting(build())}>
        {t('commands.print')}
      </button>
      {printing && <PrintSheet list={printing} onDone={() => setPrinting(null)} />}
    </span>
  );
}
