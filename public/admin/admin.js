// Admin dashboard: signs in with the admin token, reads GET /api/admin/stats, draws charts
// with the locally served chart.js. No figures live here; only labels in two languages.
/* global sessionStorage, URLSearchParams */
'use strict';

const TOKEN_KEY = 'kefu.admin.token';
const LANG_KEY = 'kefu.admin.lang';

const TEXT = {
  'zh-CN': {
    title: '客服运营看板',
    tokenLabel: '管理令牌',
    signIn: '登录',
    language: 'English',
    signOut: '退出',
    from: '从',
    to: '至',
    refresh: '刷新',
    conversations: '会话数',
    containment: '机器人独立解决率',
    handoffRate: '转人工率',
    avgWait: '平均等待',
    csat: '满意度',
    misunderstoodRate: '未理解率',
    daily: '每日会话与转人工',
    intents: '热门意图',
    csatDistribution: '满意度分布',
    sla: '时限达成（按环节）',
    waits: '转人工等待时间',
    ticketStatus: '工单状态',
    ticketCategory: '反馈类别',
    ticketRegion: '申请地区',
    channels: '渠道',
    topMisunderstood: '未理解的消息（已脱敏）',
    message: '消息',
    count: '次数',
    badToken: '令牌无效',
    loadFailed: '数据加载失败：',
    none: '暂无数据',
    seconds: '秒',
    score: '分',
    handoffs: '转人工',
    misunderstood: '未理解',
    met: '达成',
    missed: '超时',
    open: '进行中',
    more: '更久',
    application: '申请',
    feedback: '反馈',
    steps: { acknowledge: '首次响应', review: '审核', activation: '开通', closure: '注销', reply: '回复' },
    categories: {
      network_signal: '网络与信号',
      billing: '计费',
      service_attitude: '服务态度',
      business_handling: '业务办理',
      broadband_installation: '宽带装维',
      other: '其他',
    },
    channelNames: {
      web: '网页',
      terminal: '终端',
      line: 'LINE',
      botframework: 'Teams 等',
      wechaty: '微信',
      'wechat-official': '公众号',
      sms: '短信',
    },
    statuses: {
      submitted: '已提交',
      under_review: '审核中',
      approved: '已批准',
      rejected: '已驳回',
      active: '已开通',
      closure_requested: '申请注销',
      closed: '已关闭',
      received: '已受理',
      classified: '已分类',
      in_progress: '处理中',
      replied: '已回复',
      reopened: '重新打开',
    },
    intentNames: {
      apply: '办理',
      close: '注销',
      status: '查进度',
      complaint: '投诉',
      suggestion: '建议',
      agent: '转人工',
      materials: '所需材料',
      hours: '营业时间',
      channels: '办理渠道',
      greet: '问候',
      goodbye: '结束',
      affirm: '肯定',
      deny: '否定',
      cancel: '取消',
      help: '帮助',
      other: '其他',
    },
  },
  en: {
    title: 'Service dashboard',
    tokenLabel: 'Admin token',
    signIn: 'Sign in',
    language: '中文',
    signOut: 'Sign out',
    from: 'From',
    to: 'To',
    refresh: 'Refresh',
    conversations: 'Conversations',
    containment: 'Containment',
    handoffRate: 'Handoff rate',
    avgWait: 'Average wait',
    csat: 'CSAT',
    misunderstoodRate: 'Misunderstood',
    daily: 'Conversations and handoffs per day',
    intents: 'Top intents',
    csatDistribution: 'CSAT distribution',
    sla: 'SLA compliance by step',
    waits: 'Wait for an agent',
    ticketStatus: 'Tickets by status',
    ticketCategory: 'Feedback categories',
    ticketRegion: 'Applications by region',
    channels: 'Channels',
    topMisunderstood: 'Top misunderstood messages (masked)',
    message: 'Message',
    count: 'Count',
    badToken: 'Invalid token',
    loadFailed: 'Could not load figures: ',
    none: 'No data',
    seconds: 's',
    score: '',
    handoffs: 'Handoffs',
    misunderstood: 'Misunderstood',
    met: 'Met',
    missed: 'Missed',
    open: 'Open',
    more: 'longer',
    application: 'Application',
    feedback: 'Feedback',
    steps: {
      acknowledge: 'first response',
      review: 'review',
      activation: 'activation',
      closure: 'closure',
      reply: 'reply',
    },
    statuses: {},
    categories: {
      network_signal: 'Network & signal',
      billing: 'Billing',
      service_attitude: 'Service attitude',
      business_handling: 'Business handling',
      broadband_installation: 'Broadband installation',
      other: 'Other',
    },
    channelNames: {},
    intentNames: {},
  },
};

