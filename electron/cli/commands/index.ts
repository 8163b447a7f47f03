/** Commands that keep a twin safe: doctor, backup, restore. Registered by main.ts. */
import type { Command } from 'commander';
import { registerBackupCommands } from './backup.ts';
import { registerDoctorCommand } from './doctor.ts';

export function registerTwinCommands(program: Command): void {
  registerDoctorCommand(program);
  registerBackupCommands(program);
}
