import { describe, expect, it } from 'vitest';
import { residentIdCheckChar } from '../../src/domain/resident-id.js';
import { Transcript, type Line } from '../support/transcript.js';

const id = (first17: string) => first17 + residentIdCheckChar(first17);
const ID = '11010519491231002X';
const ID2 = id('44030519900101123');
const CREDIT = '91350100M000100Y43';
const badCheck = (v: string) => v.slice(0, 17) + (v.endsWith('0') ? '1' : '0');

describe('application: several fields at once, then only what is missing (at most 4 turns)', () => {
  it('zh-CN personal: 3 turns from the first message to a YD ticket with consent recorded', async () => {
    const t = await Transcript.start('zh-CN');
    const turns = await t.play([
      {
        say: `我要申请异地服务，个人，身份证${ID}，手机13812345678，地址北京市朝阳区建国路88号`,
        keys: ['application.requirements.personal', 'application.ask.name'],
        notKeys: ['application.ask.idNumber', 'application.ask.phone', 'application.ask.address'],
        state: 'application.name',
      },
      {
        say: '张三',
        keys: ['application.summary.personal', 'application.plan', 'application.consentAsk'],
        text: /110105\*{8}002X[\s\S]*138\*{4}5678/,
        state: 'application.consent',
      },
      { say: '同意', keys: ['application.created'], text: /YD261125\d{6}/, state: 'ready' },
    ]);
    expect(
      turns
        .flat()
        .map((r) => r.text)
        .join('\n'),
    ).not.toContain(ID);
    const [ticket] = await t.tickets.listByUser('web', t.userId);
    expect(ticket?.application).toMatchObject({
      userType: 'personal',
      name: '张三',
      idNumber: ID,
      phone: '13812345678',
      address: { province: '北京市', city: '北京市', detail: '朝阳区建国路88号' },
      consent: { at: t.now, agreementVersion: '2026-11-v1' },
    });
    expect(ticket?.number).toMatch(/^YD261125\d{6}$/);
  });

  it('zh-CN personal: an unlabelled name in a list of fields is taken as the name', async () => {
    const t = await Transcript.start('zh-CN');
    await t.play([
      { say: '申请异地服务', keys: ['application.chooseType'], state: 'application.choosingType' },
      {
        say: `个人，张三，身份证${ID}，手机13812345678，地址广东省深圳市南山区科技园1号`,
        keys: [
          'application.requirements.personal',
          'application.summary.personal',
          'application.plan',
          'application.consentAsk',
        ],
        text: /张三/,
        state: 'application.consent',
      },
    ]);
  });

  it('zh-CN enterprise: everything in one message, consent, ticket', async () => {
    const t = await Transcript.start('zh-CN');
    await t.play([
      { say: '申请异地服务', keys: ['application.chooseType'], state: 'application.choosingType' },
      {
        say: `企业，公司名称深圳市腾飞科技有限公司，信用代码${CREDIT}，法人身份证${ID}，经办人李四，身份证${ID2}，手机13912345678，地址广东省深圳市南山区科技园1号`,
        keys: ['application.requirements.enterprise', 'application.summary.enterprise', 'application.consentAsk'],
        text: /9135\*{10}0Y43[\s\S]*110105\*{8}002X[\s\S]*李四（440305\*{8}/,
        state: 'application.consent',
      },
      { say: '同意', keys: ['application.created'], state: 'ready' },
    ]);
    const [ticket] = await t.tickets.listByUser('web', t.userId);
    expect(ticket?.application).toMatchObject({
      userType: 'enterprise',
      company: '深圳市腾飞科技有限公司',
      creditCode: CREDIT,
      legalRepIdNumber: ID,
      name: '李四',
      idNumber: ID2,
      address: { city: '深圳市' },
    });
  });

  it('en personal: labelled fields in one message, name asked, consent, ticket', async () => {
    const t = await Transcript.start('en');
    await t.play([
      {
        say: 'I want to apply for cross-region service',
        keys: ['application.chooseType'],
        text: /personal or an enterprise/,
      },
      {
        say: `personal; ID ${ID}; mobile +86 138 1234 5678; address: 88 Jianguo Road, Chaoyang District, Beijing`,
        keys: ['application.ask.name'],
        text: /full name/,
        state: 'application.name',
      },
      {
        say: 'John Smith',
        keys: ['application.summary.personal'],
        text: /110105\*{8}002X/,
        state: 'application.consent',
      },
      { say: 'I agree', keys: ['application.created'], text: /ticket number YD\d{12}/, state: 'ready' },
    ]);
    expect((await t.tickets.listByUser('web', t.userId))[0]?.application?.name).toBe('John Smith');
  });

  it('asks field by field when told one thing at a time', async () => {
    const t = await Transcript.start('zh-CN');
    await t.play([
      { say: '我要开通异地服务', state: 'application.choosingType' },
      { say: 'personal', keys: ['application.ask.name'], state: 'application.name' },
      { say: '王五', keys: ['application.ask.idNumber'], state: 'application.idNumber' },
      { say: ID2, keys: ['application.ask.address'], state: 'application.address' },
      { say: '上海市浦东新区世纪大道100号', keys: ['application.ask.phone'], state: 'application.phone' },
      { say: '138 1234 5678', keys: ['application.summary.personal'], state: 'application.consent' },
    ]);
  });
});