const PALETTE = [
  '#2563eb',
  '#16a34a',
  '#f59e0b',
  '#dc2626',
  '#7c3aed',
  '#0891b2',
  '#db2777',
  '#65a30d',
  '#ea580c',
  '#475569',
];
const $ = (id) => document.getElementById(id);
let lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh-CN';
let stats;
const charts = {};

const t = (key) => TEXT[lang][key] ?? TEXT['zh-CN'][key] ?? key;
const named = (group, key) => TEXT[lang][group]?.[key] ?? key;
const percent = (r) => (r === null || r === undefined ? '-' : `${Math.round(r * 1000) / 10}%`);

function translatePage() {
  document.documentElement.lang = lang;
  document.title = t('title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}

function cstDay(offsetDays) {
  const d = new Date(Date.now() + 8 * 3600e3 - offsetDays * 86400e3);
  return d.toISOString().slice(0, 10);
}

async function fetchStats(token) {
  const q = new URLSearchParams({ from: $('from').value || cstDay(29), to: $('to').value || cstDay(0) });
  const res = await fetch(`/api/admin/stats?${q}`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status === 401) throw Object.assign(new Error(t('badToken')), { unauthorized: true });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

function draw(id, config) {
  charts[id]?.destroy();
  const base = {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    plugins: { legend: { display: config.legend ?? false, position: 'bottom' } },
  };
  charts[id] = new window.Chart($(id), {
    type: config.type,
    data: config.data,
    options: { ...base, ...(config.options ?? {}) },
  });
}

function bars(id, entries, label, options = {}) {
  draw(id, {
    type: 'bar',
    data: {
      labels: entries.map(([k]) => k),
      datasets: [{ label, data: entries.map(([, v]) => v), backgroundColor: options.colors ?? PALETTE[0] }],
    },
    options: {
      indexAxis: options.horizontal ? 'y' : 'x',
      scales: { x: { beginAtZero: true }, y: { beginAtZero: true } },
    },
  });
}

function doughnut(id, entries) {
  draw(id, {
    type: 'doughnut',
    legend: true,
    data: {
      labels: entries.length ? entries.map(([k]) => k) : [t('none')],
      datasets: [
        {
          data: entries.length ? entries.map(([, v]) => v) : [1],
          backgroundColor: entries.length ? PALETTE : ['#e5e7eb'],
        },
      ],
    },
  });
}

function render() {
  if (!stats) return;
  translatePage();
  $('kpi-conversations').textContent = String(stats.conversations);
  $('kpi-containment').textContent = percent(stats.containmentRate);
  $('kpi-handoff').textContent = percent(stats.handoff.rate);
  $('kpi-wait').textContent =
    stats.handoff.averageWaitSeconds === null ? '-' : `${stats.handoff.averageWaitSeconds}${t('seconds')}`;
  $('kpi-csat').textContent = stats.csat.average === null ? '-' : `${stats.csat.average} / 5`;
  $('kpi-missed').textContent = percent(stats.misunderstood.rate);

  draw('chart-daily', {
    type: 'line',
    legend: true,
    data: {
      labels: stats.daily.map((d) => d.day.slice(5)),
      datasets: [
        {
          label: t('conversations'),
          data: stats.daily.map((d) => d.conversations),
          borderColor: PALETTE[0],
          backgroundColor: PALETTE[0],
          tension: 0.3,
        },
        {
          label: t('handoffs'),
          data: stats.daily.map((d) => d.handoffs),
          borderColor: PALETTE[3],
          backgroundColor: PALETTE[3],
          tension: 0.3,
        },
        {
          label: t('misunderstood'),
          data: stats.daily.map((d) => d.misunderstood),
          borderColor: PALETTE[2],
          backgroundColor: PALETTE[2],
          tension: 0.3,
        },
      ],
    },
    options: { scales: { y: { beginAtZero: true } } },
  });
  bars(
    'chart-intents',
    stats.topIntents.map((i) => [named('intentNames', i.intent), i.count]),
    t('count'),
    { horizontal: true },
  );
  bars(
    'chart-csat',
    Object.entries(stats.csat.distribution).map(([s, n]) => [`${s}${t('score')}`, n]),
    t('count'),
    {
      colors: ['#dc2626', '#f97316', '#f59e0b', '#84cc16', '#16a34a'],
    },
  );
  const sla = Object.entries(stats.sla);
  const slaLabel = (key) => {
    const [kind, step] = key.split('.');
    return `${t(kind)} · ${named('steps', step)}`;
  };
  draw('chart-sla', {
    type: 'bar',
    legend: true,
    data: {
      labels: sla.map(([k]) => slaLabel(k)),
      datasets: [
        { label: t('met'), data: sla.map(([, o]) => o.met), backgroundColor: PALETTE[1] },
        { label: t('missed'), data: sla.map(([, o]) => o.missed), backgroundColor: PALETTE[3] },
        { label: t('open'), data: sla.map(([, o]) => o.open), backgroundColor: '#94a3b8' },
      ],
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
  });
  bars(
    'chart-wait',
    Object.entries(stats.handoff.waitDistribution).map(([b, n]) => [
      b === 'more' ? t('more') : `≤${b}${t('seconds')}`,
      n,
    ]),
    t('count'),
    { colors: PALETTE[5] },
  );
  bars(
    'chart-status',
    Object.entries(stats.ticketsInRange.byStatus).map(([k, n]) => {
      const [kind, status] = k.split('.');
      return [`${t(kind)} · ${named('statuses', status)}`, n];
    }),
    t('count'),
    { horizontal: true, colors: PALETTE[4] },
  );
  doughnut(
    'chart-category',
    Object.entries(stats.ticketsInRange.byCategory).map(([k, n]) => [named('categories', k), n]),
  );
  bars(
    'chart-region',
    Object.entries(stats.ticketsInRange.byRegion)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12),
    t('count'),
    {
      colors: PALETTE[6],
    },
  );
  doughnut(
    'chart-channels',
    Object.entries(stats.channels).map(([k, n]) => [named('channelNames', k), n]),
  );

  const body = $('misunderstood');
  body.replaceChildren(
    ...(stats.misunderstood.top.length
      ? stats.misunderstood.top.map((m) => {
          const tr = document.createElement('tr');
          const text = document.createElement('td');
          text.textContent = m.text;
          const count = document.createElement('td');
          count.textContent = String(m.count);
          tr.append(text, count);
          return tr;
        })
      : [Object.assign(document.createElement('tr'), { innerHTML: `<td colspan="2" class="muted"></td>` })]),
  );
  if (!stats.misunderstood.top.length) body.querySelector('td').textContent = t('none');
  document.body.dataset.ready = 'true';
}

async function load() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return showSignin();
  document.body.dataset.ready = 'false';
  try {
    stats = await fetchStats(token);
    $('load-error').hidden = true;
    $('signin').hidden = true;
    $('app').hidden = false;
    $('from').value = stats.range.from;
    $('to').value = stats.range.to;
    render();
  } catch (err) {
    if (err.unauthorized) {
      sessionStorage.removeItem(TOKEN_KEY);
      return showSignin(err.message);
    }
    $('load-error').textContent = t('loadFailed') + err.message;
    $('load-error').hidden = false;
  }
}

function showSignin(error) {
  translatePage();
  $('app').hidden = true;
  $('signin').hidden = false;
  $('signin-error').hidden = !error;
  $('signin-error').textContent = error ?? '';
  $('token').focus();
}

$('signin-form').addEventListener('submit', (e) => {
  e.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
  void load();
});
$('range').addEventListener('submit', (e) => {
  e.preventDefault();
  void load();
});
$('signout').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  stats = undefined;
  showSignin();
});
for (const b of document.querySelectorAll('.lang-toggle')) {
  b.addEventListener('click', () => {
    lang = lang === 'en' ? 'zh-CN' : 'en';
    localStorage.setItem(LANG_KEY, lang);
    if (stats) render();
    else translatePage();
  });
}

translatePage();
void load();
