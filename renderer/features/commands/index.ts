/** The shell's commands (Esc, `?`) and the help overlay that lists every module's commands. */
import type { FeatureModule } from '../feature.ts';
import { shellCommands } from './shellCommands.ts';
import { HelpOverlay } from './HelpOverlay.tsx';
import { commandsStrings } from './strings.ts';

export const commandsFeature: FeatureModule = {
  id: 'commands',
  commands: shellCommands,
  overlays: [HelpOverlay],
  i18n: commandsStrings,
};