// Each invalid value: its own explanation, then that field alone is asked again.
const personalUpTo =
  (field: 'idNumber' | 'address' | 'phone') =>
  (en: boolean): Line[] => [
    { say: en ? 'apply for cross-region service' : '申请异地服务' },
    { say: en ? 'personal, Zhang San' : '个人，张三' },
    ...(field === 'idNumber' ? [] : [{ say: ID }]),
    ...(field === 'phone'
      ? [{ say: en ? '88 Jianguo Road, Chaoyang District, Beijing' : '北京市朝阳区建国路88号' }]
      : []),
  ];
const enterpriseUpTo = (en: boolean): Line[] => [
  { say: en ? 'apply for cross-region service' : '申请异地服务' },
  { say: en ? 'enterprise; company name: Tengfei Technology Ltd' : '企业，公司名称深圳市腾飞科技有限公司' },
];

const INVALID: [string, (en: boolean) => Line[], string, string, string][] = [
  ['id check digit', personalUpTo('idNumber'), badCheck(ID), 'application.invalid.id.checkdigit', 'idNumber'],
  ['id length', personalUpTo('idNumber'), '11010519491231', 'application.invalid.id.length', 'idNumber'],
  ['id birth date', personalUpTo('idNumber'), id('11010519491331002'), 'application.invalid.id.birthdate', 'idNumber'],
  ['id region', personalUpTo('idNumber'), id('99010519491231002'), 'application.invalid.id.region', 'idNumber'],
  ['id format', personalUpTo('idNumber'), '1101051949123100AB', 'application.invalid.id.format', 'idNumber'],
  ['phone length', personalUpTo('phone'), '1381234567', 'application.invalid.phone.length', 'phone'],
  ['phone prefix', personalUpTo('phone'), '12812345678', 'application.invalid.phone.prefix', 'phone'],
  ['phone format', personalUpTo('phone'), '138abc12345', 'application.invalid.phone.format', 'phone'],
  [
    'address without province',
    personalUpTo('address'),
    '朝阳区建国路88号',
    'application.invalid.address.no_province',
    'address',
  ],
  ['address without city', personalUpTo('address'), '广东省', 'application.invalid.address.no_city', 'address'],
  ['address without street', personalUpTo('address'), '深圳市', 'application.invalid.address.too_short', 'address'],
  [
    'address with an ambiguous city',
    personalUpTo('address'),
    'Fuzhou, No. 8 Wuyi Road',
    'application.invalid.address.ambiguous_city',
    'address',
  ],
  [
    'credit code check character',
    enterpriseUpTo,
    badCheck(CREDIT),
    'application.invalid.creditCode.checkchar',
    'creditCode',
  ],
  ['credit code length', enterpriseUpTo, CREDIT.slice(0, 17), 'application.invalid.creditCode.length', 'creditCode'],
  [
    'credit code characters',
    enterpriseUpTo,
    '91350100M000100YI3',
    'application.invalid.creditCode.format',
    'creditCode',
  ],
];

