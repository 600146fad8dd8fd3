// Staff monitor (受付モニター). Plain JS, no libraries, no inline script (the service's CSP forbids it).
// Live updates come over server-sent events; on every (re)connect the page reloads the whole queue, so nothing
// is missed while the stream was down. All data is written with textContent, never as HTML.
'use strict';

const TEXT = {
  ja: {
    title: '受付モニター', disconnected: '未接続', connected: '接続中', logout: 'ログアウト', login: 'ログイン',
    user: 'ユーザー名', password: 'パスワード', queue: '受付一覧', ticket: '番号', arrived: '受付時刻',
    waiting: '待ち時間', status: '状態', method: '本人確認', qualification: '資格確認', consents: '同意',
    actions: '操作', empty: '受付はまだありません', kiosks: '端末の状態',
    'status.waiting': '待ち', 'status.called': '呼び出し中', 'status.in_consultation': '診察中',
    'status.done': '完了', 'status.cancelled': '取消',
    'method.face': '顔認証', 'method.pin': '暗証番号', 'method.staff_visual': '目視確認',
    'qual.pending': '確認待ち', 'qual.valid': '有効', 'qual.invalid': '無効', 'qual.details': '資格・同意情報',
    'consent.medication': '薬剤', 'consent.health_checkup': '健診', 'consent.medical_treatment': '診療',
    'consent.surgery': '手術', agreed: '同意', refused: '不同意',
    'act.call': '呼出', 'act.start': '開始', 'act.finish': '終了', 'act.cancel': '取消',
    'visual.request': '目視確認の依頼', confirm: '本人と確認', reject: '確認できない', ack: '確認しました',
    'alert.staff_help': 'スタッフを呼んでいます', 'alert.card_blocked': 'カードがロックされています',
    'alert.card_error': 'カードを読めません', 'alert.camera_lost': 'カメラが使えません',
    'alert.reader_lost': 'カードリーダーが使えません', 'alert.other': 'お知らせ',
    reader: 'リーダー', camera: 'カメラ', outbox: '未送信', lastSeen: '最終通信', stale: '通信が途絶えています',
    minutes: '分', seconds: '秒前', noKiosks: '端末からの通信はまだありません', kiosk: '端末', loginFailed: 'ログインできません', counts: '待ち {w} / 全 {n}',
  },
  en: {
    title: 'Reception monitor', disconnected: 'Offline', connected: 'Live', logout: 'Log out', login: 'Log in',
    user: 'User name', password: 'Password', queue: 'Queue', ticket: 'No.', arrived: 'Arrived',
    waiting: 'Waiting', status: 'Status', method: 'Identity', qualification: 'Qualification', consents: 'Consent',
    actions: 'Actions', empty: 'No check-ins yet', kiosks: 'Kiosks',
    'status.waiting': 'Waiting', 'status.called': 'Called', 'status.in_consultation': 'In consultation',
    'status.done': 'Done', 'status.cancelled': 'Cancelled',
    'method.face': 'Face', 'method.pin': 'PIN', 'method.staff_visual': 'Visual check',
    'qual.pending': 'Pending', 'qual.valid': 'Valid', 'qual.invalid': 'Invalid', 'qual.details': 'Details / consented info',
    'consent.medication': 'Medication', 'consent.health_checkup': 'Checkup', 'consent.medical_treatment': 'Treatment',
    'consent.surgery': 'Surgery', agreed: 'agreed', refused: 'refused',
    'act.call': 'Call', 'act.start': 'Start', 'act.finish': 'Finish', 'act.cancel': 'Cancel',
    'visual.request': 'Visual check requested', confirm: 'Confirm identity', reject: 'Cannot confirm', ack: 'Acknowledge',
    'alert.staff_help': 'Patient asks for staff', 'alert.card_blocked': 'Card is locked',
    'alert.card_error': 'Card cannot be read', 'alert.camera_lost': 'Camera unavailable',
    'alert.reader_lost': 'Card reader unavailable', 'alert.other': 'Notice',
    reader: 'Reader', camera: 'Camera', outbox: 'Unsent', lastSeen: 'Last seen', stale: 'No contact',
    minutes: 'min', seconds: 's ago', noKiosks: 'No kiosk has reported yet', kiosk: 'Kiosk', loginFailed: 'Log-in failed', counts: 'waiting {w} / total {n}',
  },
};

const state = {
  lang: localStorage.getItem('uk.lang') === 'en' ? 'en' : 'ja',
  csrf: '', user: null, entries: new Map(), visual: new Map(), kiosks: new Map(), alerts: new Map(),
  source: null, retryTimer: null, skew: 0,
};

const $ = (id) => document.getElementById(id);
const t = (key) => (TEXT[state.lang][key] ?? key);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k.startsWith('data-')) e.setAttribute(k, v); else e[k] = v;
  }
  for (const c of children) if (c != null) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function applyLanguage() {
  document.documentElement.lang = state.lang;
  for (const n of document.querySelectorAll('[data-t]')) n.textContent = t(n.dataset.t);
  $('lang').textContent = state.lang === 'ja' ? 'English' : '日本語';
  setConnected(state.source && state.source.readyState === EventSource.OPEN);
  render();
}

