import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kefu } from '../../src/main.js';
import { eventually, freshId, kefuWith } from './fake-platform.js';

const ID_NUMBER = '11010519491231002X';
const APPLICATION_FIELDS = `张三，身份证${ID_NUMBER}，手机13812345678，地址北京市朝阳区建国路88号`;

// The "platform" here is wechaty-puppet-mock: the real wechaty on a simulated WeChat account.
describe('wechaty adapter with wechaty-puppet-mock', () => {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  let kefu: Kefu;
  let bot: mock.ContactMock;
  /** What the bot said, by conversation (contact or room id), in order. */
  const said: { to: string; text: string }[] = [];

  const newCustomer = () => mocker.createContact({ name: freshId('customer') });
  const saidTo = (id: string) => said.filter((s) => s.to === id).map((s) => s.text);

  beforeAll(async () => {
    kefu = await kefuWith({}, { wechatyPuppet: puppet });
    bot = mocker.createContact({ name: 'kefu-bot' });
    mocker.login(bot);
    puppet.on('message', ({ messageId }) => {
      const payload = mocker.messagePayload(messageId);
      if (payload.talkerId !== bot.id) return;
      const to =
        'roomId' in payload && payload.roomId ? payload.roomId : (payload as { listenerId: string }).listenerId;
      said.push({ to, text: payload.text ?? '' });
    });
  });
  afterAll(async () => {
    await kefu.close();
  });

  it('answers a contact: greeting with a numbered menu, then a number picks the option', async () => {
    const customer = newCustomer();
    customer.say('你好').to(bot);
    await eventually(() => saidTo(customer.id).length >= 2);
    await kefu.runtime.drain();
    const [welcome, menu] = saidTo(customer.id);
    expect(welcome).toContain('欢迎');
    const n = /回复 (\d+) 所需材料/.exec(menu!)![1]!;
    customer.say(n).to(bot);
    await eventually(() => saidTo(customer.id).some((t) => t.includes('申请异地服务所需材料')));
  });

  it('takes a contact from greeting to a YD ticket: application in two messages, then consent', async () => {
    const customer = newCustomer();
    const turn = async (text: string, done: (replies: string[]) => boolean) => {
      const seen = saidTo(customer.id).length;
      customer.say(text).to(bot);
      await eventually(() => done(saidTo(customer.id).slice(seen)));
      await kefu.runtime.drain();
      return saidTo(customer.id).slice(seen).join('\n');
    };
    expect(await turn('你好', (r) => r.length >= 2)).toContain('欢迎');
    expect(await turn('我要申请异地服务', (r) => r.some((t) => t.includes('回复 1 ')))).toContain('个人用户');
    const summary = await turn(`个人，${APPLICATION_FIELDS}`, (r) => r.some((t) => t.includes('同意并提交')));
    expect(summary).toContain('异地服务协议');
    expect(summary).not.toContain(ID_NUMBER);

    const created = await turn('同意', (r) => r.some((t) => /YD\d{12}/.test(t)));
    const number = /YD\d{12}/.exec(created)![0];
    const ticket = await kefu.tickets.get(number);
    expect(ticket).toMatchObject({ number, channel: 'wechaty', userId: customer.id });
    expect(ticket?.application).toMatchObject({ userType: 'personal', name: '张三', idNumber: ID_NUMBER });
    expect((await kefu.tickets.listByUser('wechaty', customer.id)).map((t) => t.number)).toEqual([number]);
  });

  it('ignores room messages unless the bot is mentioned, then answers in the room with a mention', async () => {
    const customer = newCustomer();
    const room = mocker.createRoom({ topic: freshId('group'), memberIdList: [bot.id, customer.id] });
    customer.say('你好').to(room);
    await kefu.runtime.drain();
    await new Promise((r) => setTimeout(r, 50));
    expect(saidTo(room.id)).toHaveLength(0);

    customer.say('@kefu-bot 你好', [bot]).to(room);
    await eventually(() => saidTo(room.id).length > 0);
    const reply = said.find((s) => s.to === room.id)!;
    expect(reply.text).toContain('欢迎');
    // wechaty puts the mention in the text (the mock puppet drops the separate mention list).
    expect(reply.text).toContain(`@${customer.payload.name}`);
  });

  it('answers a message delivered twice once', async () => {
    const customer = newCustomer();
    const before = said.length;
    let first = '';
    puppet.once('message', ({ messageId }) => {
      first = messageId;
    });
    customer.say('营业时间').to(bot);
    await eventually(() => saidTo(customer.id).length > 0);
    await kefu.runtime.drain();
    const count = saidTo(customer.id).length;
    puppet.emit('message', { messageId: first });
    await new Promise((r) => setTimeout(r, 50));
    await kefu.runtime.drain();
    expect(saidTo(customer.id)).toHaveLength(count);
    expect(said.length).toBe(before + count);
  });

  it('pushes a proactive message to the contact with say()', async () => {
    const customer = newCustomer();
    customer.say('你好').to(bot);
    await eventually(() => saidTo(customer.id).length >= 2);
    await kefu.runtime.drain();
    const count = saidTo(customer.id).length;
    await kefu.runtime.dispatch(
      { conversationId: `wechaty:${customer.id}`, channel: 'wechaty', userId: customer.id },
      { type: 'session.restarted', at: Date.now() },
      freshId('ev'),
    );
    await eventually(() => saidTo(customer.id).length > count);
    expect(saidTo(customer.id).at(-1)).toContain('升级');
  });
});
