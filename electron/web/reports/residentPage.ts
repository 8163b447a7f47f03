/**
 * The residents' page: its style and its script, plain (no framework, a few KB), served by the
 * host from these strings. The script renders the form or a receipt's progress from the JSON the
 * host embeds (language and strings) and the /report/api endpoints; it sets no inline style (the
 * page's CSP has no 'unsafe-inline').
 */

export const RESIDENT_CSS = /* css */ `
:root { --ink: #1d2633; --muted: #5b6877; --line: #d5dce5; --accent: #1f6fd1; --accent-ink: #fff; --bg: #f4f6f9; --card: #fff; --bad: #b3261e; --ok: #1b7f4b; --warn: #a55d00; }
* { box-sizing: border-box; }
html, body { margin: 0; background: var(--bg); color: var(--ink); font-family: 'Noto Sans SC', system-ui, sans-serif; font-size: 16px; line-height: 1.5; }
main { max-width: 720px; margin: 0 auto; padding: 12px 14px 40px; }
header.top { display: flex; align-items: center; justify-content: space-between; gap: 8px; margin: 4px 0 8px; }
h1 { font-size: 21px; margin: 0; font-weight: 700; }
h2 { font-size: 17px; margin: 0 0 8px; font-weight: 700; }
a { color: var(--accent); }
.lang { font-size: 14px; white-space: nowrap; }
.lang a, .lang span { padding: 2px 4px; }
.lang span { font-weight: 700; }
.intro { color: var(--muted); margin: 0 0 8px; font-size: 15px; }
.emergency { background: #fff4e5; border: 1px solid #f3c98b; color: #6b3d00; border-radius: 8px; padding: 8px 10px; font-size: 14px; margin: 0 0 12px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px; margin: 0 0 12px; }
.chips { display: flex; flex-wrap: wrap; gap: 8px; }
.chip { position: relative; }
.chip input { position: absolute; opacity: 0; inset: 0; margin: 0; }
.chip span { display: inline-block; border: 1px solid var(--line); border-radius: 999px; padding: 6px 12px; font-size: 15px; background: #fff; cursor: pointer; }
.chip input:checked + span { background: var(--accent); border-color: var(--accent); color: var(--accent-ink); }
.chip input:focus-visible + span { outline: 3px solid #9cc3f5; }
textarea, input[type=text] { width: 100%; font: inherit; border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; background: #fff; color: var(--ink); }
textarea { min-height: 96px; resize: vertical; }
.hint { color: var(--muted); font-size: 13px; margin: 4px 0 0; display: flex; justify-content: space-between; gap: 8px; }
.map-wrap { border: 1px solid var(--line); border-radius: 8px; overflow: hidden; background: #eef2ea; }
svg.map { display: block; width: 100%; height: auto; max-height: 60vh; cursor: crosshair; touch-action: manipulation; }
svg.map .water { fill: #b9d7ef; stroke: none; }
svg.map .area { fill: #f6f8f2; stroke: #9aa7b4; stroke-width: 2; stroke-dasharray: 6 4; }
svg.map .area.is-picked { fill: #e3eefc; }
svg.map .roads { fill: none; stroke: #ffffff; stroke-width: 5; stroke-linecap: round; stroke-linejoin: round; }
svg.map .roads-edge { fill: none; stroke: #c4ccd4; stroke-width: 7; stroke-linecap: round; stroke-linejoin: round; }
svg.map .label { font-size: 34px; fill: #4d5a66; text-anchor: middle; paint-order: stroke; stroke: #fff; stroke-width: 7px; font-family: 'Noto Sans SC', sans-serif; pointer-events: none; }
svg.map .pin { fill: var(--bad); stroke: #fff; stroke-width: 4; }
svg.map .pin-ring { fill: none; stroke: var(--bad); stroke-width: 3; opacity: .5; }
.place-line { margin: 6px 0 0; font-size: 14px; }
.place-line b { color: var(--ok); }
.photo-row { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.photo-pick { position: relative; display: inline-block; }
.photo-pick input { position: absolute; inset: 0; opacity: 0; width: 100%; cursor: pointer; }
.photo-pick span { display: inline-block; font: inherit; padding: 8px 14px; border: 1px solid var(--accent); color: var(--accent); border-radius: 8px; background: #fff; }
.photo-pick input:focus-visible + span { outline: 3px solid #9cc3f5; }
.photo-row img { max-width: 120px; max-height: 90px; border-radius: 6px; border: 1px solid var(--line); }
.error { background: #fdecea; border: 1px solid #f4b4ae; color: var(--bad); border-radius: 8px; padding: 8px 10px; margin: 0 0 12px; font-weight: 700; }
.error:empty { display: none; }
button.primary { width: 100%; font: inherit; font-size: 18px; font-weight: 700; padding: 12px; border: 0; border-radius: 10px; background: var(--accent); color: var(--accent-ink); cursor: pointer; }
button.primary:disabled { opacity: .6; }
button.secondary { font: inherit; padding: 8px 12px; border: 1px solid var(--line); border-radius: 8px; background: #fff; color: var(--ink); cursor: pointer; }
.lookup { display: flex; gap: 8px; align-items: center; }
.lookup input { flex: 1; text-transform: uppercase; letter-spacing: 1px; }
.code { font-family: ui-monospace, 'DejaVu Sans Mono', monospace; font-size: 24px; font-weight: 700; letter-spacing: 2px; background: #eef4fd; border: 1px dashed var(--accent); border-radius: 8px; padding: 8px 10px; text-align: center; word-break: break-all; }
.stage { font-size: 18px; font-weight: 700; margin: 0 0 10px; }
.stage.is-handled { color: var(--warn); }
.stage.is-rated, .stage.is-closed { color: var(--ok); }
.stage.is-reopened { color: var(--bad); }
ol.loop { list-style: none; display: grid; grid-template-columns: repeat(6, 1fr); gap: 4px; padding: 0; margin: 0 0 12px; }
ol.loop li { text-align: center; font-size: 13px; padding: 6px 0 4px; border-top: 4px solid var(--line); color: var(--muted); }
ol.loop li.is-done { border-color: var(--ok); color: var(--ink); font-weight: 700; }
ul.steps { list-style: none; padding: 0; margin: 0; }
ul.steps li { display: flex; justify-content: space-between; gap: 8px; padding: 6px 0; border-bottom: 1px solid #eef1f4; font-size: 15px; }
ul.steps .when { color: var(--muted); font-variant-numeric: tabular-nums; white-space: nowrap; }
.stars { display: flex; gap: 6px; margin: 4px 0 10px; }
.stars label { position: relative; }
.stars input { position: absolute; opacity: 0; inset: 0; margin: 0; }
.stars span { font-size: 34px; line-height: 1; color: #c9d0d8; cursor: pointer; }
.stars span.is-on { color: #f0a500; }
.stars input:focus-visible + span { outline: 3px solid #9cc3f5; }
.muted { color: var(--muted); font-size: 14px; }
@media (min-width: 900px) { main { max-width: 1040px; padding-top: 24px; } h1 { font-size: 26px; } .form-grid { display: grid; grid-template-columns: 5fr 6fr; gap: 12px; margin: 0 0 12px; } .form-grid > div { display: flex; flex-direction: column; gap: 12px; } .form-grid .card { margin: 0; } svg.map { max-height: 70vh; } }
`;