describe('application: each invalid value is explained and only that field re-asked', () => {
  for (const locale of ['zh-CN', 'en'] as const) {
    it.each(INVALID)(`${locale}: %s`, async (_name, before, value, key, field) => {
      const t = await Transcript.start(locale);
      await t.play(before(locale === 'en'));
      expect(await t.state()).toBe(`application.${field}`);
      const [replies] = await t.play([{ say: value, keys: [key], state: `application.${field}` }]);
      const keys = replies!.map((r) => r.key);
      // The explanation, then the same question; nothing else is asked and nothing restarts.
      expect(keys.filter((k) => k.startsWith('application.ask.'))).toHaveLength(1);
      expect(keys).not.toContain('application.chooseType');
      expect(replies![0]!.text).not.toMatch(/\{\{/);
    });
  }

  it('a wrong credit code check character is explained in English', async () => {
    const t = await Transcript.start('en');
    await t.play([...enterpriseUpTo(true), { say: badCheck(CREDIT), text: /check character/ }]);
  });
});

describe('application: corrections, digressions, cancel and resume', () => {
  const ready: Line[] = [
    {
      say: `申请异地服务，个人，姓名张三，身份证${ID}，手机13812345678，地址北京市朝阳区建国路88号`,
      state: 'application.consent',
    },
  ];

  it.each([
    ['地址写错了，改成上海市浦东新区世纪大道100号', /服务地址：上海市浦东新区世纪大道100号/],
    ['手机号改成 139-0000-1111', /139\*{4}1111/],
    [`身份证号填错了，应该是${ID2}`, /440305\*{8}/],
    ['名字写错了，姓名张小三', /姓名：张小三/],
  ])('zh-CN: "%s" changes the value and shows the summary again', async (say, text) => {
    const t = await Transcript.start('zh-CN');
    await t.play([...ready, { say, keys: ['application.summary.personal'], text, state: 'application.consent' }]);
  });

  it('"手机号换一个" asks for the phone alone, then returns to the confirmation', async () => {
    const t = await Transcript.start('zh-CN');
    await t.play([
      ...ready,
      {
        say: '手机号换一个',
        keys: ['application.redo', 'application.ask.phone'],
        notKeys: ['application.summary.personal'],
        state: 'application.phone',
      },
      {
        say: '13900001111',
        keys: ['application.summary.personal'],
        text: /139\*{4}1111/,
        state: 'application.consent',
      },
    ]);
  });

  it('en: "change my phone to ..." and "my address is wrong"', async () => {
    const t = await Transcript.start('en');
    await t.play([
      {
        say: `apply for cross-region service: personal; name: Li Lei; ID ${ID}; mobile 13812345678; address: 8 Renmin Road, Futian District, Shenzhen, Guangdong`,
        state: 'application.consent',
      },
      { say: 'change my phone to 13900001111', keys: ['application.summary.personal'], text: /139\*{4}1111/ },
      {
        say: 'my address is wrong',
        keys: ['application.redo', 'application.ask.address'],
        state: 'application.address',
      },
      {
        say: 'No. 1 Century Avenue, Pudong, Shanghai',
        keys: ['application.summary.personal'],
        text: /Shanghai|上海/,
        state: 'application.consent',
      },
    ]);
  });

  it.each([
    ['zh-CN', '需要什么材料?', 'application.materials.personal', /有效身份证件/],
    ['zh-CN', '受理时间是什么时候?', 'info.hours', /7×24/],
    ['en', 'what documents do i need?', 'application.materials.personal', /valid identity document/],
  ] as const)(
    '%s: a question in the middle ("%s") is answered, then the same step again',
    async (locale, say, key, text) => {
      const t = await Transcript.start(locale);
      const en = locale === 'en';
      await t.play([
        { say: en ? 'apply for cross-region service' : '申请异地服务' },
        { say: en ? 'personal, Zhang San' : '个人，张三', state: 'application.idNumber' },
        { say, keys: [key, 'application.ask.idNumber'], text, state: 'application.idNumber' },
        { say: ID, keys: ['application.ask.address'], state: 'application.address' },
      ]);
    },
  );

  it.each(['zh-CN', 'en'] as const)(
    '%s: cancel stops; "继续"/"continue" resumes at the same step with the draft kept',
    async (locale) => {
      const t = await Transcript.start(locale);
      const en = locale === 'en';
      const resume = en ? 'continue' : '继续';
      await t.play([
        { say: en ? 'apply for cross-region service' : '申请异地服务' },
        { say: en ? `personal; name: Zhang San; ID ${ID}` : `个人，张三，身份证${ID}`, state: 'application.address' },
        { say: locale === 'en' ? 'cancel' : '取消', keys: ['root.cancelled'], state: 'ready' },
        { say: resume, keys: ['application.resumed', 'application.ask.address'], state: 'application.address' },
        {
          say: en ? 'Beijing, 88 Jianguo Road, Chaoyang District; 13812345678' : '北京市朝阳区建国路88号，13812345678',
          keys: ['application.summary.personal'],
          text: /110105\*{8}002X/,
        },
        { say: locale === 'en' ? 'agree' : '同意', keys: ['application.created'], state: 'ready' },
        // The submitted application is done: nothing is left to resume.
        { say: resume, notKeys: ['application.resumed'] },
      ]);
    },
  );

  it('another topic in the middle keeps the draft; saying no to the agreement submits nothing', async () => {
    const t = await Transcript.start('zh-CN');
    await t.play([
      { say: '申请异地服务' },
      { say: '个人', state: 'application.name' },
      { say: '谢谢', keys: ['application.paused', 'root.goodbye'], state: 'ready' },
      { say: '继续', keys: ['application.resumed', 'application.ask.name'], state: 'application.name' },
      { say: `张三 身份证${ID} 手机13812345678 地址北京市朝阳区建国路88号`, state: 'application.consent' },
      { say: '不同意', keys: ['application.declined'], state: 'ready' },
    ]);
    expect(await t.tickets.listByUser('web', t.userId)).toEqual([]);
  });

  it('a staff status change reaches the user mid-application without losing the step', async () => {
    const t = await Transcript.start('zh-CN');
    await t.play([{ say: '申请异地服务' }, { say: '个人', state: 'application.name' }]);
    const replies = await t.dispatch(
      { type: 'ticket.statusChanged', number: 'YD261124000007', status: 'approved', at: t.now },
      'e1',
    );
    expect(replies.map((r) => r.key)).toEqual(['tickets.notice.approved']);
    expect(replies[0]!.text).toContain('YD261124000007');
    expect(t.pushed[0]?.messages[0]?.text).toContain('YD261124000007');
    expect(await t.state()).toBe('application.name');
  });
});

describe('application: offline path (business hall), no ticket', () => {
  it.each([
    ['zh-CN', ['申请异地服务', 'offline', '个人', '深圳'], 'application.offline.materials.personal', /深圳市.*营业厅/s],
    [
      'zh-CN',
      ['我想去营业厅办理异地服务，企业，在北京'],
      'application.offline.materials.enterprise',
      /营业执照原件[\s\S]*北京市/,
    ],
    [
      'en',
      ['apply for cross-region service', 'offline', 'enterprise', 'Shanghai'],
      'application.offline.materials.enterprise',
      /business licence[\s\S]*weekdays/,
    ],
  ] as const)('%s: %j', async (locale, says, materialsKey, text) => {
    const t = await Transcript.start(locale);
    const all = await t.play(says.map((say) => ({ say })));
    const last = all.at(-1)!;
    expect(last.map((r) => r.key)).toEqual(
      expect.arrayContaining([
        materialsKey,
        'application.offline.hallsIntro',
        'application.offline.hall',
        'application.offline.closing',
      ]),
    );
    expect(last.map((r) => r.text).join('\n')).toMatch(text);
    expect(await t.state()).toBe('ready');
    expect(await t.tickets.listByUser('web', t.userId)).toEqual([]);
  });

  it('a city without a hall in the table gets the online alternative', async () => {
    const t = await Transcript.start('zh-CN');
    await t.play([
      { say: '申请异地服务' },
      { say: 'offline' },
      { say: '个人' },
      { say: '日喀则', keys: ['application.offline.noHall'], state: 'ready' },
    ]);
  });

  it('asks again for a city it does not know', async () => {
    const t = await Transcript.start('zh-CN');
    await t.play([
      { say: '申请异地服务' },
      { say: 'offline' },
      { say: '个人' },
      { say: '火星', keys: ['application.offline.unknownCity'], state: 'application.offline.askCity' },
    ]);
  });
});
