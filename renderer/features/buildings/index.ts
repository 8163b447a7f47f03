/** The selected building's record (楼栋档案). */
import { useUiStore } from '../../state/uiStore.ts';
import { BuildingPanel } from '../../components/BuildingPanel.tsx';
import type { FeatureModule } from '../feature.ts';
import { buildingColourBy } from './colourBy.ts';

export const buildingsFeature: FeatureModule = {
  id: 'buildings',
  panels: [{ id: 'building', useDisabled: () => useUiStore((s) => s.selectedBuildingId === null), component: BuildingPanel }],
  colourBy: buildingColourBy,
};
