import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCALES, type OutboundMessage, type ReplyRef } from '../../src/core/message.js';
import type { TranscriptLine } from '../../src/core/ports.js';
import { maskPersonalData } from '../../src/domain/pii-mask.js';
import type { Kefu } from '../../src/main.js';
import { Catalog, readCatalogs } from '../../src/runtime/catalog.js';
import { keys } from '../../src/store/redis-keys.js';
import {
  agentLineJson,
  botLineJson,
  datedBatch,
  fillAt,
  isSentLine,
  readLine,
  readReply,
  readSent,
  replyJson,
} from '../../src/store/reply-json.js';
import { APPLICATION_SCENARIOS } from '../../bench/scenarios.js';
import { MENU_BUTTONS, sayMenu } from '../../dialogs/replies.js';
import { fixedButtonsOf, noteFixedButtons } from '../../src/core/reply-recipe.js';
import { keysOf } from '../support/catalog-keys.js';
import { testKefu, uniqueUser } from '../support/kefu.js';

let catalog: Catalog;
let catalogKeys: string[];
beforeAll(async () => {
  catalog = await Catalog.load();
  catalogKeys = keysOf(readCatalogs()['zh-CN']);
});
const render = (reply: ReplyRef, locale: (typeof LOCALES)[number]) => catalog.render(reply, locale);
const text = (ref: ReplyRef['message'], locale: (typeof LOCALES)[number]) => catalog.text(ref, locale);

const params = fc.dictionary(
  fc.constantFrom('name', 'number', 'address', 'phone', 'idNumber', 'position', 'area', 'agent', 'text'),
  fc.oneof(
    fc.string(),
    fc.integer(),
    fc.constantFrom('11010519491231002X', '13812345678', '北京市朝阳区建国路88号', 'a "quoted" \\ line\n'),
  ),
);
const replyRef = () =>
  fc.record(
    {
      message: fc.record({ key: fc.constantFrom(...catalogKeys), params }, { requiredKeys: ['key'] }),
      quickReplies: fc.array(
        fc.record({
          label: fc.record({ key: fc.constantFrom(...catalogKeys), params }, { requiredKeys: ['key'] }),
          value: fc.string(),
        }),
        { maxLength: 6 },
      ),
    },
    { requiredKeys: ['message'] },
  ) as fc.Arbitrary<ReplyRef>;

