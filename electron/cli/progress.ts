/**
 * Progress bars for long CLI steps (cli-progress). Steps report `(step, done, total)`; a new step
 * name starts a new bar. Falls back to one line per step when stdout is not a terminal, so CI and
 * log files stay readable.
 */
import cliProgress from 'cli-progress';

export type ProgressFn = (step: string, done: number, total: number) => void;

export function progressReporter(): { onProgress: ProgressFn; stop: () => void } {
  const tty = process.stderr.isTTY;
  let bar: cliProgress.SingleBar | null = null;
  let current = '';
  let lastLogged = -1;
  const onProgress: ProgressFn = (step, done, total) => {
    if (step !== current) {
      bar?.stop();
      current = step;
      lastLogged = -1;
      if (tty) {
        bar = new cliProgress.SingleBar(
          { format: `  {step} |{bar}| {percentage}% {value}/{total} · {duration_formatted}`, hideCursor: true, stream: process.stderr },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(total, 1), done, { step: step.padEnd(24) });
      }
    }
    if (bar) {
      bar.setTotal(Math.max(total, 1));
      bar.update(done, { step: step.padEnd(24) });
    } else {
      const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
      if (pct >= lastLogged + 25 || done === total) {
        lastLogged = pct;
        process.stderr.write(`  ${step}: ${pct}% (${done}/${total})\n`);
      }
    }
  };
  const stop = (): void => {
    bar?.stop();
    bar = null;
    current = ''; // a later run of the same steps starts a new bar
  };
  return { onProgress, stop };
}
