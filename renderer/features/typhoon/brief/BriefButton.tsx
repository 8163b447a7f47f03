/**
 * 生成简报: the host prints the briefing page on the storm (typhoon.printBrief) and the PDF is
 * saved as a download, in the browser and in Electron alike; offline, as the host prints locally.
 * Shown to people at a console (viewer and above), never on a wall.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BriefPdf } from '../../../../electron/common/typhoon/brief.ts';
import { getAppApi } from '../../../bridge/appApi.ts';
import { hostErrorText } from '../../../actions/hostCall.ts';
import { useCan } from '../../../state/sessionStore.ts';

export function BriefButton({ stormId }: { stormId: string | null }): React.JSX.Element | null {
  const { t } = useTranslation();
  const may = useCan('viewer');
  const [making, setMaking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!may || stormId === null) return null;
  const make = async (): Promise<void> => {
    setMaking(true);
    setError(null);
    try {
      saveDownload(await getAppApi().typhoon.printBrief(stormId));
    } catch (err) {
      setError(hostErrorText(err));
    } finally {
      setMaking(false);
    }
  };
  return (
    <>
      <button type="button" className="btn" data-testid="typhoon-brief" disabled={making} title={t('typhoon.brief.buttonTitle')} onClick={() => void make()}>
        {making ? t('typhoon.brief.making') : t('typhoon.brief.button')}
      </button>
      {error && (
        <p className="typhoon-brief-error" role="alert" data-testid="typhoon-brief-error">
          {t('typhoon.brief.failed', { error })}
        </p>
      )}
    </>
  );
}

/** Hands the PDF to the browser as a download (Electron asks where to save it). */
function saveDownload(pdf: BriefPdf): void {
  const binary = atob(pdf.pdfBase64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = pdf.fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has its own copy by then; the URL only holds memory.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
