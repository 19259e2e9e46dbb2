#!/usr/bin/env -S node --max-semi-space-size=64
// The larger young generation (also in `npm start` and docs/deployment.md) means fewer scavenges
// under load: +12% turns/s in BENCHMARKS.md's A/B runs, for up to ~100 MB more memory.
// Runs the TypeScript sources directly through tsx's loader: no build step between a clone and `npm start`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
