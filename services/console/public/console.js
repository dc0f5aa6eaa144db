// The console page: reads the admin token from the URL fragment (never sent as a query string), listens to the
// board over Server-Sent Events (fetch with the token in a header: EventSource cannot send one), draws it, and
// calls the console's /admin routes for the buttons. No framework, nothing loaded from elsewhere.
'use strict';

const TEXT = {
  ko: {
    title: '이벤트 흐름 콘솔',
    offline: '연결 안 됨',
    online: '실시간',
    claim:
      '이 콘솔도 구독자 하나입니다. 발행자를 하나도 바꾸지 않고 모든 사실(이벤트)을 구독하도록 추가되었습니다: 강의의 확장성.',
    notoken: '관리자 토큰이 없습니다: ./lab up 이 출력한 주소(#token=...)로 여세요.',
    graph: '서비스와 토픽 (초당 이벤트)',
    subscribers: '구독자: 지연과 밀린 이벤트',
    service: '서비스',
    state: '상태',
    backlog: '밀린 이벤트',
    delay: '전달 지연 p95',
    actions: '주문과 부하',
    placeEvent: '주문 (이벤트 흐름)',
    placeSync: '주문 (동기 호출 체인)',
    load: '부하: 각 흐름 20건 나란히',
    chaos: '장애 주입',
    stop: '중지',
    start: '시작',
    kill: '강제 종료',
    latency: '추가 지연 (ms)',
    setLatency: '지연 설정',
    orders: '최근 주문',
    order: '주문',
    flow: '흐름',
    status: '상태',
    facts: '사실',
    trace: '추적 ID',
    dlq: '데드레터 데스크',
    refresh: '새로 고침',
    replay: '재처리',
    up: '정상',
    down: '중단',
    event: '이벤트',
    sync: '동기',
    none: '없음',
    working: '처리 중...',
    factsOf: '주문의 사실들 (서비스별, 추적 ID 하나)',
    publisher: '발행',
    time: '시각',
    lang: 'English',
  },
  en: {
    title: 'Event flow console',
    offline: 'offline',
    online: 'live',
    claim:
      'This console is itself a subscriber, added to every fact without changing any publisher: the lecture’s extensibility.',
    notoken: 'No admin token: open the address ./lab up printed (#token=...).',
    graph: 'Services and topics (events per second)',
    subscribers: 'Subscribers: delay and backlog',
    service: 'service',
    state: 'state',
    backlog: 'backlog',
    delay: 'delivery delay p95',
    actions: 'Orders and load',
    placeEvent: 'Order (event flow)',
    placeSync: 'Order (sync call chain)',
    load: 'Load: 20 of each flow side by side',
    chaos: 'Chaos',
    stop: 'stop',
    start: 'start',
    kill: 'kill',
    latency: 'added latency (ms)',
    setLatency: 'set latency',
    orders: 'Latest orders',
    order: 'order',
    flow: 'flow',
    status: 'status',
    facts: 'facts',
    trace: 'trace id',
    dlq: 'Dead-letter desk',
    refresh: 'refresh',
    replay: 'replay',
    up: 'up',
    down: 'down',
    event: 'event',
    sync: 'sync',
    none: 'none',
    working: 'working...',
    factsOf: 'The order’s facts (per service, one trace id)',
    publisher: 'publisher',
    time: 'time',
    lang: '한국어',
  },
};

const $ = id => document.getElementById(id);
let lang = localStorage.getItem('console.lang') === 'en' ? 'en' : 'ko';
const t = key => TEXT[lang][key] ?? key;
let board = null;
let picked = null;

