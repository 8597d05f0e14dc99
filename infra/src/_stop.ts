import { readPid, stopRecorded } from './proc.ts';
for (const n of ['connect','kafka','postgres']) { const r = readPid('/work/main/.local/try/run', n); if (r) { const t=performance.now(); await stopRecorded('/work/main/.local/try/run', r); console.log(n, performance.now()-t); } }
