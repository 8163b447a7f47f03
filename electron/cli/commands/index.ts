/** Commands that keep a twin safe: doctor, backup, restore, users and tokens. Registered by main.ts. */
import type { Command } from 'commander';
import { registerBackupCommands } from './backup.ts';
import { registerDoctorCommand } from './doctor.ts';
import { registerAccessCommands } from './access.ts';
import { registerTyphoonCommands } from './typhoon.ts';

export function registerTwinCommands(program: Command): void {
  registerDoctorCommand(program);
  registerBackupCommands(program);
  registerAccessCommands(program);
  registerTyphoonCommands(program); // typhoon import (a feature module's CLI; the lead's registry will list it)
}
