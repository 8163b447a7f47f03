/** The real-data fixtures' ZIP reader lives with the DAIAD evaluation that needs it at run time. */
export { readFirstZipEntry } from '../../data/analytics/meterRealEval.ts';
