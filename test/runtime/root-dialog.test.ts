import { afterEach, describe, expect, it } from 'vitest';
import type { Kefu } from '../../src/main.js';
import type { InboundMessage, Locale } from '../../src/core/message.js';
import { testKefu, uniqueUser } from '../support/kefu.js';

let kefu: Kefu | undefined;
afterEach(async () => {
  await kefu?.close();
  kefu = undefined;
});

let n = 0;
function message(userId: string, text: string, extra: Partial<InboundMessage> = {}): InboundMessage {
  return {
    channel: 'web',
    userId,
    conversationId: `web:${userId}`,
    messageId: `m${++n}`,
    text,
    receivedAt: Date.now(),
    ...extra,
  };
}

/** One row of a transcript: the user says `say`, the bot answers with these message keys in order. */
interface Row {
  say: string;
  keys: string[];
  locale?: Locale;
}

const transcripts: { name: string; rows: Row[] }[] = [
  {
    name: 'greeting shows the welcome and the main menu',
    rows: [{ say: '你好', keys: ['root.welcome', 'menu.prompt'] }],
  },
  {
    name: 'help, then materials and hours from the menu',
    rows: [
      { say: '帮助', keys: ['root.help', 'menu.prompt'] },
      { say: '需要准备什么材料', keys: ['info.materials', 'menu.prompt'] },
      { say: '营业厅几点开门', keys: ['hours.askCity'] },
      { say: '深圳', keys: ['hours.online', 'hours.halls', 'menu.prompt'] },
    ],
  },
  {
    name: 'a numbered choice picks the menu option (SMS-style "5" = materials)',
    rows: [
      { say: '你好', keys: ['root.welcome', 'menu.prompt'] },
      { say: '5', keys: ['info.materials', 'menu.prompt'] },
    ],
  },
  {
    name: 'two misunderstandings in a row offer a human',
    rows: [
      { say: '今天天气怎么样', keys: ['root.notUnderstood', 'menu.prompt'] },
      { say: '给我讲个笑话', keys: ['root.offerAgent'] },
    ],
  },
  {
    name: 'English on request and back to Chinese',
    rows: [
      { say: 'English please', keys: ['root.languageChanged', 'menu.prompt'], locale: 'en' },
      { say: 'hello', keys: ['root.welcome', 'menu.prompt'], locale: 'en' },
      { say: '说中文', keys: ['root.languageChanged', 'menu.prompt'], locale: 'zh-CN' },
    ],
  },
  {
    name: 'cancel from anywhere returns to the menu; goodbye',
    rows: [
      { say: '取消', keys: ['root.cancelled', 'menu.prompt'] },
      { say: '谢谢，再见', keys: ['root.goodbye'] },
    ],
  },
  {
    name: 'asking for a human at any point',
    // No agent has the console open in this test: the user is queued and told so.
    rows: [{ say: '转人工', keys: ['handoff.queuedNoAgent'] }],
  },
];

describe('root conversation transcripts (zh-CN and en)', () => {
  for (const t of transcripts) {
    it(t.name, async () => {
      kefu = await testKefu();
      const user = uniqueUser();
      for (const row of t.rows) {
        const result = await kefu.runtime.handle(message(user, row.say));
        expect(
          result.replies.map((r) => r.key),
          `after "${row.say}"`,
        ).toEqual(row.keys);
        if (row.locale) {
          const session = await kefu.sessions.load(`web:${user}`);
          expect(session?.locale).toBe(row.locale);
        }
      }
    });
  }

  it('answers a user who writes traditional Chinese in traditional Chinese', async () => {
    kefu = await testKefu();
    const result = await kefu.runtime.handle(message(uniqueUser(), '請問需要帶哪些證件'));
    expect(result.replies[0]?.key).toBe('info.materials');
    expect(result.replies[0]?.text).toContain('營業執照');
  });

  it('uses the channel locale for a new conversation', async () => {
    kefu = await testKefu();
    const result = await kefu.runtime.handle(message(uniqueUser(), 'hi', { locale: 'en' }));
    expect(result.replies[0]?.text).toMatch(/welcome/i);
  });
});