describe('replies kept as recipes', () => {
  it('a reply the catalog made reads back as the same message, buttons and locale included (property)', () => {
    fc.assert(
      fc.property(replyRef(), fc.constantFrom(...LOCALES), (ref, locale) => {
        const sent = render(ref, locale);
        const stored = replyJson(sent, true);
        expect(JSON.parse(stored)).not.toHaveProperty('text');
        expect(readReply(JSON.parse(stored) as OutboundMessage, render)).toEqual(sent);
      }),
    );
  });

  it("a bot line kept as a recipe reads back as the reply's words, masked, and holds no whole ID or phone number (property)", () => {
    fc.assert(
      fc.property(replyRef(), fc.constantFrom(...LOCALES), fc.nat(), (ref, locale, at) => {
        const sent = render(ref, locale);
        const stored = botLineJson(sent, at, true);
        expect(stored).not.toMatch(/11010519491231002X|13812345678/);
        const line = readLine(JSON.parse(stored) as TranscriptLine, text);
        expect(line).toEqual({ from: 'bot', text: maskPersonalData(sent.text), at });
      }),
    );
  });

  it('a message that is not exactly what the catalog returned (a copy, one built by hand) is kept as its text', () => {
    const sent = render({ message: { key: 'root.welcome' } }, 'zh-CN');
    for (const other of [{ ...sent }, { key: 'root.welcome', text: '改过的话 13812345678' }]) {
      expect(JSON.parse(replyJson(other, true))).toEqual(other);
      expect(JSON.parse(botLineJson(other, 5, true))).toEqual({
        from: 'bot',
        text: maskPersonalData(other.text),
        at: 5,
      });
    }
    // Without recipes (a store given no renderer), everything is kept as text.
    expect(JSON.parse(replyJson(sent, false))).toEqual(sent);
  });

  it("a turn's lines are written with one time and every line reads back with its own, all lines or the sent ones alone (property)", () => {
    const kinds = ['u', 'k', 'w', 'a', 'from'] as const;
    const line = (kind: (typeof kinds)[number], at: number) =>
      JSON.stringify(
        kind === 'u'
          ? { u: '问', at }
          : kind === 'k'
            ? { k: 'root.welcome', at }
            : kind === 'w'
              ? { w: { key: 'x', text: '答' }, at }
              : kind === 'a'
                ? { a: 'alice', t: '好', at }
                : { from: 'bot', text: '旧', at },
      );
    const batch = fc.array(fc.record({ kind: fc.constantFrom(...kinds), at: fc.integer({ min: 0, max: 3 }) }), {
      minLength: 1,
      maxLength: 6,
    });
    fc.assert(
      fc.property(fc.array(batch, { maxLength: 5 }), (batches) => {
        const stored = batches.flatMap((b) => datedBatch(b.map(({ kind, at }) => ({ json: line(kind, at), at }))));
        const times = batches.flatMap((b) => b.map((l) => l.at));
        expect(fillAt(stored.map((j) => JSON.parse(j) as { at: number })).map((l) => l.at)).toEqual(times);
        const sent = stored.flatMap((j, i) => (isSentLine(j) ? [{ j, at: times[i] }] : []));
        expect(fillAt(sent.map(({ j }) => JSON.parse(j) as { at: number })).map((l) => l.at)).toEqual(
          sent.map((l) => l.at),
        );
      }),
    );
    // A turn: the user's line and the replies but the last go without a time.
    const turn = datedBatch(['u', 'k', 'k'].map((kind) => ({ json: line(kind as 'u' | 'k', 7), at: 7 })));
    expect(turn.map((j) => 'at' in (JSON.parse(j) as object))).toEqual([false, false, true]);
  });

  it('a reply with the fixed buttons the dialogs say its key with names them, and reads back with them', () => {
    const menu = render(sayMenu().params, 'zh-CN');
    expect(JSON.parse(replyJson(menu, true))).toEqual({ k: 'menu.prompt', q: 1 });
    expect(readReply(JSON.parse(replyJson(menu, true)) as OutboundMessage, render)).toEqual(menu);
    // The same buttons in another array, or other buttons, are listed.
    const copy = render({ message: { key: 'menu.prompt' }, quickReplies: [...MENU_BUTTONS] }, 'en');
    expect(JSON.parse(replyJson(copy, true))).toMatchObject({ q: MENU_BUTTONS.map((b) => [b.label.key, b.value]) });
    expect(readReply(JSON.parse(replyJson(copy, true)) as OutboundMessage, render)).toEqual(copy);
  });

  it('a key said with two different sets of buttons has no fixed set', () => {
    const a = [{ label: { key: 'menu.agent' }, value: 'intent:agent' }];
    noteFixedButtons('test.twoSets', a);
    noteFixedButtons('test.twoSets', [{ label: { key: 'menu.agent' }, value: 'intent:agent' }]);
    expect(fixedButtonsOf('test.twoSets')).toBe(a);
    noteFixedButtons('test.twoSets', [{ label: { key: 'menu.hours' }, value: 'intent:hours' }]);
    expect(fixedButtonsOf('test.twoSets')).toBeUndefined();
    expect(readReply({ k: 'test.twoSets', q: 1, at: 1 } as unknown as OutboundMessage, render)).not.toHaveProperty(
      'quickReplies',
    );
  });

  it('entries stored as text before recipes read as they were', () => {
    const old = { key: 'a', text: '旧的', quickReplies: [{ label: '是', value: 'yes' }], at: 3 };
    expect(readReply({ ...old }, render)).toEqual(old);
    const line: TranscriptLine = { from: 'agent', agent: 'alice', text: '您好', at: 4 };
    expect(readLine({ ...line }, text)).toEqual(line);
  });

  it('a recipe read with no renderer shows its key rather than nothing', () => {
    expect(readReply({ k: 'root.welcome', at: 1 } as unknown as OutboundMessage, undefined)).toMatchObject({
      text: '[root.welcome]',
    });
    expect(readLine({ from: 'bot', k: 'root.welcome', at: 1 } as unknown as TranscriptLine, undefined).text).toBe(
      '[root.welcome]',
    );
  });
});

