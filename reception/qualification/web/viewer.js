// The consented-information viewer: /qualification/viewer?record=<record id>. Japanese first, English beside.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const record = new URLSearchParams(location.search).get('record') || '';
  const LABELS = {
    insurer_number: '保険者番号 / Insurer number', insurer_name: '保険者名 / Insurer',
    card_symbol: '記号 / Symbol', card_number: '番号 / Number', branch_number: '枝番 / Branch',
    name: '氏名 / Name', name_kana: 'カナ / Kana', birth_date: '生年月日 / Birth date', sex: '性別 / Sex',
    burden_percent: '負担割合 / Co-payment', valid_from: '資格取得日 / Valid from', valid_until: '有効期限 / Valid until',
    lost_on: '資格喪失日 / Lost on', limit: '限度額適用認定 / Limit certificate',
  };
  const STATUS = { valid: '有効 / Valid', invalid: '無効 / Invalid', pending: '確認待ち / Pending' };

  function message(text) {
    $('message').textContent = text;
    $('message').hidden = false;
  }
  async function get(path) {
    const r = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
    let body = {};
    try { body = await r.json(); } catch (e) { body = {}; }
    return { status: r.status, body };
  }
  function cell(tag, text) {
    const c = document.createElement(tag);
    c.textContent = text == null ? '' : String(text);
    return c;
  }
  function row(cells, tag) {
    const tr = document.createElement('tr');
    cells.forEach((x) => tr.append(cell(tag || 'td', x)));
    return tr;
  }

  async function load() {
    if (!/^[0-9a-f-]{36}$/.test(record)) return message('受付記録が指定されていません / No check-in given');
    const r = await get('/api/v1/qualification/entries/' + record);
    if (r.status === 401) return message('ログインしてください / Please log in on the queue page first');
    if (r.status !== 200) return message(r.body.error || ('error ' + r.status));
    const q = r.body;
    $('status').textContent = STATUS[q.status] || q.status;
    $('status').className = 'status ' + q.status;
    $('checked').textContent = q.checked_at || '';
    $('reason').textContent = q.reason || '';
    const tbody = $('insured').tBodies[0];
    tbody.replaceChildren();
    for (const [k, label] of Object.entries(LABELS)) {
      let v = (q.insured || {})[k];
      if (k === 'burden_percent' && v != null) v = (v / 10) + '割';
      if (k === 'limit' && v) v = v.category + ' (' + v.valid_from + '〜' + v.valid_until + ')';
      if (v) tbody.append(row([label, v], 'td'));
    }
    $('result').hidden = false;
    $('consented').hidden = false;
  }

  async function show(item) {
    const r = await get('/api/v1/qualification/entries/' + record + '/' + item);
    const table = $('data');
    $('refusal').hidden = true;
    table.hidden = true;
    if (r.status !== 200) {
      $('refusal').textContent = r.body.error || ('error ' + r.status);
      $('refusal').hidden = false;
      return;
    }
    const head = table.tHead;
    const body = table.tBodies[0];
    body.replaceChildren();
    if (item === 'medication') {
      head.replaceChildren(row(['調剤日 / Date', '薬品名 / Drug', '用法・用量 / Dose', '日数 / Days', '薬局 / Pharmacy'], 'th'));
      r.body.medications.forEach((m) => body.append(row([m.dispensed_on, m.drug, m.dose, m.days, m.pharmacy])));
    } else {
      head.replaceChildren(row(['実施日 / Date', '項目 / Item', '結果 / Value', '単位 / Unit'], 'th'));
      r.body.checkups.forEach((c) => body.append(row([c.checked_on, c.item, c.value, c.unit])));
    }
    if (!body.rows.length) body.append(row(['記録はありません / No records']));
    table.hidden = false;
  }

  $('show-medication').addEventListener('click', () => show('medication'));
  $('show-health_checkup').addEventListener('click', () => show('health_checkup'));
  load();
})();