function setConnected(on) {
  const c = $('conn');
  c.textContent = on ? t('connected') : t('disconnected');
  c.className = 'conn ' + (on ? 'on' : 'off');
}

async function api(method, path, body) {
  const opts = { method, headers: {}, credentials: 'same-origin' };
  if (body !== undefined) { opts.headers['Content-Type'] = 'application/json'; opts.body = JSON.stringify(body); }
  if (method !== 'GET') opts.headers['X-CSRF-Token'] = state.csrf;
  const res = await fetch(path, opts);
  let data = null;
  try { data = await res.json(); } catch (_) { /* 204 */ }
  if (res.status === 401 && path !== '/api/v1/login') showLogin();
  if (!res.ok) throw new Error((data && data.error) || res.statusText);
  return data;
}

// [SECTION] Log-in

function showLogin() {
  stopEvents();
  state.user = null;
  $('monitor-view').hidden = true; $('login-view').hidden = false; $('logout').hidden = true; $('who').textContent = '';
}

async function startMonitor(session) {
  state.csrf = session.csrf; state.user = session;
  $('who').textContent = session.name + ' (' + session.role + ')';
  $('login-view').hidden = true; $('monitor-view').hidden = false; $('logout').hidden = false;
  startEvents();
}

// [SECTION] Data

async function reload() {
  const q = await api('GET', '/api/v1/queue');
  const serverNow = Date.parse(q.server_time);
  if (!Number.isNaN(serverNow)) state.skew = serverNow - Date.now();
  state.entries = new Map(q.entries.map((e) => [e.record_id, e]));
  state.visual = new Map(q.visual_checks.map((v) => [v.id, v]));
  state.kiosks = new Map(q.kiosks.map((k) => [k.kiosk_id, k]));
  state.alerts = new Map(q.alerts.map((a) => [String(a.id), a]));
  render();
}

function startEvents() {
  stopEvents();
  const src = new EventSource('/api/v1/events');
  state.source = src;
  src.addEventListener('open', () => { setConnected(true); reload().catch(showError); });
  src.addEventListener('error', () => {
    setConnected(false);
    // The browser retries by itself unless the server refused the stream (401/503): then start over later.
    if (src.readyState === EventSource.CLOSED) {
      clearTimeout(state.retryTimer);
      state.retryTimer = setTimeout(() => {
        api('GET', '/api/v1/session').then(startMonitor).catch(() => {});
      }, 3000);
    }
  });
  src.addEventListener('entry', (ev) => { const e = JSON.parse(ev.data); state.entries.set(e.record_id, e); render(); });
  src.addEventListener('visual_check', (ev) => {
    const v = JSON.parse(ev.data);
    if (v.state === 'pending') state.visual.set(v.id, v); else state.visual.delete(v.id);
    render();
  });
  src.addEventListener('heartbeat', (ev) => { const k = JSON.parse(ev.data); state.kiosks.set(k.kiosk_id, k); render(); });
  src.addEventListener('alert', (ev) => {
    const a = JSON.parse(ev.data);
    if (a.acknowledged) state.alerts.delete(String(a.id)); else state.alerts.set(String(a.id), a);
    render();
  });
}

function stopEvents() {
  clearTimeout(state.retryTimer);
  if (state.source) { state.source.close(); state.source = null; }
  setConnected(false);
}

function showError(err) { $('action-error').textContent = err.message || String(err); }

async function act(path) {
  $('action-error').textContent = '';
  try { await api('POST', path); } catch (e) { showError(e); }
}

// [SECTION] Rendering

const ACTIONS = {
  waiting: ['call', 'start', 'cancel'], called: ['call', 'start', 'cancel'], in_consultation: ['finish', 'cancel'],
  done: [], cancelled: [],
};

function fmtTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString(state.lang === 'ja' ? 'ja-JP' : 'en-GB',
    { hour: '2-digit', minute: '2-digit' });
}
function waitingMinutes(e) {
  if (e.status === 'done' || e.status === 'cancelled') return '';
  const ms = Date.now() + state.skew - Date.parse(e.received_at);
  return Math.max(0, Math.floor(ms / 60000)) + ' ' + t('minutes');
}

