/* eslint-disable no-control-regex -- control characters are the hostile input under test */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kefu } from '../../src/main.js';
import { twilioSignature } from '../../adapters/sms/twilio-signature.js';
import { officialSignature } from '../../adapters/wechat-official/signature.js';
import { sanitizeText } from '../../src/runtime/sanitize-text.js';
import { checkResidentId, isValidResidentId, maskResidentId } from '../../src/domain/resident-id.js';
import { checkCreditCode, isValidCreditCode, maskCreditCode } from '../../src/domain/credit-code.js';
import { checkMobile, maskMobile, normalizeMobile } from '../../src/domain/phone.js';
import { checkAddress, parseAddress } from '../../src/domain/address.js';
import { maskPersonalData } from '../../src/domain/pii-mask.js';
import { extractEntities, normalizeTicket } from '../../src/nlu/entities.js';
import { confidentLocaleOf, languageRequestOf } from '../../src/nlu/language-request.js';
import { splitText, localeFromTag } from '../../adapters/text-rendering.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testKefu, uniqueUser } from '../support/kefu.js';
import { inject } from 'vitest';
import { fakeApi, type FakeApi } from './fault-kit.js';

// Fuzz every door a stranger can knock on. Whatever comes in: a 2xx, or a 4xx with a coded
// error, never a 5xx; and the conversations behind it still load and answer afterwards.
const RUNS = Number(process.env.KEFU_FUZZ_RUNS ?? 150);
export const fuzzCounts: Record<string, number> = {};
/** Lone surrogates replaced, as an encoder would (String#toWellFormed is newer than our lib). */
const wellFormed = (s: string) =>
  s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu, '\uFFFD');
const count = (name: string) => (fuzzCounts[name] = (fuzzCounts[name] ?? 0) + 1);

const LINE_SECRET = 'line-secret-for-fuzz';
const SMS_TOKEN = 'sms-token-for-fuzz';
const WECHAT_TOKEN = 'wechat-token-for-fuzz';
const PUBLIC_URL = 'http://kefu.test';

let kefu: Kefu;
let redisKefu: Kefu;
let platform: FakeApi; // LINE's API, answering every call: this fuzzes input, not outages

beforeAll(async () => {
  platform = await fakeApi((_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  const env = {
    LINE_CHANNEL_SECRET: LINE_SECRET,
    LINE_CHANNEL_ACCESS_TOKEN: 'line-token',
    LINE_API_BASE_URL: platform.url,
    SMS_AUTH_TOKEN: SMS_TOKEN,
    WECHAT_TOKEN,
    WECHAT_PASSIVE_REPLY_MS: '200',
    PUBLIC_URL,
    MicrosoftAppId: '00000000-0000-0000-0000-000000000000',
    ADMIN_TOKEN: 'admin-token-for-fuzz',
    AGENT_TOKENS: 'alice:alice-token,bob:bob-token',
    RATE_LIMIT_IP_PER_MINUTE: '0',
    RATE_LIMIT_USER_PER_MINUTE: '0',
  };
  kefu = await testKefu(env);
  redisKefu = await testKefu({ ...env, REDIS_URL: inject('redisUrl') });
}, 60_000);

afterAll(async () => {
  await kefu.close();
  await redisKefu.close();
  await platform.close();
  // RELIABILITY.md quotes these.
  const dir = join(tmpdir(), 'kefu-fault-figures');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'fuzz.json'), JSON.stringify(fuzzCounts, null, 2));
});

/** Any JSON-ish value, strings with control characters, lone surrogates and huge code points included. */
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.constantFrom('', ' ', '\u0000', '\u202E你好', 'e\u0301', '\uD800', '__proto__', 'constructor', '💥'.repeat(50)),
);
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({ userId: nasty, text: nasty, locale: nasty, messageId: nasty, postback: nasty }, { requiredKeys: [] }),
  fc.record({ userId: fc.stringMatching(/^[a-z0-9]{1,20}$/), text: nasty }),
);

function expectCoded(res: { statusCode: number; body: string; headers: Record<string, unknown> }) {
  expect(res.statusCode, res.body).toBeLessThan(500);
  if (res.statusCode >= 400) {
    const body = JSON.parse(res.body) as { error?: { code?: string } };
    expect(body.error?.code).toMatch(/^KEFU_[A-Z_]+$/);
  }
}

