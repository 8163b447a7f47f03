import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyFeedPatch, setPanelRefreshMs, useLivePanels, useLiveStore } from '../../renderer/state/liveStore.ts';

describe('panels follow the live store at their pace (a storm of reports does not repaint every list)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
    setPanelRefreshMs(250);
  });
  afterEach(() => vi.useRealTimers());

  it('shows the first feed change at once, holds a burst back and ends on its last value; the map store has every one', () => {
    vi.advanceTimersByTime(60_000); // a quiet spell (the fake clock restarts with each test)
    applyFeedPatch({ version: 1 });
    expect(useLivePanels.getState().version).toBe(1);
    for (let v = 2; v <= 20; v++) {
      vi.advanceTimersByTime(10);
      applyFeedPatch({ version: v });
      expect(useLiveStore.getState().version).toBe(v); // the map reads this one, at once
    }
    expect(useLivePanels.getState().version).toBe(1);
    vi.advanceTimersByTime(250);
    expect(useLivePanels.getState().version).toBe(20);
  });

  it("shows an operator's change at once, with the feed's changes held back before it", () => {
    vi.advanceTimersByTime(600_000); // past the first test's last publication on the restarted clock
    applyFeedPatch({ version: 100 });
    vi.advanceTimersByTime(10);
    applyFeedPatch({ version: 101 }); // held back
    expect(useLivePanels.getState().version).toBe(100);
    useLiveStore.setState({ mode: 'replay' }); // a seek, an acknowledgement…
    expect(useLivePanels.getState().mode).toBe('replay');
    expect(useLivePanels.getState().version).toBe(101);
    useLiveStore.setState({ mode: 'live' });
  });
});
