import { describe, expect, it } from 'vitest';
import type { ApplicationDetails, TicketStatus } from '../../src/domain/ticket.js';
import { Transcript } from '../support/transcript.js';

const ID = '11010519491231002X';
const details: ApplicationDetails = {
  userType: 'personal',
  name: '张三',
  idNumber: ID,
  phone: '13812345678',
  address: { province: '广东省', city: '深圳市', detail: '南山区科技园1号' },
  consent: { at: 0, agreementVersion: '2026-11-v1' },
};

/** A ticket of this conversation's user, moved along to `status`. */
async function ticketOf(t: Transcript, status: TicketStatus, key = 'k'): Promise<string> {
  const created = await t.tickets.create(
    {
      kind: 'application',
      channel: 'web',
      userId: t.userId,
      conversationId: t.conversationId,
      locale: t.locale,
      application: details,
    },
    t.now,
    `${t.userId}:${key}`,
  );
  const path: TicketStatus[] = ['under_review', 'approved', 'active', 'closure_requested'];
  for (const s of path.slice(0, path.indexOf(status) + 1))
    await t.tickets.transition(created.number, s, 'admin', t.now);
  return created.number;
}

describe('closure: identity first, then confirmation, then closure_requested', () => {
  it.each([
    ['zh-CN', '我要关闭异地服务', '31002X', '确认关闭', /已提交关闭申请（工单 YD/],
    ['zh-CN', '关闭异地服务', '13812345678', '是的', /已提交关闭申请/],
    ['en', 'close my service', '138 1234 5678', 'yes', /closure request is in \(ticket YD/],
  ] as const)('%s: "%s", proof %s, "%s"', async (locale, ask, proof, yes, done) => {
    const t = await Transcript.start(locale);
    const number = await ticketOf(t, 'active');
    const [asked] = await t.play([{ say: ask, keys: ['closure.askProof'], state: 'closure.askProof' }]);
    // Nothing about the ticket is shown before the identity is checked.
    expect(asked!.map((r) => r.text).join()).not.toContain(number);
    await t.play([
      { say: proof, keys: ['closure.confirm'], text: new RegExp(number), state: 'closure.confirming' },
      { say: yes, keys: ['closure.requested'], text: done, state: 'ready' },
    ]);
    const ticket = await t.tickets.get(number);
    expect(ticket?.status).toBe('closure_requested');
    expect(ticket?.history.at(-1)).toMatchObject({ from: 'active', to: 'closure_requested', by: 'user' });
  });

  it('a wrong proof is refused and asked again; three wrong ones go to an agent, nothing changed', async () => {
    const t = await Transcript.start('zh-CN');
    const number = await ticketOf(t, 'active');
    await t.play([
      { say: '关闭异地服务' },
      {
        say: '123456',
        keys: ['closure.notVerified', 'closure.askProof'],
        notKeys: ['closure.confirm'],
        state: 'closure.askProof',
      },
      { say: '13900000000', keys: ['closure.notVerified'], state: 'closure.askProof' },
      { say: '654321', keys: ['closure.lockedOut'], state: 'ready' },
    ]);
    expect((await t.tickets.get(number))?.status).toBe('active');
  });

  it('words that are no proof get the format explained', async () => {
    const t = await Transcript.start('zh-CN');
    await t.play([
      { say: '关闭异地服务' },
      { say: '我忘了', keys: ['closure.proofFormat'], state: 'closure.askProof' },
    ]);
  });

  it("another user's proof does not open someone else's ticket", async () => {
    const owner = await Transcript.start('zh-CN');
    await ticketOf(owner, 'active');
    const other = await Transcript.start('zh-CN');
    await other.play([
      { say: '关闭异地服务' },
      { say: '31002X', keys: ['closure.notVerified'], state: 'closure.askProof' },
    ]);
  });

  it('saying no keeps the service', async () => {
    const t = await Transcript.start('zh-CN');
    const number = await ticketOf(t, 'active');
    await t.play([{ say: '关闭异地服务' }, { say: '31002X' }, { say: '不', keys: ['closure.kept'], state: 'ready' }]);
    expect((await t.tickets.get(number))?.status).toBe('active');
  });

  it('verified but nothing active: says so, names the tickets, changes nothing', async () => {
    const t = await Transcript.start('zh-CN');
    const number = await ticketOf(t, 'under_review');
    await t.play([
      { say: '关闭异地服务' },
      { say: '31002X', keys: ['closure.noneActive'], text: new RegExp(number), state: 'ready' },
    ]);
    expect((await t.tickets.get(number))?.status).toBe('under_review');
  });

  it('several active services: the user picks one', async () => {
    const t = await Transcript.start('en');
    const first = await ticketOf(t, 'active', 'a');
    const second = await ticketOf(t, 'active', 'b');
    const [choice] = await t
      .play([{ say: 'close my service' }, { say: '31002X', keys: ['closure.choose'], state: 'closure.choosing' }])
      .then((r) => r.slice(1));
    expect(choice![0]!.quickReplies?.map((q) => q.value).sort()).toEqual([first, second].sort());
    await t.play([
      { say: second, keys: ['closure.confirm'], text: new RegExp(second) },
      { say: 'yes', keys: ['closure.requested'], state: 'ready' },
    ]);
    expect((await t.tickets.get(second))?.status).toBe('closure_requested');
    expect((await t.tickets.get(first))?.status).toBe('active');
  });
});