describe('hostile input: /api/web/messages', () => {
  for (const [name, k] of [
    ['memory', () => kefu],
    ['redis', () => redisKefu],
  ] as const) {
    it(`answers any body with 2xx or a coded 4xx and keeps the session loadable (${name} store)`, async () => {
      const userId = uniqueUser('fuzz');
      await fc.assert(
        fc.asyncProperty(
          anyJson,
          fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
          async (body, type) => {
            count('web');
            const payload = type === 'application/json' ? JSON.stringify(body) : String(JSON.stringify(body));
            const res = await k().app.inject({
              method: 'POST',
              url: '/api/web/messages',
              headers: { 'content-type': type },
              payload,
            });
            expectCoded(res);
            // The same user interleaved with the junk still gets answered and their session loads.
            const mine = await k().app.inject({
              method: 'POST',
              url: '/api/web/messages',
              payload: { userId, text: typeof body === 'string' ? body : JSON.stringify(body ?? null).slice(0, 500) },
            });
            expectCoded(mine);
            expect(mine.statusCode).toBe(200);
            await k().sessions.load(`web:${userId}`);
          },
        ),
        { numRuns: RUNS },
      );
      const after = await k().app.inject({
        method: 'POST',
        url: '/api/web/messages',
        payload: { userId, text: '你好' },
      });
      expect(after.statusCode).toBe(200);
      expect(after.json<{ replies: unknown[] }>().replies.length).toBeGreaterThan(0);
    });
  }

  it('refuses bodies over 256 KB with a coded 413, and over-long text politely', async () => {
    const big = await kefu.app.inject({
      method: 'POST',
      url: '/api/web/messages',
      payload: { userId: 'big', text: 'x'.repeat(300 * 1024) },
    });
    expect(big.statusCode).toBe(413);
    expect(big.json<{ error: { code: string } }>().error.code).toBe('KEFU_PAYLOAD_TOO_LARGE');
    const long = await kefu.app.inject({
      method: 'POST',
      url: '/api/web/messages',
      payload: { userId: uniqueUser('long'), text: '长'.repeat(kefu.config.MAX_TEXT_LENGTH + 1) },
    });
    expect(long.statusCode).toBe(200);
    expect(long.headers['x-kefu-error']).toBe('KEFU_TEXT_TOO_LONG');
    expect(long.json<{ replies: { text: string }[] }>().replies[0]?.text).toContain(
      String(kefu.config.MAX_TEXT_LENGTH),
    );
  });

  it('understands text with invisible characters, bidi overrides and decomposed accents like the clean text', async () => {
    const clean = uniqueUser('clean');
    const dirty = uniqueUser('dirty');
    const a = await kefu.app.inject({
      method: 'POST',
      url: '/api/web/messages',
      payload: { userId: clean, text: '需要什么材料' },
    });
    const b = await kefu.app.inject({
      method: 'POST',
      url: '/api/web/messages',
      payload: { userId: dirty, text: '\u202E需\u200B要\u0000什么\u0007材\uFEFF料\r\n' },
    });
    expect(b.json()).toEqual(a.json());
  });
});

const lineSign = (body: string) => createHmac('sha256', LINE_SECRET).update(body).digest('base64');

