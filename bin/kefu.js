#!/usr/bin/env -S node --max-semi-space-size=64 --no-allocation-site-pretenuring
// The same V8 flags as `npm start` and docs/deployment.md. A larger young generation means fewer
// scavenges under load: +12% turns/s in BENCHMARKS.md's A/B runs, for up to ~100 MB more memory.
// No allocation-site pretenuring: once a busy spell makes V8 allocate a turn's objects straight
// in the old generation, those dead objects keep the young ones they point to alive through every
// scavenge until the next full collection (at 2000 turns/s: promoted 1.3 -> 0.6 MB a scavenge,
// pauses 8.8 -> 6.1 ms).
// Runs the TypeScript sources directly through tsx's loader: no build step between a clone and `npm start`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
