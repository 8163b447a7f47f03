/**
 * The exploded building: one slab per floor with a gap above it and a slight alternating offset,
 * each floor's dwellings as boxes placed by `slot` and coloured by care tags, floor numbers at the
 * side. Dwellings and slabs are two instanced meshes (one draw call each), so a 33-storey tower
 * with 8 dwellings a floor is still cheap. Owns its GPU objects through R3F (disposed on unmount).
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Html, OrbitControls } from '@react-three/drei';
import { useFrame, useThree, type ThreeEvent } from '@react-three/fiber';
import { AdditiveBlending, Color, Object3D, type InstancedMesh, type Mesh, type MeshBasicMaterial, type MeshStandardMaterial, Vector3 } from 'three';
import type { BuildingUnits, DwellingUnit } from '../../../electron/common/dto.ts';
import { CARE_COLOURS, careClassOf } from './careColours.ts';
import { setInspectorProbe } from '../../testing/testHooks.ts';

const UNIT_W = 1.0;
const UNIT_D = 1.5;
const UNIT_H = 0.62;
const GAP_X = 0.1;
const SLAB_T = 0.08;
const FLOOR_PITCH = 0.98;
const STAGGER = 0.08;

interface Layout {
  unitsPerFloor: number;
  width: number;
  height: number;
  floorY(floor: number): number;
  floorX(floor: number): number;
  unitX(slot: number): number;
}

function layoutOf(data: BuildingUnits): Layout {
  const maxSlot = data.units.reduce((m, u) => Math.max(m, u.slot), -1);
  const unitsPerFloor = Math.max(1, data.unitsPerFloor, maxSlot + 1);
  const width = unitsPerFloor * UNIT_W + (unitsPerFloor - 1) * GAP_X;
  return {
    unitsPerFloor,
    width,
    height: Math.max(1, data.floors) * FLOOR_PITCH,
    floorY: (floor) => (floor - 1) * FLOOR_PITCH,
    floorX: (floor) => (floor % 2 === 0 ? STAGGER : -STAGGER),
    unitX: (slot) => -width / 2 + UNIT_W / 2 + slot * (UNIT_W + GAP_X),
  };
}

function CameraRig({ layout, buildingId }: { layout: Layout; buildingId: number }): null {
  const camera = useThree((s) => s.camera);
  const controls = useThree((s) => s.controls) as unknown as { target: Vector3; update(): void } | null;
  const invalidate = useThree((s) => s.invalidate);
  const size = useThree((s) => s.size);
  useLayoutEffect(() => {
    const target = new Vector3(0, layout.height / 2 - 0.3, 0);
    const fov = ((camera as { fov?: number }).fov ?? 35) * (Math.PI / 180);
    // The care legend sits over the left of the stage: shift the projection so the stack is
    // centred in the part to its right.
    const shift = Math.min(90, size.width * 0.14);
    if ('setViewOffset' in camera) camera.setViewOffset(size.width, size.height, -shift, 0, size.width, size.height);
    const usableAspect = (size.width - 2 * shift) / Math.max(1, size.height);
    const fitH = (layout.height + 1.2) / (2 * Math.tan(fov / 2));
    const fitW = (layout.width + 2.5) / (2 * Math.tan(fov / 2) * Math.max(0.3, usableAspect));
    const dist = Math.max(fitH, fitW, 5) * 1.05;
    const dir = new Vector3(0.62, 0.42, 1).normalize();
    camera.position.copy(target).addScaledVector(dir, dist);
    camera.near = 0.1;
    camera.far = dist * 6;
    camera.updateProjectionMatrix();
    camera.lookAt(target);
    if (controls) {
      controls.target.copy(target);
      controls.update();
    }
    invalidate();
    // Reframe on a new building (or a resized canvas), not on every hover.
  }, [buildingId, layout, camera, controls, invalidate, size.width, size.height]);
  return null;
}

/** Centre of a dwelling box in scene coordinates. */
function unitCentre(layout: Layout, u: DwellingUnit): [number, number, number] {
  return [layout.unitX(u.slot) + layout.floorX(u.floor), layout.floorY(u.floor) + SLAB_T / 2 + UNIT_H / 2, 0];
}

/**
 * The dwelling of the household a meter alert is about: a box that pulses (emissive) over the
 * dwelling and an additive halo around it. Asks the demand loop for ~30 frames a second while
 * mounted (not every display frame: software-rendered walls share one CPU with everything else).
 */
