import { Cluster, Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { createRedis, instrumentRedis, parseRedisUrl } from '../../src/store/redis-client.js';

describe('REDIS_URL forms', () => {
  it('passes redis:// and rediss:// through unchanged', () => {
    expect(parseRedisUrl('redis://:secret@cache:6380/2')).toEqual({
      kind: 'single',
      url: 'redis://:secret@cache:6380/2',
    });
    expect(parseRedisUrl(' rediss://cache.example:6379 ')).toEqual({
      kind: 'single',
      url: 'rediss://cache.example:6379',
    });
  });

  it('reads sentinels, the master name, database and credentials', () => {
    expect(parseRedisUrl('redis-sentinel://s1:26379,s2:26380,s3/kefu-master')).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
        { host: 's3', port: 26379 },
      ],
      name: 'kefu-master',
      db: 0,
      tls: false,
    });
    expect(
      parseRedisUrl('rediss-sentinel://app:p%40ss@10.0.0.1:26379,[::1]:26379/mymaster/3?sentinelPassword=sp'),
    ).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '::1', port: 26379 },
      ],
      name: 'mymaster',
      db: 3,
      username: 'app',
      password: 'p@ss',
      sentinelPassword: 'sp',
      tls: true,
    });
  });

  it('reads cluster seed nodes with the default port', () => {
    expect(parseRedisUrl('redis-cluster://:pw@n1:7000,n2:7001,n3')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
        { host: 'n3', port: 6379 },
      ],
      password: 'pw',
      tls: false,
    });
  });

  it.each([
    'http://cache:6379',
    'redis-sentinel://s1:26379',
    'redis-sentinel://s1:26379/m/notadb',
    'redis-cluster://n1:7000/0',
    'redis-cluster://n1:99999',
    'redis-cluster://',
    'redis://exa mple',
  ])('refuses %s with a message', (url) => {
    expect(() => parseRedisUrl(url)).toThrow(/REDIS_URL|redis-|port|host/);
  });

  it('builds a Sentinel client and a Cluster client from their URLs', async () => {
    const sentinel = createRedis('redis-sentinel://s1:26379,s2:26379/kefu', { lazyConnect: true });
    expect(sentinel).toBeInstanceOf(Redis);
    expect(sentinel.options.sentinels).toEqual([
      { host: 's1', port: 26379 },
      { host: 's2', port: 26379 },
    ]);
    expect(sentinel.options.name).toBe('kefu');
    sentinel.disconnect();
    const cluster = createRedis('redis-cluster://n1:7000,n2:7001', { lazyConnect: true }) as unknown as Cluster;
    expect(cluster).toBeInstanceOf(Cluster);
    expect((cluster as unknown as { startupNodes: unknown }).startupNodes).toEqual([
      { host: 'n1', port: 7000 },
      { host: 'n2', port: 7001 },
    ]);
    cluster.disconnect();
  });
});

it('times every command on an instrumented connection, pipelined ones included', async () => {
  const redis = createRedis(inject('redisUrl'));
  const seen: string[] = [];
  instrumentRedis(redis, (command, seconds, ok) => {
    expect(seconds).toBeGreaterThanOrEqual(0);
    seen.push(`${command}:${ok ? 'ok' : 'error'}`);
  });
  await Promise.all([redis.set('kefu:{t}:x', '1'), redis.get('kefu:{t}:x')]);
  await redis.hget('kefu:{t}:x', 'f').catch(() => undefined); // WRONGTYPE
  await redis.quit();
  expect(seen).toEqual(expect.arrayContaining(['set:ok', 'get:ok', 'hget:error']));
});
