/**
 * The building material as a deck.gl LayerExtension on SolidPolygonLayer: storey bands on walls and
 * the hover/selection highlight, from the GLSL in `shaders/buildings/`. Highlight is by building
 * row (a per-vertex attribute), not by polygon, so a building with several footprint polygons
 * lights up as one, and moving the pointer changes two uniforms instead of any buffer.
 */
import { LayerExtension, type Layer, type UpdateParameters } from '@deck.gl/core';
import type { ShaderModule } from '@luma.gl/shadertools';
import {
  buildingMaterialFs,
  buildingMaterialFsFilterColor,
  buildingMaterialVs,
  buildingMaterialVsMainEnd,
} from '../../../../shaders/index.ts';
import { METRES_PER_STOREY } from '../../../../data/model/domain.ts';

export interface BuildingMaterialProps {
  /** Building row of each vertex (binary attribute `getBuildingRow`). */
  getBuildingRow?: number | ((d: unknown) => number);
  /** Row of the selected building, -1 for none. */
  selectedBuildingRow?: number;
  /** Row of the hovered building, -1 for none. */
  hoveredBuildingRow?: number;
  /** Metres between storey bands. */
  storeyHeightM?: number;
  /** 0 (no bands) … 1 (black bands). */
  storeyBandStrength?: number;
}

type BuildingMaterialUniformProps = {
  selectedRow: number;
  hoveredRow: number;
  storeyHeight: number;
  bandStrength: number;
};

const buildingMaterialModule = {
  name: 'buildingMaterial',
  vs: buildingMaterialVs,
  fs: buildingMaterialFs,
  inject: {
    'vs:#main-end': buildingMaterialVsMainEnd,
    'fs:DECKGL_FILTER_COLOR': buildingMaterialFsFilterColor,
  },
  uniformTypes: {
    selectedRow: 'f32',
    hoveredRow: 'f32',
    storeyHeight: 'f32',
    bandStrength: 'f32',
  },
  defaultUniforms: { selectedRow: -1, hoveredRow: -1, storeyHeight: METRES_PER_STOREY, bandStrength: 0.28 },
} as const satisfies ShaderModule<BuildingMaterialUniformProps>;

const defaultProps = {
  getBuildingRow: { type: 'accessor', value: 0 },
  selectedBuildingRow: -1,
  hoveredBuildingRow: -1,
  storeyHeightM: METRES_PER_STOREY,
  storeyBandStrength: 0.28,
} as const;

export class BuildingMaterialExtension extends LayerExtension {
  public static override defaultProps = defaultProps;
  public static override extensionName = 'BuildingMaterialExtension';

  public override getShaders(this: Layer<BuildingMaterialProps>): { modules: ShaderModule[] } {
    return { modules: [buildingMaterialModule as unknown as ShaderModule] };
  }

  public override initializeState(this: Layer<BuildingMaterialProps>): void {
    this.getAttributeManager()?.add({
      buildingRows: { size: 1, stepMode: 'dynamic', accessor: 'getBuildingRow' },
    });
  }

  public override updateState(this: Layer<BuildingMaterialProps>, params: UpdateParameters<Layer<BuildingMaterialProps>>): void {
    const { props, oldProps } = params;
    if (props.selectedBuildingRow !== oldProps.selectedBuildingRow || props.hoveredBuildingRow !== oldProps.hoveredBuildingRow) {
      this.setNeedsRedraw();
    }
  }

  public override draw(this: Layer<BuildingMaterialProps>): void {
    const p = this.props;
    const uniforms: BuildingMaterialUniformProps = {
      selectedRow: p.selectedBuildingRow ?? -1,
      hoveredRow: p.hoveredBuildingRow ?? -1,
      storeyHeight: p.storeyHeightM ?? METRES_PER_STOREY,
      bandStrength: p.storeyBandStrength ?? 0.28,
    };
    this.setShaderModuleProps({ buildingMaterial: uniforms });
  }
}