function UnitGlow({ position }: { position: [number, number, number] }): React.JSX.Element {
  const core = useRef<Mesh>(null);
  const halo = useRef<Mesh>(null);
  const invalidate = useThree((s) => s.invalidate);
  useFrame(({ clock }) => {
    const k = 0.5 + 0.5 * Math.sin(clock.elapsedTime * 4.2);
    const coreMat = core.current?.material as MeshStandardMaterial | undefined;
    if (coreMat) coreMat.emissiveIntensity = 0.5 + 1.8 * k;
    const haloMat = halo.current?.material as MeshBasicMaterial | undefined;
    if (haloMat) haloMat.opacity = 0.12 + 0.3 * k;
    halo.current?.scale.setScalar(1 + 0.12 * k);
  });
  useEffect(() => {
    const id = setInterval(() => invalidate(), 33);
    return () => clearInterval(id);
  }, [invalidate]);
  return (
    <group position={position}>
      <mesh ref={core} raycast={() => null}>
        <boxGeometry args={[UNIT_W + 0.04, UNIT_H + 0.04, UNIT_D + 0.04]} />
        <meshStandardMaterial color="#ff6a2b" emissive="#ff5a1a" emissiveIntensity={1} roughness={0.4} transparent opacity={0.92} />
      </mesh>
      <mesh ref={halo} raycast={() => null}>
        <boxGeometry args={[UNIT_W + 0.5, UNIT_H + 0.45, UNIT_D + 0.5]} />
        <meshBasicMaterial color="#ff7a30" transparent opacity={0.3} blending={AdditiveBlending} depthWrite={false} />
      </mesh>
    </group>
  );
}

