import fc from 'fast-check';
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HotCounter, HotHistogram } from '../../src/server/hot-metrics.js';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const label = fc.constantFrom('web', 'line', 'sms', 'a"b\\c', '引号\n新行');
const observation = fc.record({
  channel: label,
  event: fc.constantFrom('user.said', 'agent.joined'),
  value: fc.oneof(fc.double({ min: 0, max: 10, noNaN: true }), fc.constantFrom(...BUCKETS)),
});

describe('hot metrics', () => {
  it('write exactly what prom-client writes for the same counts and observations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(observation, { maxLength: 60 }), async (seen) => {
        const theirs = new Registry();
        const ours = new Registry();
        const histogram = new Histogram({
          name: 'h_seconds',
          help: 'help "text"',
          labelNames: ['channel', 'event'],
          buckets: BUCKETS,
          registers: [theirs],
        });
        const counter = new Counter({
          name: 'c_total',
          help: 'counts',
          labelNames: ['channel', 'event'],
          registers: [theirs],
        });
        const hotHistogram = new HotHistogram('h_seconds', 'help "text"', ['channel', 'event'], BUCKETS, ours);
        const hotCounter = new HotCounter('c_total', 'counts', ['channel', 'event'], ours);
        for (const { channel, event, value } of seen) {
          histogram.observe({ channel, event }, value);
          counter.inc({ channel, event });
          hotHistogram.series({ channel, event }).observe(value);
          hotCounter.series({ channel, event }).inc();
        }
        expect(await ours.metrics()).toBe(await theirs.metrics());
      }),
      { numRuns: 100 },
    );
  });

  it('keep one series per set of label values, whatever order the labels come in, and reset to zero', async () => {
    const registry = new Registry();
    const counter = new HotCounter('c_total', 'counts', ['a', 'b'], registry);
    counter.series({ a: '1', b: '2' }).inc();
    counter.series({ b: '2', a: '1' }).inc(2);
    counter.series({ a: '12', b: '' }).inc();
    expect(await registry.metrics()).toContain('c_total{a="1",b="2"} 3');
    expect(await registry.metrics()).toContain('c_total{a="12",b=""} 1');
    registry.resetMetrics();
    expect(await registry.metrics()).toContain('c_total{a="1",b="2"} 0');
  });
});
