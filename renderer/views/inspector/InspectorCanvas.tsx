/**
 * The one R3F <Canvas> of the app (the second and last WebGL context). It stays mounted for the
 * life of the shell; the dock hides it with CSS. Remounted (new key) only after a lost context
 * that did not come back.
 */
import { useEffect, useRef } from 'react';
import { Canvas } from '@react-three/fiber';
import { useTranslation } from 'react-i18next';
import type { BuildingUnits } from '../../../electron/common/dto.ts';
import { BuildingStack } from './BuildingStack.tsx';
import { watchContextLoss } from '../../gfx/contextLoss.ts';
import { selectHousehold } from '../../state/uiStore.ts';

export function InspectorCanvas({
  units,
  selectedHouseholdId,
  glowHouseholdId,
}: {
  units: BuildingUnits | null;
  selectedHouseholdId: number | null;
  glowHouseholdId: number | null;
}): React.JSX.Element {
  const { t } = useTranslation();
  const unwatch = useRef<(() => void) | null>(null);
  useEffect(() => () => unwatch.current?.(), []);
  return (
    <Canvas
      className="inspector-canvas"
      frameloop="demand"
      dpr={[1, 2]}
      camera={{ fov: 35, near: 0.1, far: 1000, position: [20, 18, 30] }}
      gl={{ antialias: true, alpha: true, powerPreference: 'high-performance' }}
      onCreated={({ gl }) => {
        unwatch.current?.();
        unwatch.current = watchContextLoss(gl.domElement, 'inspector');
      }}
      onPointerMissed={() => selectHousehold(null)}
    >
      {units && units.floors > 0 && (
        <BuildingStack
          data={units}
          selectedHouseholdId={selectedHouseholdId}
          glowHouseholdId={glowHouseholdId}
          onPick={(u) => selectHousehold(u.householdId)}
          floorLabel={(floor) => t('inspector.floor', { floor })}
        />
      )}
    </Canvas>
  );
}