describe('runtime guarantees', () => {
  it('processes the same message id once and answers the redelivery with the same replies', async () => {
    kefu = await testKefu();
    const user = uniqueUser();
    const m = message(user, '你好');
    const first = await kefu.runtime.handle(m);
    const second = await kefu.runtime.handle({ ...m });
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.replies).toEqual(first.replies);
    expect((await kefu.sessions.load(`web:${user}`))?.turns).toBe(1);
  });

  it('refuses an empty or oversize message politely without touching the session', async () => {
    kefu = await testKefu({ MAX_TEXT_LENGTH: '10' });
    const user = uniqueUser();
    expect((await kefu.runtime.handle(message(user, '   '))).replies[0]?.key).toBe('errors.empty');
    const long = await kefu.runtime.handle(message(user, '很'.repeat(11)));
    expect(long.replies[0]?.key).toBe('errors.tooLong');
    expect(long.replies[0]?.text).toContain('10');
    expect(await kefu.sessions.load(`web:${user}`)).toBeUndefined();
  });

  it('restarts politely when the stored snapshot is from another machine version', async () => {
    kefu = await testKefu();
    const user = uniqueUser();
    await kefu.runtime.handle(message(user, '你好'));
    const conv = `web:${user}`;
    const stored = await kefu.sessions.load(conv);
    // Simulate a deploy: the session was written by version 0 with states that no longer exist.
    const start = await kefu.sessions.beginTurn(conv, 'rewrite');
    if (start.kind !== 'ready') throw new Error('expected ready');
    await kefu.sessions.commitTurn(
      start.turn,
      { ...stored!, machineVersion: 0, snapshot: { value: 'gone' } },
      [],
      60_000,
    );
    const result = await kefu.runtime.handle(message(user, '帮助'));
    expect(result.replies.map((r) => r.key)).toEqual(['root.restarted', 'root.help', 'menu.prompt']);
  });

  it('restarts politely when a same-version snapshot no longer resolves', async () => {
    kefu = await testKefu();
    const user = uniqueUser();
    await kefu.runtime.handle(message(user, '你好'));
    const conv = `web:${user}`;
    const stored = await kefu.sessions.load(conv);
    const start = await kefu.sessions.beginTurn(conv, 'corrupt');
    if (start.kind !== 'ready') throw new Error('expected ready');
    await kefu.sessions.commitTurn(
      start.turn,
      { ...stored!, snapshot: { value: 'noSuchState', status: 'active', context: {} } },
      [],
      60_000,
    );
    const result = await kefu.runtime.handle(message(user, '你好'));
    expect(result.replies.map((r) => r.key)).toEqual(['root.restarted', 'root.welcome', 'menu.prompt']);
  });

  it('treats a typed button label as pressing it, never as a new intent ("Personal" is not "person")', async () => {
    kefu = await testKefu();
    const user = uniqueUser();
    await kefu.runtime.handle(message(user, 'apply for cross-region service', { locale: 'en' }));
    const result = await kefu.runtime.handle(message(user, 'personal', { locale: 'en' }));
    expect(result.replies.map((r) => r.key)).not.toContain('handoff.queuedNoAgent');
    expect(result.replies.at(-1)?.key).toBe('application.ask.name');
  });

  it('takes a numbered answer (SMS, WeChat menus) as the button of that number, consent included', async () => {
    kefu = await testKefu();
    const user = uniqueUser();
    const say = async (text: string) => (await kefu!.runtime.handle(message(user, text))).replies.map((r) => r.key);
    await say('你好');
    expect(await say('1')).toContain('application.chooseType');
    expect(await say('1')).toContain('application.ask.name');
    await say('张三，身份证11010519491231002X，手机13812345678，地址广东省深圳市南山区科技园1号');
    expect(await say('1')).toContain('application.created');
    const [ticket] = await kefu.tickets.listByUser('web', user);
    expect(ticket?.application?.userType).toBe('personal');
  });

  it('takes a postback value as pressing that button, never as a new intent', async () => {
    kefu = await testKefu();
    const user = uniqueUser();
    await kefu.runtime.handle(message(user, '我要申请异地服务'));
    const session = await kefu.sessions.load(`web:${user}`);
    const personal = session?.choices?.[0];
    expect(personal).toBeDefined();
    const result = await kefu.runtime.handle(message(user, '个人用户', { postback: personal! }));
    expect(result.replies.at(-1)?.key).toBe('application.ask.name');
  });
});