export function BuildingStack({
  data,
  selectedHouseholdId,
  glowHouseholdId,
  onPick,
  floorLabel,
}: {
  data: BuildingUnits;
  selectedHouseholdId: number | null;
  /** Household whose dwelling glows (the selected meter alert's). */
  glowHouseholdId: number | null;
  onPick: (unit: DwellingUnit) => void;
  floorLabel: (floor: number) => string;
}): React.JSX.Element {
  const layout = useMemo(() => layoutOf(data), [data]);
  const units = data.units;
  const dwellings = useRef<InstancedMesh>(null);
  const slabs = useRef<InstancedMesh>(null);
  const [hovered, setHovered] = useState<number | null>(null);
  const invalidate = useThree((s) => s.invalidate);
  const camera = useThree((s) => s.camera);
  const canvas = useThree((s) => s.gl.domElement);

  useLayoutEffect(() => {
    const o = new Object3D();
    const mesh = dwellings.current;
    if (mesh) {
      units.forEach((u, i) => {
        o.position.set(layout.unitX(u.slot) + layout.floorX(u.floor), layout.floorY(u.floor) + SLAB_T / 2 + UNIT_H / 2, 0);
        o.updateMatrix();
        mesh.setMatrixAt(i, o.matrix);
      });
      mesh.instanceMatrix.needsUpdate = true;
      mesh.computeBoundingSphere();
    }
    const slabMesh = slabs.current;
    if (slabMesh) {
      for (let f = 1; f <= data.floors; f++) {
        o.position.set(layout.floorX(f), layout.floorY(f), 0);
        o.updateMatrix();
        slabMesh.setMatrixAt(f - 1, o.matrix);
      }
      slabMesh.instanceMatrix.needsUpdate = true;
      slabMesh.computeBoundingSphere();
    }
    invalidate();
  }, [units, layout, data.floors, invalidate]);

  useLayoutEffect(() => {
    const mesh = dwellings.current;
    if (!mesh) return;
    const c = new Color();
    units.forEach((u, i) => {
      c.set(CARE_COLOURS[careClassOf(u.careFlags)]);
      if (u.householdId === selectedHouseholdId) c.lerp(new Color('#ffffff'), 0.55);
      else if (i === hovered) c.multiplyScalar(1.45);
      mesh.setColorAt(i, c);
    });
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    invalidate();
  }, [units, hovered, selectedHouseholdId, invalidate]);

  useEffect(() => {
    setInspectorProbe({
      buildingId: data.buildingId,
      floors: data.floors,
      units: units.length,
      unitScreenPoint: (householdId) => {
        const u = units.find((x) => x.householdId === householdId);
        if (!u) return null;
        camera.updateMatrixWorld();
        const v = new Vector3(...unitCentre(layout, u)).project(camera);
        if (v.z < -1 || v.z > 1) return null;
        const rect = canvas.getBoundingClientRect();
        const x = rect.left + ((v.x + 1) / 2) * rect.width;
        const y = rect.top + ((1 - v.y) / 2) * rect.height;
        if (x < rect.left || y < rect.top || x >= rect.right || y >= rect.bottom) return null;
        // Covered by the legend, a floor label or another panel: not clickable there.
        const hit = document.elementFromPoint(x, y);
        if (hit && hit !== canvas && !hit.contains(canvas)) return null;
        return [x, y];
      },
    });
    return () => setInspectorProbe(null);
  }, [data, units, layout, camera, canvas]);

  const selectedIndex = units.findIndex((u) => u.householdId === selectedHouseholdId);
  const selectedUnit = selectedIndex >= 0 ? units[selectedIndex] : undefined;
  const glowUnit = glowHouseholdId === null ? undefined : units.find((u) => u.householdId === glowHouseholdId);
  const labelEvery = data.floors > 24 ? 4 : data.floors > 14 ? 2 : 1;
  const floors = Array.from({ length: data.floors }, (_, i) => i + 1).filter((f) => f === 1 || f === data.floors || f % labelEvery === 0);

  const pick = (e: ThreeEvent<MouseEvent>): void => {
    e.stopPropagation();
    const u = e.instanceId === undefined ? undefined : units[e.instanceId];
    if (u) onPick(u);
  };

  return (
    <>
      <CameraRig layout={layout} buildingId={data.buildingId} />
      <OrbitControls makeDefault enableDamping={false} minDistance={3} maxDistance={200} maxPolarAngle={Math.PI * 0.495} />
      <ambientLight intensity={0.55} />
      <hemisphereLight args={['#a9d2ff', '#08121f', 0.7]} />
      <directionalLight position={[12, 30, 18]} intensity={1.5} />
      <directionalLight position={[-14, 8, -10]} intensity={0.35} color="#6fa8ff" />
      <gridHelper args={[40, 40, '#1f4a70', '#0f2338']} position={[0, -0.5, 0]} />
      <instancedMesh ref={slabs} args={[undefined, undefined, Math.max(1, data.floors)]} key={`slabs-${data.buildingId}-${data.floors}`}>
        <boxGeometry args={[layout.width + 0.5, SLAB_T, UNIT_D + 0.5]} />
        <meshStandardMaterial color="#1b3654" transparent opacity={0.85} roughness={0.8} metalness={0.1} />
      </instancedMesh>
      {units.length > 0 && (
        <instancedMesh
          ref={dwellings}
          key={`units-${data.buildingId}-${units.length}`}
          args={[undefined, undefined, units.length]}
          onPointerMove={(e) => {
            e.stopPropagation();
            if (e.instanceId !== undefined && e.instanceId !== hovered) setHovered(e.instanceId);
            document.body.style.cursor = 'pointer';
          }}
          onPointerOut={() => {
            setHovered(null);
            document.body.style.cursor = '';
          }}
          onClick={pick}
        >
          <boxGeometry args={[UNIT_W, UNIT_H, UNIT_D]} />
          <meshStandardMaterial roughness={0.55} metalness={0.05} />
        </instancedMesh>
      )}
      {glowUnit && <UnitGlow position={unitCentre(layout, glowUnit)} />}
      {selectedUnit && (
        <mesh
          position={[layout.unitX(selectedUnit.slot) + layout.floorX(selectedUnit.floor), layout.floorY(selectedUnit.floor) + SLAB_T / 2 + UNIT_H / 2, 0]}
          matrixAutoUpdate
        >
          <boxGeometry args={[UNIT_W + 0.14, UNIT_H + 0.14, UNIT_D + 0.14]} />
          <meshBasicMaterial color="#36d6ff" wireframe transparent opacity={0.95} />
        </mesh>
      )}
      {floors.map((f) => (
        <Html
          key={f}
          position={[-layout.width / 2 - 0.75 + layout.floorX(f), layout.floorY(f) + UNIT_H / 2, UNIT_D / 2]}
          center
          zIndexRange={[20, 0]}
          className="floor-label"
        >
          {floorLabel(f)}
        </Html>
      ))}
    </>
  );
}