// The token: from #token=... once (then kept for this tab only and removed from the address bar).
const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
if (fromHash) {
  sessionStorage.setItem('console.token', fromHash);
  history.replaceState(null, '', location.pathname);
}
const token = sessionStorage.getItem('console.token') || '';
$('notoken').hidden = token !== '';

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${res.status} ${json.error?.code ?? ''}: ${json.error?.message ?? ''}`);
  return json;
}

function translate() {
  document.documentElement.lang = lang;
  for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  $('lang').textContent = t('lang');
  setConn(connected);
  if (board) render(board);
}

let connected = false;
function setConn(on) {
  connected = on;
  $('conn').className = `conn ${on ? 'on' : 'off'}`;
  $('conn').textContent = t(on ? 'online' : 'offline');
}

// ---- the stream: text/event-stream read from fetch's body, reconnecting with a growing pause.
async function listen() {
  let pause = 500;
  for (;;) {
    try {
      const res = await fetch('/admin/stream', { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`stream answered ${res.status}`);
      setConn(true);
      pause = 500;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let cut;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const data = frame
            .split('\n')
            .filter(l => l.startsWith('data: '))
            .map(l => l.slice(6))
            .join('\n');
          if (data) render(JSON.parse(data));
        }
      }
    } catch {
      /* shown as offline; tried again below */
    }
    setConn(false);
    await new Promise(r => setTimeout(r, pause));
    pause = Math.min(pause * 2, 8000);
  }
}

// ---- drawing
const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function drawGraph(b) {
  const g = $('graph');
  const pubs = [...new Set(b.topology.publishes.map(l => l.service))];
  const topics = b.topology.topics;
  const subs = [...new Set(b.topology.subscribes.map(l => l.service))];
  const rows = Math.max(pubs.length, topics.length, subs.length);
  const W = 960;
  const H = rows * 44 + 20;
  const col = { pub: 80, topic: W / 2, sub: W - 90 };
  const y = (i, n) => 10 + ((i + 0.5) * (H - 20)) / n;
  const at = {
    pub: Object.fromEntries(pubs.map((s, i) => [s, y(i, pubs.length)])),
    topic: Object.fromEntries(topics.map((s, i) => [s, y(i, topics.length)])),
    sub: Object.fromEntries(subs.map((s, i) => [s, y(i, subs.length)])),
  };
  const up = Object.fromEntries(b.services.map(s => [s.name, s.up]));
  const backlog = Object.fromEntries(b.subscribers.map(s => [s.service, s.backlog]));
  g.setAttribute('viewBox', `0 0 ${W} ${H}`);
  g.replaceChildren();
  for (const e of b.edges) {
    const [x1, y1, x2, y2] =
      e.kind === 'publish'
        ? [col.pub + 60, at.pub[e.from], col.topic - 70, at.topic[e.to]]
        : [col.topic + 70, at.topic[e.from], col.sub - 60, at.sub[e.to]];
    const mid = (x1 + x2) / 2;
    const path = svg('path', {
      class: `edge${e.perSecond > 0 ? ' busy' : ''}`,
      d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`,
      'stroke-width': String(1 + Math.min(4, e.perSecond / 5)),
    });
    path.append(svg('title', {}, `${e.from} → ${e.to}: ${e.perSecond}/s`));
    g.append(path);
    // The number sits on the edge: at the middle of a delivery (they fan out), near the topic for a publish.
    if (e.perSecond > 0) {
      const [lx, ly] = e.kind === 'publish' ? [x2 - 34, y2 - 4] : [mid - 10, (y1 + y2) / 2 - 3];
      g.append(svg('text', { class: 'rate', x: lx, y: ly }, `${e.perSecond}/s`));
    }
  }
  const node = (x, cy, label, cls, extra) => {
    const n = svg('g', { class: cls, transform: `translate(${x - 60},${cy - 13})` });
    n.append(svg('rect', { width: 120, height: 26 }), svg('text', { x: 8, y: 17 }, label));
    if (extra) n.append(svg('text', { class: 'backlog', x: 124, y: 17 }, extra));
    g.append(n);
  };
  for (const s of pubs) node(col.pub, at.pub[s], s, `node${up[s] ? '' : ' down'}`);
  for (const s of topics) node(col.topic, at.topic[s], s, 'node topic');
  for (const s of subs)
    node(col.sub - 20, at.sub[s], s, `node${up[s] ? '' : ' down'}`, backlog[s] ? `+${backlog[s]}` : '');
}