describe('a web conversation in Redis keeps one history of recipes and shows the words', () => {
  let kefu: Kefu;
  beforeAll(async () => {
    kefu = await testKefu({ REDIS_URL: inject('redisUrl'), AGENT_TOKENS: 'alice:tok-alice' });
  });
  afterAll(async () => kefu?.close());

  type Reply = { text: string; quickReplies?: string[]; buttons?: { label: string; value: string }[] };
  const post = async (userId: string, text: string, messageId: string) => {
    const res = await kefu.app.inject({
      method: 'POST',
      url: '/api/web/messages',
      payload: { userId, text, messageId },
    });
    expect(res.statusCode).toBe(200);
    return { replies: (res.json() as { replies: Reply[] }).replies, duplicate: res.headers['x-kefu-duplicate'] };
  };

  it('its transcript and latest answer hold no bot text, and the page, a redelivery and agents read what the user was sent', async () => {
    const userId = uniqueUser('recipe');
    const conv = `web:${userId}`;
    // The bench's application, up to the ticket.
    const lines = APPLICATION_SCENARIOS[0]!.steps.slice(0, 8).map((step) => step.text);
    const answered: Reply[] = [];
    for (const [i, line] of lines.entries()) answered.push(...(await post(userId, line, `m${i}`)).replies);
    expect(answered.map((r) => r.text).join('\n')).toMatch(/工单号：YD\d{12}/);

    // One list: the user's lines, masked, and the replies as their recipes; no outbox beside it.
    const redis = kefu.redis!;
    expect(await redis.exists(keys.outbox(conv))).toBe(0);
    const stored = (await redis.lrange(keys.transcript(conv), 0, -1)).map(
      (e) => JSON.parse(e) as Record<string, unknown>,
    );
    expect(stored.filter((l) => 'u' in l)).toHaveLength(lines.length);
    const bot = stored.filter((l) => 'k' in l);
    expect(bot).toHaveLength(answered.length);
    for (const entry of bot) expect(Object.keys(entry)).not.toContain('text');
    expect(JSON.stringify(stored.filter((l) => 'u' in l))).not.toMatch(/11010519491231002X|13812345678/);
    expect(await redis.get(keys.lane(conv))).not.toContain('"text"');

    // The web history is what the POSTs answered, buttons and all.
    const history = (await kefu.app.inject({ method: 'GET', url: `/api/web/messages?userId=${userId}` })).json() as {
      messages: (Reply & { at: string })[];
    };
    expect(history.messages.map(({ at: _at, ...m }) => m)).toEqual(answered);

    // A redelivered last message is answered as the first time.
    const again = await post(userId, lines.at(-1)!, `m${lines.length - 1}`);
    expect(again.duplicate).toBe('1');
    expect(again.replies.length).toBeGreaterThan(0);
    expect(again.replies).toEqual(answered.slice(-again.replies.length));

    // Agents read the bot's words, masked.
    await post(userId, '转人工', 'm-agent');
    const claim = await kefu.app.inject({
      method: 'POST',
      url: `/api/agent/conversations/${encodeURIComponent(conv)}/claim`,
      headers: { authorization: 'Bearer tok-alice' },
    });
    expect(claim.statusCode).toBe(200);
    const view = (
      await kefu.app.inject({
        method: 'GET',
        url: `/api/agent/conversations/${encodeURIComponent(conv)}`,
        headers: { authorization: 'Bearer tok-alice' },
      })
    ).json() as { transcript: { from: string; text: string }[] };
    const botSaid = view.transcript.filter((l) => l.from === 'bot').map((l) => l.text);
    expect(view.transcript.filter((l) => l.from === 'user')[0]).toEqual(expect.objectContaining({ text: '你好' }));
    expect(botSaid.slice(0, answered.length)).toEqual(answered.map((r) => maskPersonalData(r.text)));
    expect(botSaid.join('\n')).toContain('110105********002X');
    expect(JSON.stringify(view)).not.toMatch(/11010519491231002X|13812345678/);

    // An agent's words: the user re-reads them as sent, once; agents read them masked.
    const said = await kefu.app.inject({
      method: 'POST',
      url: `/api/agent/conversations/${encodeURIComponent(conv)}/messages`,
      headers: { authorization: 'Bearer tok-alice' },
      payload: { text: '请拨打 13812345678 找我' },
    });
    expect(said.statusCode).toBe(200);
    const after = (await kefu.app.inject({ method: 'GET', url: `/api/web/messages?userId=${userId}` })).json() as {
      messages: Reply[];
    };
    expect(after.messages.filter((m) => m.text.includes('找我')).map((m) => m.text)).toEqual([
      '【客服alice】请拨打 13812345678 找我',
    ]);
    const agentView = (
      await kefu.app.inject({
        method: 'GET',
        url: `/api/agent/conversations/${encodeURIComponent(conv)}`,
        headers: { authorization: 'Bearer tok-alice' },
      })
    ).json() as { transcript: { from: string; agent?: string; text: string }[] };
    expect(agentView.transcript.at(-1)).toMatchObject({
      from: 'agent',
      agent: 'alice',
      text: '请拨打 138****5678 找我',
    });

    // Released, the bot asks for a score in a turn of its own: the page reads it once, buttons and all.
    const released = await kefu.app.inject({
      method: 'POST',
      url: `/api/agent/conversations/${encodeURIComponent(conv)}/release`,
      headers: { authorization: 'Bearer tok-alice' },
    });
    expect(released.statusCode).toBe(200);
    const page = (await kefu.app.inject({ method: 'GET', url: `/api/web/messages?userId=${userId}` })).json() as {
      messages: Reply[];
    };
    const survey = page.messages.filter((m) => m.buttons?.some((b) => b.label === '5 非常满意'));
    expect(survey).toHaveLength(1);
    expect(survey[0]!.quickReplies).toEqual(['5 非常满意', '4 满意', '3 一般', '2 不满意', '1 很不满意']);
    const newer = (
      await kefu.app.inject({
        method: 'GET',
        url: `/api/web/messages?userId=${userId}&after=${page.messages.length - 1}`,
      })
    ).json() as { messages: Reply[] };
    expect(newer.messages).toEqual(page.messages.slice(-1));
  });

  it('an agent line in another locale is re-read in it', () => {
    const line = JSON.parse(agentLineJson('alice', 'hello 13812345678', 9, 'en')) as Parameters<typeof readSent>[0];
    expect(readSent(line, render)).toMatchObject({ text: '[Agent alice] hello 13812345678', at: 9 });
    expect(readLine(line, text)).toEqual({ from: 'agent', agent: 'alice', text: 'hello 138****5678', at: 9 });
    expect(
      readSent(JSON.parse(agentLineJson('bo', 'hi', 1, 'zh-CN')) as Parameters<typeof readSent>[0], render)?.text,
    ).toBe('【客服bo】hi');
  });
});
