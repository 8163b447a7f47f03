import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyFeedPatch, setPanelRefreshMs, useLivePanels, useLiveStore } from '../../renderer/state/liveStore.ts';
import { onPanelTick } from '../../renderer/state/panelClock.ts';

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

describe('without a GPU, panels repaint once a second, on the clock', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
  });
  afterEach(() => {
    setPanelRefreshMs(250);
    vi.useRealTimers();
  });

  it("holds the feed's changes until the panel clock's tick on the whole second, and the clocks see them in that tick", () => {
    vi.setSystemTime(new Date('2026-11-25T08:00:00.300Z'));
    setPanelRefreshMs(1000); // as the map does when it finds software GL
    applyFeedPatch({ version: 500 });
    const seenAtTick: { at: number; version: number }[] = [];
    const stop = onPanelTick(() => seenAtTick.push({ at: Date.now(), version: useLivePanels.getState().version }));
    for (let v = 501; v <= 510; v++) {
      vi.advanceTimersByTime(50);
      applyFeedPatch({ version: v });
    }
    expect(useLiveStore.getState().version).toBe(510);
    expect(useLivePanels.getState().version).toBeLessThan(510); // nothing before the tick
    vi.advanceTimersByTime(300); // 08:00:01.100: past the second
    stop();
    expect(seenAtTick).toHaveLength(1);
    expect(new Date(seenAtTick[0]!.at).getUTCSeconds()).toBe(1);
    expect(new Date(seenAtTick[0]!.at).getUTCMilliseconds()).toBeLessThan(20);
    expect(seenAtTick[0]!.version).toBe(510); // published first, in the same task
  });
});
