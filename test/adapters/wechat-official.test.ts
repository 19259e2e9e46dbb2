import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { officialSignature } from '../../adapters/wechat-official/signature.js';
import type { Recognizer } from '../../src/core/nlu.js';
import type { Kefu } from '../../src/main.js';
import { createKeywordRecognizer } from '../../src/nlu/keyword.js';
import { FakePlatform, eventually, freshId, kefuWith } from './fake-platform.js';

const TOKEN = 'wechat-token';
const signedQuery = (token = TOKEN) => {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = freshId('n');
  return `signature=${officialSignature(token, timestamp, nonce)}&timestamp=${timestamp}&nonce=${nonce}`;
};
const xmlOf = (openId: string, content: string, msgId: string) =>
  `<xml><ToUserName><![CDATA[gh_kefu]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName>` +
  `<CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
  `<Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;
const parser = new XMLParser({ parseTagValue: false });
const ID_NUMBER = '11010519491231002X';
/** A personal application complete in one message (the application flow's own tests use it too). */
const APPLICATION = `我要申请异地服务，个人，姓名张三，身份证${ID_NUMBER}，手机13812345678，地址北京市朝阳区建国路88号`;
let msgSeq = 24_000_000_000_000_000n;
const nextMsgId = () => String(++msgSeq);

