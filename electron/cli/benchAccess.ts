/**
 * The people and source systems a benchmark run uses, created in its own twin copy before the
 * host starts: the benches go through the same sign-in and token checks as a command centre does.
 */
import { randomBytes } from 'node:crypto';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { AuthService } from '../services/AuthService.ts';

export interface BenchAccess {
  credentials: { username: string; password: string };
  ingestToken: string;
}

export async function provisionBenchAccess(db: string): Promise<BenchAccess> {
  const store = await DuckDbStore.open(db);
  try {
    const auth = await AuthService.open(store);
    const credentials = { username: `bench-${randomBytes(3).toString('hex')}`, password: randomBytes(12).toString('base64url') };
    await auth.addUser(credentials.username, '基准测试', 'operator', credentials.password);
    const { token } = await auth.addToken(`bench ${credentials.username}`, 'ingest', 'bench');
    return { credentials, ingestToken: token };
  } finally {
    store.close();
  }
}