function renderRow(e) {
  const r = e.record || {};
  const q = r.qualification || { status: 'pending' };
  const consents = el('td', { class: 'consents' });
  for (const [item, answer] of Object.entries(r.consents || {})) {
    consents.append(el('span', { class: 'consent ' + answer }, t('consent.' + item) + ': ' + t(answer)));
  }
  const actions = el('td', { class: 'actions' });
  for (const a of ACTIONS[e.status] || []) {
    const b = el('button', { type: 'button', class: a === 'cancel' ? 'danger' : 'primary', 'data-action': a },
      t('act.' + a));
    b.addEventListener('click', () => act('/api/v1/entries/' + e.record_id + '/' + a));
    actions.append(b);
  }
  const qual = el('span', { class: 'qual ' + q.status }, t('qual.' + q.status));
  return el('tr', { class: e.status, 'data-record-id': e.record_id, 'data-status': e.status },
    el('td', { class: 'ticket' }, r.kiosk_ticket ?? ''),
    el('td', {}, fmtTime(e.received_at), el('div', { class: 'muted' }, e.kiosk_id)),
    el('td', { class: 'wait' }, waitingMinutes(e)),
    el('td', {}, el('span', { class: 'status ' + e.status }, t('status.' + e.status)),
      e.updated_by ? el('div', { class: 'muted' }, e.updated_by) : null),
    el('td', {}, t('method.' + ((r.verification || {}).method || ''))),
    el('td', {}, qual, q.reason ? el('div', { class: 'bad' }, q.reason) : null,
      q.status !== 'pending' ? el('div', {}, el('a', { href: '/qualification/viewer?record=' + e.record_id,
        target: '_blank', rel: 'noopener' }, t('qual.details'))) : null),
    consents, actions);
}

function render() {
  if (!state.user) return;
  const entries = [...state.entries.values()].sort((a, b) => a.seq - b.seq);
  const body = $('queue').tBodies[0];
  body.replaceChildren(...entries.map(renderRow));
  $('empty').hidden = entries.length > 0;
  const w = entries.filter((e) => e.status === 'waiting').length;
  $('counts').textContent = t('counts').replace('{w}', w).replace('{n}', entries.length);

  $('visual').replaceChildren(...[...state.visual.values()].map((v) => {
    const ok = el('button', { type: 'button', class: 'primary', 'data-action': 'confirm' }, t('confirm'));
    const no = el('button', { type: 'button', class: 'danger', 'data-action': 'reject' }, t('reject'));
    ok.addEventListener('click', () => act('/api/v1/visual-checks/' + v.id + '/confirm'));
    no.addEventListener('click', () => act('/api/v1/visual-checks/' + v.id + '/reject'));
    return el('div', { 'data-visual-id': v.id },
      el('span', {}, t('visual.request') + ' — ' + t('kiosk') + ' ' + v.kiosk_id + ' / ' + t('ticket') + ' ' +
        v.kiosk_ticket), el('span', {}, ok, ' ', no));
  }));

  $('alerts').replaceChildren(...[...state.alerts.values()].map((a) => {
    const b = el('button', { type: 'button', 'data-action': 'ack' }, t('ack'));
    b.addEventListener('click', () => act('/api/v1/alerts/' + a.id + '/ack'));
    return el('div', { 'data-alert-id': String(a.id) },
      el('span', {}, t('alert.' + a.kind) + ' — ' + t('kiosk') + ' ' + a.kiosk_id + (a.message ? ': ' + a.message : '')),
      b);
  }));

  const now = Date.now() + state.skew;
  $('no-kiosks').hidden = state.kiosks.size > 0;
  $('kiosks').replaceChildren(...[...state.kiosks.values()].map((k) => {
    const age = Math.max(0, Math.round((now - Date.parse(k.received_at)) / 1000));
    const stale = age > 90;
    return el('li', { class: stale ? 'stale' : '', 'data-kiosk-id': k.kiosk_id },
      el('div', { class: 'k-name' }, k.kiosk_id),
      el('div', { class: 'k-detail' + (k.reader !== 'ok' ? ' bad' : '') }, t('reader') + ': ' + k.reader),
      el('div', { class: 'k-detail' + (k.camera === 'error' ? ' bad' : '') }, t('camera') + ': ' + k.camera),
      el('div', { class: 'k-detail' + (k.outbox_depth > 0 ? ' bad' : '') }, t('outbox') + ': ' + k.outbox_depth),
      el('div', { class: 'k-detail' + (stale ? ' bad' : '') },
        t('lastSeen') + ': ' + age + ' ' + t('seconds') + (stale ? ' — ' + t('stale') : '')));
  }));
}

// [SECTION] Start

document.addEventListener('DOMContentLoaded', () => {
  $('lang').addEventListener('click', () => {
    state.lang = state.lang === 'ja' ? 'en' : 'ja';
    localStorage.setItem('uk.lang', state.lang);
    applyLanguage();
  });
  $('logout').addEventListener('click', () => { api('POST', '/api/v1/logout').finally(showLogin); });
  $('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    $('login-error').textContent = '';
    try {
      const s = await api('POST', '/api/v1/login', { name: f.name.value, password: f.password.value });
      f.password.value = '';
      await startMonitor(s);
    } catch (e) {
      $('login-error').textContent = t('loginFailed') + ': ' + e.message;
    }
  });
  setInterval(render, 15000);
  // Belt and braces: a full reload every minute while connected, so an event that was never announced (e.g. a
  // PostgreSQL instance dying between a commit and its NOTIFY) shows up anyway.
  setInterval(() => { if (state.user && state.source && state.source.readyState === EventSource.OPEN) reload().catch(() => {}); }, 60000);
  applyLanguage();
  api('GET', '/api/v1/session').then(startMonitor).catch(showLogin);
});
