/** 民生微实事's page state (the communities, the board shown, the project opened) and the console map's projects. */
import { create } from 'zustand';
import type { MicroBoard, MicroCommunitySummary, MicroProjectDetail, MicroProjectRow } from '../../../data/model/microProjects/index.ts';
import { getAppApi } from '../../bridge/appApi.ts';
import { hostErrorText } from '../../actions/hostCall.ts';

interface MicroState {
  communities: MicroCommunitySummary[];
  /** null: all communities. */
  selected: number | null;
  board: MicroBoard | null;
  /** The project opened in the list, and its detail (consoles only). */
  openId: string | null;
  detail: MicroProjectDetail | null;
  detailError: string | null;
  loading: boolean;
  error: string | null;
}

export const useMicroStore = create<MicroState>(() => ({
  communities: [],
  selected: null,
  board: null,
  openId: null,
  detail: null,
  detailError: null,
  loading: false,
  error: null,
}));

let request = 0;
/** Loads the list and the board of `communityId` (null: all); a newer call wins. */
export async function loadMicro(communityId: number | null): Promise<void> {
  const mine = ++request;
  useMicroStore.setState({ selected: communityId, loading: true, error: null });
  try {
    const api = getAppApi().microProjects;
    const [communities, board] = await Promise.all([api.listCommunities(), api.getBoard(communityId)]);
    if (mine !== request) return;
    useMicroStore.setState({ communities, board, loading: false });
    const open = useMicroStore.getState().openId;
    if (open && board.projects.some((p) => p.id === open)) await openProject(open, true);
  } catch (err) {
    if (mine === request) useMicroStore.setState({ loading: false, error: hostErrorText(err) });
  }
}

let detailRequest = 0;
/** Opens (or, again, closes) a project's detail; `keep` reloads it without closing. */
export async function openProject(id: string, keep = false): Promise<void> {
  if (!keep && useMicroStore.getState().openId === id) {
    useMicroStore.setState({ openId: null, detail: null, detailError: null });
    return;
  }
  const mine = ++detailRequest;
  useMicroStore.setState({ openId: id, detailError: null, ...(keep ? {} : { detail: null }) });
  try {
    const detail = await getAppApi().microProjects.getProject(id);
    if (mine === detailRequest) useMicroStore.setState({ detail });
  } catch (err) {
    if (mine === detailRequest) useMicroStore.setState({ detailError: hostErrorText(err) });
  }
}

/** Opens the board in a new window (`#projects=all`), or in this one where a new one cannot open. */
export function openMicroBoard(value = 'all'): void {
  const url = `${window.location.pathname}${window.location.search}#projects=${value}`;
  const win = window.open(url, '_blank');
  if (!win) {
    window.location.hash = `projects=${value}`;
    window.location.reload();
  }
}

interface MicroMapState {
  visible: boolean;
  projects: MicroProjectRow[];
  error: string | null;
}
/** The console map's project markers (switched by a command). */
export const useMicroMapStore = create<MicroMapState>(() => ({ visible: false, projects: [], error: null }));

/** Shows or hides the projects on the console's map; showing reads the board of every community. */
export async function toggleMicroMap(): Promise<void> {
  const visible = !useMicroMapStore.getState().visible;
  useMicroMapStore.setState({ visible });
  if (!visible) return;
  try {
    useMicroMapStore.setState({ projects: (await getAppApi().microProjects.getBoard(null)).projects, error: null });
  } catch (err) {
    useMicroMapStore.setState({ error: hostErrorText(err) });
  }
}