describe('WeChat Official Account adapter against a fake WeChat API', () => {
  const wechat = new FakePlatform();
  let kefu: Kefu;
  let slowKefu: Kefu;
  let tokens = 0;
  let rejectToken: string | undefined;
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => {};

  const post = (k: Kefu, openId: string, content: string, msgId = nextMsgId(), query = signedQuery()) =>
    k.app.inject({
      method: 'POST',
      url: `/api/wechat/official?${query}&openid=${openId}`,
      headers: { 'content-type': 'text/xml' },
      payload: xmlOf(openId, content, msgId),
    });
  const contentOf = (body: string) =>
    (parser.parse(body) as { xml: { Content: string; ToUserName: string; MsgType: string } }).xml;
  const sentTo = (openId: string) =>
    wechat.at('/cgi-bin/message/custom/send').filter((r) => (r.json as { touser: string }).touser === openId);

  beforeAll(async () => {
    await wechat.start();
    wechat.respond = (r) => {
      if (r.path === '/cgi-bin/token') {
        expect(r.query.get('appid')).toBe('wx-app');
        return { json: { access_token: `tok-${++tokens}`, expires_in: 7200 } };
      }
      const token = r.query.get('access_token');
      if (token === rejectToken) return { json: { errcode: 42001, errmsg: 'access_token expired' } };
      if (r.path === '/cgi-bin/user/info') {
        const openid = r.query.get('openid') ?? '';
        return { json: { subscribe: 1, openid, language: openid.startsWith('oEN') ? 'en' : 'zh_CN' } };
      }
      return { json: { errcode: 0, errmsg: 'ok' } };
    };
    const env = {
      WECHAT_TOKEN: TOKEN,
      WECHAT_APP_ID: 'wx-app',
      WECHAT_APP_SECRET: 'wx-secret',
      WECHAT_API_BASE_URL: wechat.url,
    };
    kefu = await kefuWith(env);
    const base = createKeywordRecognizer();
    const gated: Recognizer = {
      async understand(text, context) {
        await gate;
        return base.understand(text, context);
      },
    };
    slowKefu = await kefuWith({ ...env, WECHAT_PASSIVE_REPLY_MS: '30' }, { recognizer: gated });
  });
  afterAll(async () => {
    open();
    await kefu.close();
    await slowKefu.close();
    await wechat.stop();
  });

  it('echoes echostr on a valid signature only', async () => {
    const ok = await kefu.app.inject({ method: 'GET', url: `/api/wechat/official?${signedQuery()}&echostr=hello123` });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('hello123');
    const forged = await kefu.app.inject({
      method: 'GET',
      url: `/api/wechat/official?${signedQuery('wrong')}&echostr=hello123`,
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.body).not.toContain('hello123');
  });

  it('answers with passive XML: greeting with a numbered menu, then a number picks the option', async () => {
    const openId = freshId('o');
    const greeting = await post(kefu, openId, '你好');
    expect(greeting.statusCode).toBe(200);
    const xml = contentOf(greeting.body);
    expect(xml.ToUserName).toBe(openId);
    expect(xml.MsgType).toBe('text');
    expect(xml.Content).toContain('欢迎');
    const n = /回复 (\d+) 所需材料/.exec(xml.Content)![1]!;
    const answer = contentOf((await post(kefu, openId, n)).body);
    expect(answer.Content).toContain('申请异地服务所需材料');
  });

  it('takes a conversation from greeting to a YD ticket in passive XML replies', async () => {
    const openId = freshId('o');
    expect(contentOf((await post(kefu, openId, '你好')).body).Content).toContain('欢迎');

    const summary = contentOf((await post(kefu, openId, APPLICATION)).body);
    expect(summary.ToUserName).toBe(openId);
    expect(summary.Content).toContain('异地服务协议');
    expect(summary.Content).toContain('回复 1 同意并提交');
    expect(summary.Content).not.toContain(ID_NUMBER);

    const created = contentOf((await post(kefu, openId, '同意')).body).Content;
    const number = /YD\d{12}/.exec(created)![0];
    const ticket = await kefu.tickets.get(number);
    expect(ticket).toMatchObject({ number, channel: 'wechat-official', userId: openId });
    expect(ticket?.application).toMatchObject({ name: '张三', idNumber: ID_NUMBER, phone: '13812345678' });
    expect((await kefu.tickets.listByUser('wechat-official', openId)).map((t) => t.number)).toEqual([number]);
    // Everything was answered in time: nothing went through the customer-service API.
    expect(sentTo(openId)).toHaveLength(0);
  });

  it('follows the language WeChat reports for the user', async () => {
    const answer = contentOf((await post(kefu, freshId('oEN'), '你好')).body);
    expect(answer.Content).toMatch(/Welcome|Hello/i);
  });

  it('refuses a forged signature and processes nothing', async () => {
    const openId = freshId('o');
    const forged = await post(kefu, openId, '你好', nextMsgId(), signedQuery('not-the-token'));
    expect(forged.statusCode).toBe(401);
    const unsigned = await kefu.app.inject({
      method: 'POST',
      url: '/api/wechat/official',
      headers: { 'content-type': 'text/xml' },
      payload: xmlOf(openId, '你好', nextMsgId()),
    });
    expect(unsigned.statusCode).toBe(401);
    expect(await kefu.sessions.load(`wechat-official:${openId}`)).toBeUndefined();
  });

  it('answers a redelivered MsgId once', async () => {
    const openId = freshId('o');
    const msgId = nextMsgId();
    expect(contentOf((await post(kefu, openId, '你好', msgId)).body).Content).toContain('欢迎');
    const again = await post(kefu, openId, '你好', msgId);
    expect(again.body).toBe('success');
    expect(sentTo(openId)).toHaveLength(0);
  });

  it('says success before the deadline and delivers a slow answer once through the customer-service API', async () => {
    const openId = freshId('o');
    const msgId = nextMsgId();
    gate = new Promise((r) => (open = r));
    expect((await post(slowKefu, openId, '投诉', msgId)).body).toBe('success');
    // WeChat retries the same MsgId while the answer is still being worked out.
    expect((await post(slowKefu, openId, '投诉', msgId)).body).toBe('success');
    open();
    await eventually(() => sentTo(openId).length > 0);
    await slowKefu.runtime.drain();
    const sent = sentTo(openId);
    expect(sent).toHaveLength(1);
    // The same words answered in time by a fast instance: the late answer is that one, by the API.
    const inTime = contentOf((await post(kefu, freshId('o'), '投诉')).body).Content;
    expect((sent[0]!.json as { msgtype: string; text: { content: string } }).text.content).toBe(inTime);
  });

  it('pushes a proactive message through the customer-service API, refreshing a rejected token', async () => {
    const openId = freshId('o');
    await post(kefu, openId, '你好');
    await kefu.runtime.dispatch(
      { conversationId: `wechat-official:${openId}`, channel: 'wechat-official', userId: openId },
      { type: 'session.restarted', at: Date.now() },
      freshId('ev'),
    );
    const first = sentTo(openId);
    expect(first).toHaveLength(1);
    expect((first[0]!.json as { text: { content: string } }).text.content).toContain('升级');

    rejectToken = first[0]!.query.get('access_token')!;
    const before = tokens;
    await kefu.runtime.dispatch(
      { conversationId: `wechat-official:${openId}`, channel: 'wechat-official', userId: openId },
      { type: 'session.restarted', at: Date.now() },
      freshId('ev'),
    );
    expect(tokens).toBe(before + 1);
    const attempts = wechat
      .at('/cgi-bin/message/custom/send')
      .filter((r) => (r.json as { touser: string }).touser === openId);
    // First push, then the second one refused with the old token and retried with the new one.
    expect(attempts.map((r) => r.query.get('access_token'))).toEqual([rejectToken, rejectToken, `tok-${tokens}`]);
    expect((attempts[2]!.json as { text: { content: string } }).text.content).toContain('升级');
  });
});