describe('hostile input: webhooks', () => {
  it('LINE: any signed body and any unsigned one', async () => {
    const event = fc.record(
      {
        type: fc.oneof(fc.constantFrom('message', 'postback', 'follow', 'unfollow'), nasty),
        webhookEventId: fc.oneof(fc.uuid(), nasty),
        timestamp: fc.oneof(fc.integer(), fc.double()),
        replyToken: nasty,
        source: fc.oneof(fc.record({ type: fc.constant('user'), userId: nasty }), fc.jsonValue({ maxDepth: 2 })),
        message: fc.oneof(
          fc.record({ type: fc.constant('text'), id: nasty, text: nasty }),
          fc.jsonValue({ maxDepth: 2 }),
        ),
        postback: fc.record({ data: nasty }),
        deliveryContext: fc.record({ isRedelivery: fc.boolean() }),
      },
      { requiredKeys: ['type', 'webhookEventId', 'timestamp'] },
    );
    const body = fc.oneof(
      fc.record({ destination: nasty, events: fc.array(event, { maxLength: 3 }) }).map((b) => JSON.stringify(b)),
      anyJson.map((b) => JSON.stringify(b)),
      nasty,
    );
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (raw, signed) => {
        count('line');
        const res = await kefu.app.inject({
          method: 'POST',
          url: '/api/line/webhook',
          headers: {
            'content-type': 'application/json',
            'x-line-signature': signed ? lineSign(raw) : lineSign(`${raw}x`),
          },
          payload: raw,
        });
        expectCoded(res);
        if (!signed) expect(res.statusCode).toBe(401);
      }),
      { numRuns: RUNS },
    );
  });

  it('SMS: any signed form and any unsigned one', async () => {
    const params = fc.dictionary(
      fc.oneof(fc.constantFrom('From', 'Body', 'To', 'MessageSid'), fc.string({ maxLength: 10 })),
      nasty,
      {
        maxKeys: 6,
      },
    );
    await fc.assert(
      fc.asyncProperty(params, fc.boolean(), async (form, signed) => {
        count('sms');
        // The form encoding cannot carry lone surrogates faithfully; sign what the server will see.
        const clean = Object.fromEntries(Object.entries(form).map(([k, v]) => [wellFormed(k), wellFormed(v)]));
        const payload = new URLSearchParams(clean).toString();
        const seen = Object.fromEntries(new URLSearchParams(payload));
        const signature = twilioSignature(
          SMS_TOKEN,
          `${PUBLIC_URL}/api/sms/inbound`,
          signed ? seen : { ...seen, x: '1' },
        );
        const res = await kefu.app.inject({
          method: 'POST',
          url: '/api/sms/inbound',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
          payload,
        });
        expectCoded(res);
        if (!signed) expect(res.statusCode).toBe(401);
      }),
      { numRuns: RUNS },
    );
  });

  it('WeChat Official Account: any signed XML and any unsigned request', async () => {
    const text = nasty.map((s) => wellFormed(s).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, ''));
    const xml = fc.oneof(
      fc
        .record({ from: text, to: text, type: fc.constantFrom('text', 'event', 'image', ''), content: text, id: text })
        .map(
          (m) =>
            `<xml><ToUserName><![CDATA[${m.to}]]></ToUserName><FromUserName><![CDATA[${m.from}]]></FromUserName>` +
            `<CreateTime>1</CreateTime><MsgType><![CDATA[${m.type}]]></MsgType><Content><![CDATA[${m.content}]]></Content>` +
            `<MsgId>${m.id.replace(/[<>&]/g, '')}</MsgId></xml>`,
        ),
      text,
      fc.constantFrom(
        '<xml><FromUserName><a>1</a></FromUserName><ToUserName>x</ToUserName><MsgType>text</MsgType></xml>',
        '<!DOCTYPE x [<!ENTITY a "aaaa">]><xml>&a;</xml>',
      ),
    );
    await fc.assert(
      fc.asyncProperty(xml, fc.boolean(), fc.string({ maxLength: 12 }), async (body, signed, nonce) => {
        count('wechat');
        const timestamp = '1700000000';
        const signature = signed
          ? officialSignature(WECHAT_TOKEN, timestamp, nonce)
          : officialSignature('wrong', timestamp, nonce);
        const query = new URLSearchParams({ signature, timestamp, nonce }).toString();
        const res = await kefu.app.inject({
          method: 'POST',
          url: `/api/wechat/official?${query}`,
          headers: { 'content-type': 'text/xml' },
          payload: body,
        });
        expectCoded(res);
        if (!signed) expect(res.statusCode).toBe(401);
      }),
      { numRuns: RUNS },
    );
  });

  it('Bot Framework: any activity without a valid token is refused, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        anyJson,
        fc.option(nasty.map((s) => `Bearer ${s}`.replace(/[^\x20-\x7E]/g, ''))),
        async (body, auth) => {
          count('botframework');
          const res = await kefu.app.inject({
            method: 'POST',
            url: '/api/messages',
            headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
            payload: JSON.stringify(body),
          });
          expect(res.statusCode).toBeGreaterThanOrEqual(400);
          expectCoded(res);
        },
      ),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });
});

describe('hostile input: sanitizeText', () => {
  it('is idempotent, leaves no control, zero-width or bidi characters, and is NFC', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (raw) => {
        count('sanitize');
        const once = sanitizeText(raw);
        expect(sanitizeText(once)).toBe(once);
        expect(once).toBe(once.normalize('NFC'));
        expect(once).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/u);
        expect(wellFormed(once)).toBe(once);
        expect(once).toBe(once.trim());
      }),
      { numRuns: RUNS * 5 },
    );
  });
});