const ms = v => (v === null || v === undefined ? '–' : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${v} ms`);

function drawSubscribers(b) {
  $('subscribers').replaceChildren(
    ...b.subscribers.map(s =>
      el(
        'tr',
        { 'data-subscriber': s.service, title: s.topics.map(x => `${x.topic}: ${x.backlog}`).join('\n') },
        el('td', {}, s.service),
        el('td', { class: `state ${s.up ? 'up' : 'down'}` }, t(s.up ? 'up' : 'down')),
        el('td', { class: 'num backlog' }, String(s.backlog)),
        el('td', { class: 'num delay' }, ms(s.delayP95Ms)),
      ),
    ),
  );
  const sel = $('chaos-service');
  if (sel.options.length === 0) {
    for (const s of b.services.filter(x => x.name !== 'console')) sel.append(el('option', { value: s.name }, s.name));
    sel.value = 'notification';
  }
  for (const id of ['chaos-stop', 'chaos-start', 'chaos-kill', 'latency-set']) $(id).disabled = !b.chaos;
}

function drawOrders(b) {
  $('orders').replaceChildren(
    ...b.orders.map(o =>
      el(
        'tr',
        { class: `pick${o.orderId === picked ? ' on' : ''}`, 'data-order': o.orderId, onclick: () => pick(o.orderId) },
        el('td', {}, o.orderId.slice(0, 8)),
        el('td', {}, t(o.flow)),
        el('td', { class: `status ${o.status}` }, o.status),
        el('td', { class: 'num' }, String(o.facts.length)),
        el('td', { class: 'trace' }, o.traceId ? o.traceId.slice(0, 12) : '–'),
      ),
    ),
  );
  const o = b.orders.find(x => x.orderId === picked);
  $('detail').hidden = !o;
  if (!o) return;
  $('detail').replaceChildren(
    el('div', {}, `${t('factsOf')}: ${o.orderId} · ${t('trace')} ${o.traceId ?? '–'}`),
    el(
      'table',
      {},
      ...o.facts.map(f =>
        el(
          'tr',
          { 'data-fact': f.type },
          el('td', {}, f.type),
          el('td', {}, `${t('publisher')}: ${f.publisher}`),
          el('td', {}, `${t('time')}: ${f.time.slice(11, 23)}`),
          el('td', { class: 'trace' }, f.traceId ?? '–'),
        ),
      ),
    ),
  );
}

function pick(orderId) {
  picked = orderId;
  if (board) drawOrders(board);
}

function render(b) {
  board = b;
  drawGraph(b);
  drawSubscribers(b);
  drawOrders(b);
}

// ---- buttons
async function act(out, run) {
  $(out).textContent = t('working');
  try {
    const answer = await run();
    $(out).replaceChildren(
      el('span', answer.orderId ? { 'data-order-id': answer.orderId } : {}, JSON.stringify(answer)),
    );
  } catch (err) {
    $(out).textContent = String(err.message);
  }
}

$('place-event').onclick = () => act('action-result', () => api('POST', '/admin/orders', { flow: 'event' }));
$('place-sync').onclick = () => act('action-result', () => api('POST', '/admin/orders', { flow: 'sync' }));
$('load').onclick = () => act('action-result', () => api('POST', '/admin/load', { count: 20 }));
for (const action of ['stop', 'start', 'kill']) {
  $(`chaos-${action}`).onclick = () =>
    act('chaos-result', () => api('POST', `/admin/chaos/${$('chaos-service').value}/${action}`));
}
$('latency-set').onclick = () =>
  act('chaos-result', () =>
    api('PUT', `/admin/chaos/${$('chaos-service').value}/faults`, { latencyMs: Number($('latency-ms').value) }),
  );

async function deadLetters() {
  try {
    const desk = await api('GET', '/admin/dead-letters');
    $('dlq').replaceChildren(
      el('div', {}, `${desk.count}`),
      ...desk.entries.map(e =>
        el(
          'div',
          { 'data-dead-letter': e.id },
          `${e.id}  ${e.topic ?? '?'}  ${e.service ?? 'daprd'}  ${e.reason}  `,
          el(
            'button',
            {
              type: 'button',
              onclick: () => act('dlq', () => api('POST', `/admin/dead-letters/${encodeURIComponent(e.id)}/replay`)),
            },
            t('replay'),
          ),
        ),
      ),
    );
  } catch (err) {
    $('dlq').textContent = String(err.message);
  }
}
$('dlq-refresh').onclick = deadLetters;
$('lang').onclick = () => {
  lang = lang === 'ko' ? 'en' : 'ko';
  localStorage.setItem('console.lang', lang);
  translate();
};

translate();
if (token) {
  void listen();
  void deadLetters();
}
