import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smsSegments } from '../../adapters/sms/segments.js';
import { twilioSignature } from '../../adapters/sms/twilio-signature.js';
import type { Kefu } from '../../src/main.js';
import { FakePlatform, freshId, kefuWith } from './fake-platform.js';

const TOKEN = 'sms-auth-token';
const PUBLIC_URL = 'https://kefu.example.com';
const SID = 'AC0123456789';

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
const messagesOf = (twiml: string) =>
  [...twiml.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((m) => unescape(m[1]!));

const ID_NUMBER = '11010519491231002X';
/** A personal application complete in one message (the application flow's own tests use it too). */
const APPLICATION = `我要申请异地服务，个人，姓名张三，身份证${ID_NUMBER}，手机13812345678，地址北京市朝阳区建国路88号`;

describe('SMS adapter (Twilio wire format) against a fake Messages API', () => {
  const twilio = new FakePlatform();
  let kefu: Kefu;

  const phone = () => `+86138${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const inbound = async (from: string, body: string, sid = freshId('SM'), signatureOverride?: string) => {
    const params = { AccountSid: SID, From: from, To: '+10000000000', Body: body, MessageSid: sid, NumMedia: '0' };
    const signature = signatureOverride ?? twilioSignature(TOKEN, `${PUBLIC_URL}/api/sms/inbound`, params);
    const res = await kefu.app.inject({
      method: 'POST',
      url: '/api/sms/inbound',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      payload: new URLSearchParams(params).toString(),
    });
    return {
      status: res.statusCode,
      type: String(res.headers['content-type']),
      messages: messagesOf(res.body),
      body: res.body,
    };
  };
  const sentTo = (to: string) =>
    twilio.at(`/2010-04-01/Accounts/${SID}/Messages.json`).filter((r) => new URLSearchParams(r.body).get('To') === to);

  beforeAll(async () => {
    await twilio.start();
    twilio.respond = (r) => {
      const to = new URLSearchParams(r.body).get('To') ?? '';
      if (to.endsWith('0000'))
        return { status: 400, json: { code: 21610, message: 'Attempt to send to unsubscribed recipient' } };
      return { status: 201, json: { sid: freshId('SM'), status: 'queued' } };
    };
    kefu = await kefuWith({
      SMS_AUTH_TOKEN: TOKEN,
      SMS_ACCOUNT_SID: SID,
      SMS_FROM: '+10000000000',
      SMS_API_BASE_URL: twilio.url,
      PUBLIC_URL,
    });
  });
  afterAll(async () => {
    await kefu.close();
    await twilio.stop();
  });

  it('greets with a numbered menu, and a bare number picks that option', async () => {
    const from = phone();
    const greeting = await inbound(from, '你好');
    expect(greeting.status).toBe(200);
    expect(greeting.type).toContain('text/xml');
    const all = greeting.messages.join('\n');
    expect(all).toContain('欢迎');
    expect(all).toContain('回复 1 申请异地服务');
    const line = all.split('\n').find((l) => l.includes('所需材料'))!;
    const n = /回复 (\d+)/.exec(line)![1]!;

    const answer = await inbound(from, n);
    expect(answer.messages.join('')).toContain('申请异地服务所需材料');
  });

  it('takes a conversation from greeting to a YD ticket, consent given from the numbered menu', async () => {
    const from = phone();
    expect((await inbound(from, '你好')).messages.join('\n')).toContain('欢迎');

    const summary = (await inbound(from, APPLICATION)).messages.join('\n');
    expect(summary).toContain('异地服务协议');
    expect(summary).not.toContain(ID_NUMBER);
    // The consent buttons as a numbered menu; the user answers with the bare number, as SMS users do.
    const agree = /^回复 1 (.+)$/m.exec(summary)![1]!;
    expect(agree).toBe('同意并提交');

    const created = (await inbound(from, '1')).messages.join('');
    const number = /YD\d{12}/.exec(created)![0];
    const ticket = await kefu.tickets.get(number);
    expect(ticket).toMatchObject({ number, channel: 'sms', userId: from });
    expect(ticket?.application).toMatchObject({ name: '张三', idNumber: ID_NUMBER, phone: '13812345678' });
    expect((await kefu.tickets.listByUser('sms', from)).map((t) => t.number)).toEqual([number]);
  });

  it('splits long replies into single-SMS pieces (70 UCS-2 units, 160 GSM-7)', async () => {
    const greeting = await inbound(phone(), '你好');
    expect(greeting.messages.length).toBeGreaterThan(1);
    for (const m of greeting.messages) expect(m.length).toBeLessThanOrEqual(70);
    const english = smsSegments('word '.repeat(100));
    expect(english.every((s) => s.length <= 160)).toBe(true);
    expect(english.join(' ').split(/\s+/).filter(Boolean)).toHaveLength(100);
    const menu = smsSegments(
      `请问有什么可以帮您？\n${Array.from({ length: 6 }, (_, i) => `回复 ${i + 1} 申请异地服务`).join('\n')}`,
    );
    expect(menu.flatMap((s) => s.split('\n')).filter((l) => l.startsWith('回复'))).toHaveLength(6);
  });

  it('refuses a forged signature and processes nothing', async () => {
    const from = phone();
    const forged = await inbound(
      from,
      '你好',
      freshId('SM'),
      twilioSignature('not-the-token', `${PUBLIC_URL}/api/sms/inbound`, { From: from }),
    );
    expect(forged.status).toBe(401);
    const missing = await kefu.app.inject({
      method: 'POST',
      url: '/api/sms/inbound',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ From: from, Body: '你好' }).toString(),
    });
    expect(missing.statusCode).toBe(401);
    expect(await kefu.sessions.load(`sms:${from}`)).toBeUndefined();
  });

  it('answers a redelivered MessageSid once', async () => {
    const from = phone();
    const sid = freshId('SM');
    expect((await inbound(from, '营业时间', sid)).messages.length).toBeGreaterThan(0);
    const again = await inbound(from, '营业时间', sid);
    expect(again.status).toBe(200);
    expect(again.messages).toEqual([]);
  });

  it('pushes proactive messages through the REST API, and not after 退订 until 订阅', async () => {
    const from = phone();
    await inbound(from, '你好');
    const target = { conversationId: `sms:${from}`, channel: 'sms' as const, userId: from };
    await kefu.runtime.dispatch(target, { type: 'session.restarted', at: Date.now() }, freshId('ev'));
    const pushed = sentTo(from);
    expect(pushed.length).toBeGreaterThan(0);
    expect(pushed[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect(new URLSearchParams(pushed[0]!.body).get('From')).toBe('+10000000000');
    expect(pushed.map((p) => new URLSearchParams(p.body).get('Body')).join('')).toContain('升级');

    const stop = await inbound(from, '退订');
    expect(stop.messages.join('')).toContain('退订');
    await kefu.runtime.dispatch(target, { type: 'session.restarted', at: Date.now() }, freshId('ev'));
    expect(sentTo(from)).toHaveLength(pushed.length);
    expect((await inbound(from, '你好')).messages).toEqual([]);

    const start = await inbound(from, 'START');
    expect(start.messages.join('')).toContain('订阅');
    await kefu.runtime.dispatch(target, { type: 'session.restarted', at: Date.now() }, freshId('ev'));
    expect(sentTo(from).length).toBeGreaterThan(pushed.length);
  });

  it('remembers an opt-out the carrier reports (error 21610)', async () => {
    const from = '+8613800000000';
    await inbound(from, '你好');
    const target = { conversationId: `sms:${from}`, channel: 'sms' as const, userId: from };
    await kefu.runtime.dispatch(target, { type: 'session.restarted', at: Date.now() }, freshId('ev'));
    const attempts = sentTo(from).length;
    expect(attempts).toBe(1);
    await kefu.runtime.dispatch(target, { type: 'session.restarted', at: Date.now() }, freshId('ev'));
    expect(sentTo(from)).toHaveLength(attempts);
  });
});
