#!/usr/bin/env node
// The `civictwin` command. Registers tsx so the TypeScript sources run as they are, in the repo
// and when installed as a package; then hands over to the commander program in main.ts.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('./main.ts');
await run(process.argv);
