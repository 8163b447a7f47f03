/** One colour per project stage, shared by the board's charts, its list and the map layer. */
import type { ProjectStage } from '../../../data/model/microProjects/index.ts';

export const STAGE_RGB: Readonly<Record<ProjectStage, [number, number, number]>> = {
  proposed: [143, 163, 191],
  voting: [169, 139, 245],
  awarded: [57, 197, 247],
  in_progress: [242, 184, 75],
  accepted: [95, 211, 154],
  rejected: [239, 106, 106],
};
export const stageCss = (s: ProjectStage): string => `rgb(${STAGE_RGB[s].join(', ')})`;