describe('hostile input: staff APIs', () => {
  const get = (url: string, token?: string) =>
    kefu.app.inject({ method: 'GET', url, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

  it('refuse missing and wrong tokens with a coded 401, whatever the guess', async () => {
    expect((await get('/api/admin/tickets')).statusCode).toBe(401);
    expect((await get('/api/agent/queue')).statusCode).toBe(401);
    expect((await get('/api/admin/tickets', 'admin-token-for-fuz')).statusCode).toBe(401);
    expect((await get('/api/agent/queue', 'alice-toke')).statusCode).toBe(401);
    expect((await get('/api/admin/tickets', 'alice-token')).statusCode).toBe(401); // an agent is not an admin
    expect((await get('/api/agent/queue', 'admin-token-for-fuzz')).statusCode).toBe(401);
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x21-\x7E]/g, '')),
        async (guess) => {
          count('tokens');
          fc.pre(!['admin-token-for-fuzz', 'alice-token', 'bob-token'].includes(guess));
          for (const url of ['/api/admin/tickets', '/api/agent/queue', '/api/admin/stats']) {
            const res = await get(url, guess);
            expect(res.statusCode).toBe(401);
            expect(res.json<{ error: { code: string } }>().error.code).toBe('KEFU_UNAUTHORIZED');
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect((await get('/api/admin/tickets', 'admin-token-for-fuzz')).statusCode).toBe(200);
    expect((await get('/api/agent/queue', 'alice-token')).statusCode).toBe(200);
  });

  it('an agent reads only conversations they hold or see queued', async () => {
    const userId = uniqueUser('private');
    const id = encodeURIComponent(`web:${userId}`);
    await kefu.app.inject({
      method: 'POST',
      url: '/api/web/messages',
      payload: { userId, text: '我的身份证号是110105194912310025' },
    });
    // Not queued, not held: nobody may read it.
    const before = await get(`/api/agent/conversations/${id}`, 'alice-token');
    expect(before.statusCode).toBeGreaterThanOrEqual(403);
    expect(before.statusCode).toBeLessThan(405);
    expect(before.body).not.toContain('110105194912310025');

    await kefu.app.inject({ method: 'POST', url: '/api/web/messages', payload: { userId, text: '转人工' } });
    const queued = await get(`/api/agent/conversations/${id}`, 'alice-token');
    expect(queued.statusCode).toBe(200);
    expect(queued.body).not.toContain('110105194912310025'); // masked in the agent view

    const claim = await kefu.app.inject({
      method: 'POST',
      url: `/api/agent/conversations/${id}/claim`,
      headers: { authorization: 'Bearer bob-token' },
    });
    expect(claim.statusCode).toBe(200);
    // Held by bob: alice can neither read nor write it.
    expect((await get(`/api/agent/conversations/${id}`, 'alice-token')).statusCode).toBe(403);
    const write = await kefu.app.inject({
      method: 'POST',
      url: `/api/agent/conversations/${id}/messages`,
      headers: { authorization: 'Bearer alice-token' },
      payload: { text: 'hello' },
    });
    expect(write.statusCode).toBe(403);
    expect((await get(`/api/agent/conversations/${id}`, 'bob-token')).statusCode).toBe(200);
  });
});

describe('hostile input: validators and parsers', () => {
  const inputs = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.stringMatching(/^[0-9Xx\- ]{0,24}$/),
    fc.stringMatching(/^[0-9A-HJ-NP-RTUWXY]{16,20}$/),
    fc.stringMatching(/^(\+?86)?1[3-9][0-9 -]{9,12}$/),
  );

  it('never throw on any string, and masked personal data is no longer recognised as such', () => {
    fc.assert(
      fc.property(inputs, (raw) => {
        count('validators');
        const id = checkResidentId(raw);
        expect(typeof isValidResidentId(raw)).toBe('boolean');
        if (isValidResidentId(raw)) expect(maskResidentId(raw)).not.toContain(raw.slice(6, 14));
        expect(id).toBeDefined();
        expect(checkCreditCode(raw)).toBeDefined();
        if (isValidCreditCode(raw)) expect(isValidCreditCode(maskCreditCode(raw))).toBe(false);
        expect(checkMobile(raw)).toBeDefined();
        const mobile = normalizeMobile(raw);
        if (mobile) expect(maskMobile(mobile)).not.toBe(mobile);
        expect(parseAddress(raw)).toBeDefined();
        expect(checkAddress(raw)).toBeDefined();
        const masked = maskPersonalData(raw);
        for (const e of extractEntities(masked)) expect(['id_number', 'phone', 'credit_code']).not.toContain(e.type);
        normalizeTicket(raw);
        languageRequestOf(raw);
        confidentLocaleOf(raw);
        localeFromTag(raw);
        const pieces = splitText(raw, 7);
        expect(pieces.join('').replace(/\s/g, '')).toBe(raw.replace(/\s/g, ''));
      }),
      { numRuns: RUNS * 10 },
    );
  });
});
