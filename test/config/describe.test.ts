import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_REFERENCE_PATH, describeConfig, renderConfigReference } from '../../src/config/describe.js';
import { ConfigError, loadConfig } from '../../src/config/load.js';

describe('configuration reference generated from the zod schema', () => {
  it('the committed docs/configuration.md is what `npm run docs:config` writes now', () => {
    expect(readFileSync(CONFIG_REFERENCE_PATH, 'utf8')).toBe(renderConfigReference());
  });

  it('describes every variable with its type and default', () => {
    const docs = describeConfig();
    expect(docs.filter((d) => !d.description).map((d) => d.variable)).toEqual([]);
    expect(docs.find((d) => d.variable === 'PORT')).toMatchObject({
      type: 'integer',
      default: '3978',
      required: false,
    });
    expect(docs.find((d) => d.variable === 'LOG_LEVEL')?.type).toContain('`silent`');
    expect(docs.find((d) => d.variable === 'REDIS_URL')).toMatchObject({ type: 'string', required: false });
    expect(docs.find((d) => d.variable === 'REDIS_URL')?.default).toBeUndefined();
  });
});

describe('REDIS_URL accepts the Sentinel and Cluster forms', () => {
  it.each([
    'redis://127.0.0.1:6379/0',
    'rediss://:pw@cache.example:6380',
    'redis-sentinel://s1:26379,s2:26379/mymaster',
    'redis-cluster://n1:7000,n2:7001',
  ])('%s', (url) => {
    expect(loadConfig({ REDIS_URL: url }, '/nonexistent/.env').REDIS_URL).toBe(url);
  });

  it.each(['http://cache:6379', 'redis-cluster://', 'cache:6379'])('refuses %s naming the variable', (url) => {
    expect(() => loadConfig({ REDIS_URL: url }, '/nonexistent/.env')).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_URL: url }, '/nonexistent/.env')).toThrow(/REDIS_URL/);
  });
});