export const RESIDENT_CLIENT_JS = /* js */ `'use strict';
(function () {
  var cfg = JSON.parse(document.getElementById('strings').textContent);
  var L = cfg.lang, S = cfg.strings;
  function t(k, v) { v = v || {}; var s = S[k] || k; return s.replace(/\\{(\\w+)\\}/g, function (_, x) { return v[x] !== undefined ? String(v[x]) : ''; }); }
  var NS = 'http://www.w3.org/2000/svg';
  function el(tag, attrs) {
    var e = document.createElement(tag);
    attrs = attrs || {};
    for (var k in attrs) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') e.textContent = v;
      else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (var i = 2; i < arguments.length; i++) if (arguments[i]) e.appendChild(arguments[i]);
    return e;
  }
  function sv(tag, attrs) { var e = document.createElementNS(NS, tag); for (var k in attrs) e.setAttribute(k, attrs[k]); return e; }
  var app = document.getElementById('app');
  function otherLangHref() { var u = new URL(location.href); u.searchParams.set('lang', L === 'en' ? 'zh-CN' : 'en'); u.searchParams.delete('new'); return u.pathname + u.search; }
  function header() {
    var lang = el('div', { class: 'lang' });
    lang.appendChild(L === 'en' ? el('a', { href: otherLangHref(), text: '中文', 'data-testid': 'lang-switch' }) : el('span', { text: '中文' }));
    lang.appendChild(document.createTextNode('|'));
    lang.appendChild(L === 'en' ? el('span', { text: 'English' }) : el('a', { href: otherLangHref(), text: 'English', 'data-testid': 'lang-switch' }));
    return el('header', { class: 'top' }, el('h1', { text: t('title') }), lang);
  }
  function api(method, url, body) {
    return fetch(url + (url.indexOf('?') < 0 ? '?' : '&') + 'lang=' + encodeURIComponent(L), {
      method: method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined, credentials: 'omit'
    }).then(function (r) {
      return r.json().catch(function () { return { error: t('err.bad_request') }; }).then(function (j) { return { ok: r.ok, status: r.status, body: j }; });
    }, function () { return { ok: false, status: 0, body: { error: t('err.network') } }; });
  }
  function fmt(ms) { return new Date(ms).toLocaleString(L, { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' }); }

  function showForm() {
    app.textContent = '';
    app.appendChild(header());
    app.appendChild(el('p', { class: 'intro', text: t('intro') }));
    app.appendChild(el('p', { class: 'emergency', text: t('emergency') }));
    api('GET', '/report/api/form').then(function (res) {
      if (!res.ok) { app.appendChild(el('div', { class: 'error', role: 'alert', text: res.body.error })); return; }
      buildForm(res.body);
    });
  }

  function buildForm(form) {
    var state = { lon: null, lat: null, photo: null };
    var error = el('div', { class: 'error', role: 'alert', 'data-testid': 'form-error' });
    var chips = el('div', { class: 'chips', role: 'radiogroup', 'aria-label': t('category') });
    form.categories.forEach(function (c) {
      chips.appendChild(el('label', { class: 'chip' }, el('input', { type: 'radio', name: 'category', value: c, 'data-testid': 'cat-' + c }), el('span', { text: t('cat.' + c) })));
    });
    var desc = el('textarea', { id: 'desc', maxlength: String(form.limits.descriptionMax), 'data-testid': 'description' });
    var count = el('span', { text: '0/' + form.limits.descriptionMax });
    chips.addEventListener('change', function () { error.textContent = ''; });
    desc.addEventListener('input', function () { error.textContent = ''; count.textContent = desc.value.trim().length + '/' + form.limits.descriptionMax; });
    var m = form.map;
    var svg = sv('svg', { viewBox: '0 0 ' + m.width + ' ' + m.height, class: 'map', role: 'img', 'aria-label': t('placeHint'), 'data-testid': 'map' });
    svg.appendChild(sv('rect', { x: 0, y: 0, width: m.width, height: m.height, fill: '#eef2ea' }));
    var areas = m.areas.map(function (a) { var p = sv('path', { d: a.d, class: 'area' }); svg.appendChild(p); return p; });
    if (m.water) svg.appendChild(sv('path', { d: m.water, class: 'water' }));
    if (m.roads) { svg.appendChild(sv('path', { d: m.roads, class: 'roads-edge' })); svg.appendChild(sv('path', { d: m.roads, class: 'roads' })); }
    m.areas.forEach(function (a) { var tx = sv('text', { x: a.x, y: a.y, class: 'label' }); tx.textContent = a.name; svg.appendChild(tx); });
    var ring = sv('circle', { r: 26, class: 'pin-ring', visibility: 'hidden' });
    var pin = sv('circle', { r: 12, class: 'pin', visibility: 'hidden', 'data-testid': 'pin' });
    svg.appendChild(ring); svg.appendChild(pin);
    var placeLine = el('p', { class: 'place-line', 'data-testid': 'place-line', text: t('placeNone') });
    svg.addEventListener('click', function (ev) {
      var pt = svg.createSVGPoint(); pt.x = ev.clientX; pt.y = ev.clientY;
      var p = pt.matrixTransform(svg.getScreenCTM().inverse());
      var b = m.bbox;
      state.lon = b[0] + (p.x / m.width) * (b[2] - b[0]);
      state.lat = b[3] - (p.y / m.height) * (b[3] - b[1]);
      [pin, ring].forEach(function (c) { c.setAttribute('cx', p.x); c.setAttribute('cy', p.y); c.setAttribute('visibility', 'visible'); });
      var name = null;
      areas.forEach(function (a, i) { var inside = a.isPointInFill ? a.isPointInFill(p) : false; a.classList.toggle('is-picked', inside); if (inside) name = m.areas[i].name; });
      placeLine.textContent = '';
      placeLine.appendChild(document.createTextNode(t('placePicked') + t('colon')));
      error.textContent = '';
      placeLine.appendChild(el('b', { text: (name || '') + ' ' + state.lon.toFixed(5) + ', ' + state.lat.toFixed(5) }));
    });
    var photoInput = el('input', { type: 'file', accept: 'image/jpeg,image/png,image/webp', 'aria-label': t('photo'), 'data-testid': 'photo' });
    var photoPick = el('label', { class: 'photo-pick' }, photoInput, el('span', { text: t('photoChoose') }));
    var preview = el('span');
    photoInput.addEventListener('change', function () {
      var f = photoInput.files && photoInput.files[0];
      state.photo = null; preview.textContent = ''; error.textContent = '';
      if (!f) return;
      shrink(f, form.limits.photoBytes).then(function (dataUrl) {
        state.photo = dataUrl;
        preview.appendChild(el('img', { src: dataUrl, alt: t('photo') }));
        preview.appendChild(el('button', { type: 'button', class: 'secondary', text: t('photoRemove'), onclick: function () { state.photo = null; photoInput.value = ''; preview.textContent = ''; } }));
      }, function (code) { photoInput.value = ''; error.textContent = t('err.' + code); });
    });
    var send = el('button', { type: 'button', class: 'primary', text: t('submit'), 'data-testid': 'submit' });
    send.addEventListener('click', function () {
      error.textContent = '';
      var picked = chips.querySelector('input:checked');
      var text = desc.value.trim();
      if (!picked) { error.textContent = t('err.bad_category'); return; }
      if (text.length < form.limits.descriptionMin || text.length > form.limits.descriptionMax) { error.textContent = t('err.bad_description', cfg.vars); return; }
      if (state.lon === null) { error.textContent = t('err.bad_place'); return; }
      send.disabled = true; send.textContent = t('sending');
      var body = { token: form.token, category: picked.value, description: text, lon: state.lon, lat: state.lat, lang: L };
      if (state.photo) body.photo = state.photo;
      api('POST', '/report/api/submit', body).then(function (res) {
        if (res.ok) { location.href = '/report/' + encodeURIComponent(res.body.receipt) + '?lang=' + encodeURIComponent(L) + '&new=1'; return; }
        send.disabled = false; send.textContent = t('submit');
        error.textContent = res.body.error || t('err.bad_request');
        error.scrollIntoView({ block: 'center' });
      });
    });
    var code = el('input', { type: 'text', maxlength: '24', 'aria-label': t('lookup'), placeholder: 'XXXX-XXXX-XXXX-XXXX' });
    var grid = el('div', { class: 'form-grid' },
      el('div', {},
        el('section', { class: 'card' }, el('h2', { text: t('category') }), chips),
        el('section', { class: 'card' }, el('h2', {}, el('label', { for: 'desc', text: t('description') })), desc, el('p', { class: 'hint' }, el('span', { text: t('descriptionHint', cfg.vars) }), count)),
        el('section', { class: 'card' }, el('h2', { text: t('photo') }), el('div', { class: 'photo-row' }, photoPick, preview), el('p', { class: 'hint', text: t('photoHint') }))),
      el('section', { class: 'card' }, el('h2', { text: t('place') }), el('p', { class: 'hint', text: t('placeHint') }), el('div', { class: 'map-wrap' }, svg), placeLine));
    app.appendChild(grid);
    app.appendChild(error);
    app.appendChild(send);
    app.appendChild(el('section', { class: 'card' }, el('h2', { text: t('lookup') }),
      el('div', { class: 'lookup' }, code, el('button', { type: 'button', class: 'secondary', text: t('lookupGo'), onclick: function () { var c = code.value.trim(); if (c) location.href = '/report/' + encodeURIComponent(c) + '?lang=' + encodeURIComponent(L); } }))));
  }

  /** A phone's photo made small enough: at most 1600 px, JPEG, under the limit. */
  function shrink(file, limit) {
    return new Promise(function (resolve, reject) {
      if (!/^image\\/(jpeg|png|webp)$/.test(file.type)) return reject('bad_photo');
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, 1600 / Math.max(img.naturalWidth, img.naturalHeight));
        var c = document.createElement('canvas');
        c.width = Math.round(img.naturalWidth * scale); c.height = Math.round(img.naturalHeight * scale);
        c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
        URL.revokeObjectURL(url);
        var q = [0.85, 0.7, 0.55, 0.4];
        for (var i = 0; i < q.length; i++) {
          var d = c.toDataURL('image/jpeg', q[i]);
          if ((d.length - d.indexOf(',') - 1) * 0.75 <= limit) return resolve(d);
        }
        reject('photo_too_large');
      };
      img.onerror = function () { URL.revokeObjectURL(url); reject('bad_photo'); };
      img.src = url;
    });
  }

  var LOOP = ['reported', 'accepted', 'dispatched', 'handling', 'feedback', 'evaluated'];
  function showReceipt(code) {
    api('GET', '/report/api/receipt/' + encodeURIComponent(code)).then(function (res) {
      app.textContent = '';
      app.appendChild(header());
      if (!res.ok) {
        app.appendChild(el('div', { class: 'error', role: 'alert', 'data-testid': 'receipt-error', text: res.body.error }));
        app.appendChild(el('p', {}, el('a', { href: '/report?lang=' + L, text: t('newReport') })));
        return;
      }
      renderReceipt(res.body, null);
    });
  }
  function renderReceipt(r, note) {
    app.textContent = '';
    app.appendChild(header());
    var fresh = new URL(location.href).searchParams.get('new') === '1';
    var top = el('section', { class: 'card' }, el('h2', { text: t('receiptTitle') }), el('div', { class: 'code', 'data-testid': 'receipt-code', text: r.receipt }));
    if (fresh) top.appendChild(el('p', { class: 'muted', text: t('receiptKeep') }));
    app.appendChild(top);
    var reached = {};
    r.steps.forEach(function (s) { reached[s.step === 'reassigned' ? 'dispatched' : s.step === 'closed' ? 'evaluated' : s.step] = true; });
    if (r.stage === 'reopened') { reached = { reported: true, accepted: true }; }
    var loop = el('ol', { class: 'loop' });
    LOOP.forEach(function (s) { loop.appendChild(el('li', { class: reached[s] ? 'is-done' : '', text: t('step.' + s) })); });
    var steps = el('ul', { class: 'steps' });
    r.steps.forEach(function (s) {
      var what = t('step.' + s.step) + (s.by ? ' · ' + t('by.' + s.by) + (s.department ? ' ' + s.department : '') : '');
      steps.appendChild(el('li', {}, el('span', { text: what }), el('span', { class: 'when', text: fmt(s.ts) })));
    });
    var prog = el('section', { class: 'card' }, el('h2', { text: t('progress') }),
      el('p', { class: 'stage is-' + r.stage, 'data-testid': 'stage', 'data-stage': r.stage, text: t('stage.' + r.stage) }), loop, steps);
    if (r.description) prog.appendChild(el('p', { class: 'muted', text: t('cat.' + r.category) + t('colon') + r.description }));
    if (r.place) prog.appendChild(el('p', { class: 'muted', text: r.place }));
    app.appendChild(prog);
    if (r.rating !== null) {
      app.appendChild(el('section', { class: 'card', 'data-testid': 'rated' }, el('h2', { text: t('rated') }),
        el('p', { text: '★★★★★'.slice(0, r.rating) + '☆☆☆☆☆'.slice(r.rating) + '  ' + t('stars', { n: r.rating }) }), r.comment ? el('p', { class: 'muted', text: r.comment }) : null));
    }
    if (note) app.appendChild(el('p', { class: 'stage is-rated', text: note }));
    if (r.mayRate) app.appendChild(rateCard(r));
    app.appendChild(el('p', {}, el('a', { href: '/report?lang=' + L, text: t('newReport') })));
    if (!r.mayRate && r.stage !== 'rated' && r.stage !== 'cancelled') setTimeout(function () { if (!document.hidden) showReceipt(r.receipt); }, 30000);
  }
  function rateCard(r) {
    var chosen = 0;
    var error = el('div', { class: 'error', role: 'alert', 'data-testid': 'rate-error' });
    var stars = el('div', { class: 'stars', role: 'radiogroup', 'aria-label': t('rateTitle') });
    var spans = [];
    [1, 2, 3, 4, 5].forEach(function (n) {
      var s = el('span', { text: '★' });
      spans.push(s);
      stars.appendChild(el('label', { title: t('stars', { n: n }) }, el('input', { type: 'radio', name: 'rating', value: String(n), 'aria-label': t('stars', { n: n }), 'data-testid': 'star-' + n, onchange: function () { chosen = n; spans.forEach(function (x, i) { x.classList.toggle('is-on', i < n); }); } }), s));
    });
    var comment = el('textarea', { maxlength: '200', 'aria-label': t('rateComment'), placeholder: t('rateComment'), 'data-testid': 'rate-comment' });
    var send = el('button', { type: 'button', class: 'primary', text: t('rateSend'), 'data-testid': 'rate-send' });
    send.addEventListener('click', function () {
      if (!chosen) { error.textContent = t('err.bad_rating'); return; }
      send.disabled = true;
      api('POST', '/report/api/rate', { receipt: r.receipt, rating: chosen, comment: comment.value, lang: L }).then(function (res) {
        send.disabled = false;
        if (!res.ok) { error.textContent = res.body.error; return; }
        renderReceipt(res.body, t('thanks'));
      });
    });
    return el('section', { class: 'card', 'data-testid': 'rate-card' }, el('h2', { text: t('rateTitle') }), stars, comment, el('p', { class: 'muted', text: t('reopenedNote') }), error, send);
  }

  var m = /^\\/report\\/([0-9A-Za-z-]{8,32})\\/?$/.exec(location.pathname);
  if (m) showReceipt(decodeURIComponent(m[1])); else showForm();
})();
`;
