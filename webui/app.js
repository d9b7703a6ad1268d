/*
 * Copyright (c) 2026 The engarde authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/* The dashboard: polls the JSON API each second and draws rates from the
 * counters' deltas, and each path's quality as the daemon measured it; a
 * server's addresses are grouped by session.  Text from the daemon only
 * ever goes in textContent; sizes only through the CSSOM, which the CSP
 * allows. */
'use strict';
(function () {
	const POLL_MS = 1000;
	const TIMEOUT_MS = 4000;
	const WINDOW_MS = 300000;
	const GAP_MS = 3500;		/* a longer pause breaks the graph's line */
	const MAX_DT_MS = 5000;		/* a longer one gives no rate */
	const MIN_DT_MS = 200;
	const RESULT_MS = 15000;
	const THEME_KEY = 'engarde.theme';
	const LOSS_WARN = 1;		/* loss shown amber from 1 %, */
	const LOSS_BAD = 5;		/* red from 5 %, as rounded */
	const NONE = 'none';		/* the group of addresses of no session */

	const root = document.documentElement;
	const rows = new Map();
	const groups = new Map();	/* tbody per session (server) */
	let role = null;
	let polls = 0;
	let failingSince = null;
	let timer = null;
	let inflight = false;
	let kicked = false;
	let colors = null;
	let $ = null;

	/* Before the body exists, so the page never flashes the other theme. */
	setTheme(storedTheme());
	document.addEventListener('DOMContentLoaded', start);

	function storedTheme() {
		try {
			const t = localStorage.getItem(THEME_KEY);
			return t === 'dark' || t === 'light' ? t : null;
		} catch (e) {
			return null;
		}
	}

	function setTheme(t) {
		if (t)
			root.dataset.theme = t;
		else
			delete root.dataset.theme;
	}

	function systemDark() {
		return window.matchMedia('(prefers-color-scheme: dark)').matches;
	}

	function isDark() {
		const t = root.dataset.theme;
		return t ? t === 'dark' : systemDark();
	}

	function themeChanged() {
		colors = null;
		$.theme.setAttribute('aria-pressed', isDark() ? 'true' : 'false');
		for (const r of rows.values())
			draw(r);
	}

	function start() {
		$ = {};
		for (const id of ['role', 'description', 'version', 'uptime',
		    'listen', 'updated', 'theme', 'banner', 'rows', 'empty',
		    'reset', 'reset-result', 'rows-title', 'h-name', 'h-path',
		    'sessions'])
			$[id] = document.getElementById(id);
		$.tbody = $.rows.tBodies[0];
		$.theme.addEventListener('click', function () {
			const t = isDark() ? 'light' : 'dark';
			setTheme(t);
			try {
				localStorage.setItem(THEME_KEY, t);
			} catch (e) {
				/* Private mode: the choice lasts for this page. */
			}
			themeChanged();
		});
		window.matchMedia('(prefers-color-scheme: dark)')
		    .addEventListener('change', themeChanged);
		window.addEventListener('resize', function () {
			for (const r of rows.values())
				draw(r);
		});
		$.reset.addEventListener('click', reset);
		themeChanged();
		poll();
	}

	/* Polling. */

	function schedule(ms) {
		clearTimeout(timer);
		timer = setTimeout(poll, ms);
	}

	/* Poll at once, after an action, without overlapping a poll. */
	function kick() {
		if (inflight)
			kicked = true;
		else
			schedule(0);
	}

	async function poll() {
		const began = performance.now();
		const ctl = new AbortController();
		const t = setTimeout(function () { ctl.abort(); }, TIMEOUT_MS);

		inflight = true;
		try {
			const r = await fetch('api/v1/get-list', {
				cache: 'no-store',
				headers: { Accept: 'application/json' },
				signal: ctl.signal
			});
			if (r.status === 401)
				throw new Error('HTTP 401: reload the page to ' +
				    'sign in again');
			if (!r.ok)
				throw new Error('HTTP ' + r.status +
				    await errorText(r));
			const data = await r.json();
			if (!data || typeof data !== 'object')
				throw new Error('not a JSON object');
			update(data, performance.now());
			answered();
		} catch (e) {
			notAnswering(began, e.name === 'AbortError' ?
			    'no answer in ' + TIMEOUT_MS / 1000 + ' s' :
			    e.message);
		} finally {
			clearTimeout(t);
			inflight = false;
			if (kicked) {
				kicked = false;
				schedule(0);
			} else {
				schedule(Math.max(200,
				    POLL_MS - (performance.now() - began)));
			}
		}
	}

	async function errorText(r) {
		try {
			const j = await r.json();
			return j && j.message ? ': ' + j.message : '';
		} catch (e) {
			return '';
		}
	}

	function answered() {
		polls++;
		failingSince = null;
		$.banner.hidden = true;
		$.banner.textContent = '';
		document.body.dataset.state = 'ok';
		document.body.dataset.polls = String(polls);
		$.updated.textContent = clock(new Date());
	}

	/* Since the first request that got no answer was sent. */
	function notAnswering(began, why) {
		if (failingSince === null)
			failingSince = new Date(Date.now() -
			    (performance.now() - began));
		$.banner.textContent = 'engarded is not answering since ' +
		    clock(failingSince);
		const d = document.createElement('span');
		d.className = 'detail';
		d.textContent = why ? '(' + why + ')' : '';
		$.banner.append(' ', d);
		$.banner.hidden = false;
		document.body.dataset.state = 'down';
		/* Rates resume from fresh counters, not across the gap. */
		for (const r of rows.values())
			r.prev = null;
		const now = performance.now();
		for (const r of rows.values())
			draw(r, now);
	}

	/* One answer of get-list. */

	function update(d, now) {
		const server = d.type === 'server';
		const newrole = server ? 'server' : 'client';
		if (newrole !== role) {
			role = newrole;
			root.dataset.role = role;
			for (const r of rows.values())
				r.tr.remove();
			rows.clear();
			for (const g of groups.values())
				g.tbody.remove();
			groups.clear();
			$['rows-title'].textContent = server ? 'Clients' :
			    'Interfaces';
			$['h-name'].textContent = server ? 'Client' :
			    'Interface';
			$['h-path'].textContent = server ? 'Local socket' :
			    'Source \u2192 destination';
			$.reset.hidden = server;
		}
		$.role.textContent = role;
		$.description.textContent = d.description || '';
		$.version.textContent = d.version || '-';
		$.uptime.textContent = typeof d.uptime_ms === 'number' ?
		    duration(d.uptime_ms) : '-';
		$.listen.textContent = d.listen || '-';
		$.sessions.textContent = !server ? '-' :
		    count0(Array.isArray(d.sessions) ? d.sessions.length :
		    null) + (typeof d.sessions_max === 'number' &&
		    d.sessions_max > 0 ? ' of ' + d.sessions_max : '');
		document.title = 'engarde' +
		    (d.description ? ': ' + d.description : '');

		const list = (server ? d.sockets : d.interfaces) || [];
		const sessions = server ? sessionGroups(d.sessions, list) :
		    null;
		const seen = new Set();
		const last = new Map();		/* the last row of each tbody */
		for (const it of list) {
			const key = server ? it.address : it.name;
			if (typeof key !== 'string' || seen.has(key))
				continue;
			seen.add(key);
			let r = rows.get(key);
			if (!r) {
				r = makeRow(key, server);
				rows.set(key, r);
			}
			const tbody = server ?
			    groups.get(sessionKey(it.session)).tbody : $.tbody;
			/* Keep the daemon's order without rebuilding rows. */
			const prevtr = last.get(tbody) || null;
			const want = prevtr ? prevtr.nextSibling :
			    firstRow(tbody);
			if (want !== r.tr)
				tbody.insertBefore(r.tr, want);
			last.set(tbody, r.tr);
			fill(r, it, server, now, d.uptime_ms);
		}
		for (const [key, r] of rows) {
			if (!seen.has(key)) {
				r.tr.remove();
				rows.delete(key);
			}
		}
		if (server)
			fillGroups(sessions);
		$.tbody.hidden = server;
		$.empty.hidden = rows.size > 0 || groups.size > 0;
		$.rows.hidden = rows.size === 0 && groups.size === 0;
		$.empty.textContent = server ?
		    'No client has been heard from yet.' :
		    'No interface to show.';
	}

	/* Sessions. */

	function sessionKey(id) {
		return Number.isInteger(id) && id > 0 ? String(id) : NONE;
	}

	/*
	 * The groups in the daemon's order of sessions, then any session only
	 * an address names, then the addresses of none; each holds what the
	 * sessions list says of it, or null.
	 */
	function sessionGroups(list, sockets) {
		const want = new Map();
		for (const s of Array.isArray(list) ? list : []) {
			if (s && typeof s === 'object' &&
			    sessionKey(s.id) !== NONE &&
			    !want.has(sessionKey(s.id)))
				want.set(sessionKey(s.id), s);
		}
		let none = false;
		for (const it of sockets) {
			const k = sessionKey(it.session);
			if (k === NONE)
				none = true;
			else if (!want.has(k))
				want.set(k, null);
		}
		if (none)
			want.set(NONE, null);
		let prev = $.tbody;
		for (const k of want.keys()) {
			let g = groups.get(k);
			if (!g) {
				g = makeGroup(k);
				groups.set(k, g);
			}
			if (prev.nextSibling !== g.tbody)
				prev.after(g.tbody);
			prev = g.tbody;
		}
		for (const [k, g] of groups) {
			if (!want.has(k)) {
				g.tbody.remove();
				groups.delete(k);
			}
		}
		return want;
	}

	function makeGroup(key) {
		const tbody = el('tbody', 'session');
		tbody.dataset.session = key;
		const tr = el('tr', 'group', tbody);
		tr.dataset.session = key;
		const th = el('th', null, tr);
		th.scope = 'rowgroup';
		th.colSpan = 9;
		const g = { key: key, tbody: tbody, head: tr };
		g.title = el('span', 'gname', th);
		g.title.textContent = key === NONE ? 'No session yet' :
		    'Session ' + key;
		g.addrs = el('span', 'gfact', th);
		g.last = el('span', 'gfact', th);
		g.wg = el('span', 'gfact', th);
		return g;
	}

	function firstRow(tbody) {
		const f = tbody.firstChild;
		return f && f.classList.contains('group') ? f.nextSibling : f;
	}

	function fillGroups(sessions) {
		for (const [k, g] of groups) {
			const s = sessions.get(k);
			const n = g.tbody.rows.length - 1;
			g.tbody.dataset.addresses = String(n);
			g.addrs.textContent = n === 1 ? '1 address' :
			    n + ' addresses';
			if (!s) {
				g.last.textContent = '';
				g.wg.textContent = '';
				continue;
			}
			const ms = typeof s.last_ms === 'number' ? s.last_ms :
			    null;
			g.last.textContent = 'last packet ' + (ms === null ?
			    'never' : ago(ms));
			g.last.className = 'gfact fresh f-' + freshness(ms);
			g.wg.textContent = s.own_socket ? 'to WireGuard from ' +
			    (s.wireguard_local || '-') :
			    'no socket to WireGuard yet';
		}
	}

	function el(tag, cls, parent, label) {
		const e = document.createElement(tag);
		if (cls)
			e.className = cls;
		if (label)
			e.dataset.label = label;
		if (parent)
			parent.appendChild(e);
		return e;
	}

	function makeRow(key, server) {
		const tr = el('tr', 'row');
		const r = { key: key, tr: tr, hist: [], prev: null,
		    rin: null, rout: null, resultTimer: null };
		tr.dataset[server ? 'client' : 'iface'] = key;

		const th = el('th', 'name', tr);
		th.scope = 'row';
		r.name = el('span', 'ifname', th);
		r.name.textContent = key;
		r.label = el('span', 'label', th);

		const st = el('td', 'status', tr, 'Status');
		r.badge = el('span', 'badge', st);
		r.reason = el('span', 'reason', st);

		const path = el('td', 'path', tr, server ? 'Local socket' :
		    'Source \u2192 destination');
		r.src = el('span', 'addr', path);
		if (!server)
			r.dst = el('span', 'addr dst', path);

		const last = el('td', 'last', tr, 'Last packet');
		r.last = el('span', 'fresh', last);

		const cin = el('td', 'num', tr, 'In');
		r.pin = el('span', 'pkts', cin);
		r.bin = el('span', 'bytes', cin);
		const cout = el('td', 'num', tr, 'Out');
		r.pout = el('span', 'pkts', cout);
		r.bout = el('span', 'bytes', cout);
		r.drops = el('td', 'num drops', tr, 'Drops');

		const q = el('td', 'quality', tr, 'Path quality');
		r.qnone = el('span', 'qnone', q);
		r.qfirst = el('div', 'qfirst', q);
		r.qbar = el('span', 'qbar', r.qfirst);
		r.qbar.setAttribute('role', 'meter');
		r.qbar.setAttribute('aria-valuemin', '0');
		r.qbar.setAttribute('aria-valuemax', '100');
		r.qfill = el('span', 'qfill', r.qbar);
		r.qfirstv = el('span', 'qv', r.qfirst);
		r.qloss = el('span', 'qloss', q);
		r.qlossv = el('span', 'qv', r.qloss);
		r.qloss.append(' loss');
		r.qdelay = el('span', 'qdelay', q);
		r.qp50 = el('span', null, r.qdelay);
		r.qdelay.append(' ');
		r.qp99 = el('span', null, r.qdelay);
		r.qreplay = el('span', 'badge st-replay', q);
		r.qreplay.textContent = 'replay risk';
		r.qreplay.title = 'Copies on this path lag beyond ' +
		    'WireGuard\'s replay window, which refuses them';

		const gcell = el('td', 'graph', tr, 'Packets per second');
		r.canvas = el('canvas', 'chart', gcell);
		r.canvas.setAttribute('role', 'img');
		r.canvas.setAttribute('aria-label', key + ': no rate yet');
		const lg = el('div', 'legend', gcell);
		lg.setAttribute('aria-hidden', 'true');
		r.lin = el('span', 'key key-in', lg);
		r.lout = el('span', 'key key-out', lg);
		r.lpeak = el('span', 'peak', lg);

		if (!server) {
			const act = el('td', 'actions', tr);
			r.button = el('button', null, act);
			r.button.type = 'button';
			r.button.addEventListener('click', function () {
				act1(r);
			});
			r.result = el('span', 'result', act);
			r.result.setAttribute('role', 'status');
			r.result.dataset.result = '';
		}
		return r;
	}

	function num(v) {
		return typeof v === 'number' && isFinite(v) && v >= 0 ? v : 0;
	}

	function fill(r, it, server, now, uptime) {
		let status = it.status || 'active';
		if (!/^[a-z-]+$/.test(status))
			status = 'unknown';
		const reason = it.reason || '';
		r.tr.dataset.status = status;
		r.tr.dataset.reason = reason;
		r.badge.textContent = status;
		r.badge.className = 'badge st-' + status;
		r.reason.textContent = reason;
		r.label.textContent = it.label || '';

		if (server) {
			setText(r.src, it.local);
		} else {
			setText(r.src, it.address || it.source);
			setText(r.dst, it.destination);
		}

		let ms = typeof it.last_ms === 'number' ? it.last_ms :
		    typeof it.last === 'number' ? it.last * 1000 : null;
		const f = freshness(ms);
		r.tr.dataset.fresh = f;
		r.tr.dataset.lastMs = ms === null ? '' : String(ms);
		r.last.className = 'fresh f-' + f;
		r.last.textContent = ms === null ? 'never' : ago(ms);
		r.last.title = ms === null ? 'no packet received yet' :
		    'last packet received ' + ago(ms);

		const c = {
			pi: num(it.packets_in), po: num(it.packets_out),
			bi: num(it.bytes_in), bo: num(it.bytes_out),
			dr: num(it.drops)
		};
		count(r.pin, c.pi, ' pkts');
		count(r.pout, c.po, ' pkts');
		bytes(r.bin, c.bi);
		bytes(r.bout, c.bo);
		count(r.drops, c.dr, '');
		r.drops.classList.toggle('some', c.dr > 0);

		quality(r, it.quality);
		if (server)
			r.tr.dataset.session = sessionKey(it.session);
		rate(r, c, now, uptime);
		draw(r, now);

		if (r.button && !r.busy) {
			const ex = status === 'excluded';
			r.button.dataset.action = ex ? 'include' : 'exclude';
			r.button.textContent = ex ? 'Include' : 'Exclude';
			r.button.setAttribute('aria-label', (ex ? 'Include ' :
			    'Exclude ') + r.key);
		}
	}

	function freshness(ms) {
		return ms === null ? 'silent' : ms < 2000 ? 'fresh' :
		    ms < 10000 ? 'late' : 'silent';
	}

	function ppm(v) {
		return typeof v === 'number' && isFinite(v) ?
		    Math.min(Math.max(v, 0), 1e6) : null;
	}

	/*
	 * The share of messages the path brought first as a bar, its loss
	 * coloured by the thresholds, its delay behind the fastest path; the
	 * numbers the daemon sent stay on the row for the tests.
	 */
	function quality(r, q) {
		const d = r.tr.dataset;
		const measured = q && typeof q === 'object' &&
		    num(q.samples) > 0;
		const first = measured ? ppm(q.first_ppm) : null;
		const loss = measured ? ppm(q.loss_ppm) : null;
		const replay = measured && q.replay === true;
		d.samples = measured ? String(num(q.samples)) : '0';
		d.firstPpm = first === null ? '' : String(first);
		d.lossPpm = loss === null ? '' : String(loss);
		d.replay = replay ? '1' : '0';

		r.qnone.hidden = measured;
		r.qnone.textContent = q && typeof q === 'object' ?
		    'not measured yet' : '-';
		r.qfirst.hidden = first === null;
		r.qloss.hidden = loss === null;
		r.qdelay.hidden = !measured;
		r.qreplay.hidden = !replay;
		if (first !== null) {
			const p = pct(first);
			r.qfill.style.width = first / 1e4 + '%';
			r.qfirstv.textContent = p + ' first';
			r.qbar.setAttribute('aria-valuenow',
			    String(first / 1e4));
			r.qbar.setAttribute('aria-label', r.key +
			    ': first to deliver ' + p + ' of the messages');
			r.qbar.title = 'first to deliver ' + p +
			    ' of the messages, over the last 10 to 20 s';
		}
		if (loss !== null) {
			const shown = parseFloat(pct(loss));
			r.qlossv.textContent = pct(loss);
			r.qloss.className = 'qloss ' + (shown >= LOSS_BAD ?
			    'l-bad' : shown >= LOSS_WARN ? 'l-warn' : 'l-ok');
			r.qloss.title = pct(loss) + ' of the messages lost ' +
			    'or too late on this path, over the last 10 to 20 s';
		}
		if (measured) {
			r.qp50.textContent = '+' + usec(q.delay_p50_us) +
			    ' p50,';
			r.qp99.textContent = '+' + usec(q.delay_p99_us) +
			    ' p99';
			r.qdelay.title = 'delay behind the fastest path: ' +
			    usec(q.delay_p50_us) + ' median, ' +
			    usec(q.delay_p99_us) + ' for 99 % of the messages';
		}
	}

	function setText(e, v) {
		e.textContent = typeof v === 'string' && v !== '' ? v : '-';
	}

	/*
	 * Rates from the deltas, timed by the daemon's clock when it has one:
	 * the server may hand out the same snapshot twice, which is no news
	 * rather than a rate of zero.
	 */
	function rate(r, c, now, uptime) {
		const p = r.prev;
		const up = typeof uptime === 'number' ? uptime : null;
		let dt = 0;
		let restarted = false;
		if (p) {
			const daemon = up !== null && p.up !== null;
			dt = daemon ? up - p.up : now - p.t;
			restarted = (daemon && up < p.up) || c.pi < p.pi ||
			    c.po < p.po;
			/* Too soon after the last one for a steady rate. */
			if (!restarted && dt < MIN_DT_MS)
				return;
		}
		r.prev = { pi: c.pi, po: c.po, t: now, up: up };
		if (!p)
			return;
		if (restarted) {
			r.hist.length = 0;
			return;
		}
		if (dt > MAX_DT_MS)
			return;
		r.rin = (c.pi - p.pi) * 1000 / dt;
		r.rout = (c.po - p.po) * 1000 / dt;
		r.hist.push({ t: now, i: r.rin, o: r.rout });
		while (r.hist.length && r.hist[0].t < now - WINDOW_MS)
			r.hist.shift();
		r.tr.dataset.rateIn = String(round1(r.rin));
		r.tr.dataset.rateOut = String(round1(r.rout));
	}

	/* The graph. */

	function palette() {
		if (!colors) {
			const s = getComputedStyle(root);
			colors = {};
			for (const k of ['in', 'out', 'grid', 'muted'])
				colors[k] = s.getPropertyValue('--' + k).trim();
		}
		return colors;
	}

	function nice(v) {
		if (v <= 1)
			return 1;
		const e = Math.pow(10, Math.floor(Math.log10(v)));
		for (const m of [1, 2, 3, 5, 10])
			if (v <= m * e)
				return m * e;
		return 10 * e;
	}

	function draw(r, now) {
		const cv = r.canvas;
		const w = cv.clientWidth;
		const h = cv.clientHeight;
		if (!w || !h)
			return;
		now = now || performance.now();
		const dpr = window.devicePixelRatio || 1;
		if (cv.width !== Math.round(w * dpr) ||
		    cv.height !== Math.round(h * dpr)) {
			cv.width = Math.round(w * dpr);
			cv.height = Math.round(h * dpr);
		}
		const g = cv.getContext('2d');
		const col = palette();
		g.setTransform(dpr, 0, 0, dpr, 0, 0);
		g.clearRect(0, 0, w, h);

		let max = 0;
		for (const s of r.hist)
			max = Math.max(max, s.i, s.o);
		const top = nice(max);
		const pad = 3;
		const y = function (v) {
			return h - pad - v / top * (h - 2 * pad);
		};
		const x = function (t) {
			return w - (now - t) / WINDOW_MS * w;
		};

		g.lineWidth = 1;
		g.strokeStyle = col.grid;
		g.setLineDash([2, 3]);
		g.beginPath();
		for (const v of [top, top / 2]) {
			g.moveTo(0, Math.round(y(v)) + 0.5);
			g.lineTo(w, Math.round(y(v)) + 0.5);
		}
		g.stroke();
		g.setLineDash([]);
		g.beginPath();
		g.moveTo(0, Math.round(y(0)) + 0.5);
		g.lineTo(w, Math.round(y(0)) + 0.5);
		g.stroke();

		series(g, r.hist, 'o', col.out, x, y, true);
		series(g, r.hist, 'i', col.in, x, y, false);

		r.canvas.dataset.peak = String(top);
		r.lpeak.textContent = 'scale ' + fmtRate(top) + '/s';
		if (r.rin === null) {
			r.lin.textContent = 'in -';
			r.lout.textContent = 'out -';
			cv.setAttribute('aria-label', r.key +
			    ': no rate yet');
			return;
		}
		const rin = fmtRate(r.rin);
		const rout = fmtRate(r.rout);
		r.lin.textContent = 'in ' + rin + '/s';
		r.lout.textContent = 'out ' + rout + '/s';
		cv.setAttribute('aria-label', r.key + ': ' + rin +
		    ' packets per second in, ' + rout + ' out; ' +
		    'graph of the last 5 minutes, scale ' + fmtRate(top) +
		    ' per second');
	}

	/* One line, broken where polls were missed; out gets a light fill. */
	function series(g, hist, k, color, x, y, area) {
		let run = [];
		const flush = function () {
			if (run.length === 1)
				run.push({ t: run[0].t - 250, v: run[0].v });
			if (run.length > 1) {
				g.beginPath();
				g.moveTo(x(run[0].t), y(run[0].v));
				for (const p of run)
					g.lineTo(x(p.t), y(p.v));
				if (area) {
					g.save();
					g.lineTo(x(run[run.length - 1].t), y(0));
					g.lineTo(x(run[0].t), y(0));
					g.closePath();
					g.globalAlpha = 0.16;
					g.fillStyle = color;
					g.fill();
					g.restore();
					g.beginPath();
					g.moveTo(x(run[0].t), y(run[0].v));
					for (const p of run)
						g.lineTo(x(p.t), y(p.v));
				}
				g.strokeStyle = color;
				g.lineWidth = 1.5;
				g.lineJoin = 'round';
				g.stroke();
			}
			run = [];
		};
		let last = null;
		for (const s of hist) {
			if (last !== null && s.t - last > GAP_MS)
				flush();
			run.push({ t: s.t, v: s[k] });
			last = s.t;
		}
		flush();
	}

	/* Actions. */

	async function post(path, body) {
		let r;
		let j = null;
		try {
			r = await fetch(path, {
				method: 'POST',
				cache: 'no-store',
				headers: {
					'Content-Type': 'application/json',
					Accept: 'application/json'
				},
				body: JSON.stringify(body)
			});
		} catch (e) {
			return { status: 'error',
			    message: 'engarded is not answering' };
		}
		try {
			j = await r.json();
		} catch (e) {
			j = null;
		}
		if (!r.ok || !j || typeof j.status !== 'string')
			return { status: 'error', message: (j && j.message) ||
			    'HTTP ' + r.status + (r.statusText ? ' ' +
			    r.statusText : '') };
		return j;
	}

	function showResult(e, res, prefix) {
		const st = res.status;
		let text;
		if (st === 'ok')
			text = 'ok';
		else if (st === 'already-excluded')
			text = 'already excluded';
		else if (st === 'already-included')
			text = 'already included';
		else
			text = 'error: ' + (res.message || st);
		e.dataset.resultStatus = st === 'ok' ||
		    st.startsWith('already-') ? st : 'error';
		e.textContent = (prefix ? prefix + ': ' : '') + text;
		clearTimeout(e.fadeTimer);
		e.fadeTimer = setTimeout(function () {
			e.textContent = '';
			e.dataset.resultStatus = '';
		}, RESULT_MS);
	}

	async function act1(r) {
		const action = r.button.dataset.action;
		if (r.busy || (action !== 'exclude' && action !== 'include'))
			return;
		r.busy = true;
		r.button.disabled = true;
		r.result.dataset.resultStatus = 'pending';
		r.result.textContent = action === 'exclude' ? 'excluding' :
		    'including';
		const res = await post('api/v1/' + action,
		    { interface: r.key });
		showResult(r.result, res, action);
		r.busy = false;
		r.button.disabled = false;
		kick();
	}

	async function reset() {
		$.reset.disabled = true;
		const res = await post('api/v1/reset-exclusions', {});
		showResult($['reset-result'], res, 'reset');
		$.reset.disabled = false;
		kick();
	}

	/* Formatting. */

	function pad2(n) {
		return String(n).padStart(2, '0');
	}

	function clock(d) {
		return pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' +
		    pad2(d.getSeconds());
	}

	function duration(ms) {
		let s = Math.floor(ms / 1000);
		const d = Math.floor(s / 86400);
		const h = Math.floor(s % 86400 / 3600);
		const m = Math.floor(s % 3600 / 60);
		s %= 60;
		if (d)
			return d + ' d ' + h + ' h ' + m + ' min';
		if (h)
			return h + ' h ' + m + ' min';
		if (m)
			return m + ' min ' + s + ' s';
		return s + ' s';
	}

	function ago(ms) {
		if (ms < 10000)
			return (ms / 1000).toFixed(1) + ' s ago';
		if (ms < 120000)
			return Math.round(ms / 1000) + ' s ago';
		return duration(ms).replace(/ \d+ s$/, '') + ' ago';
	}

	/* Parts per million as a percentage, one decimal. */
	function pct(v) {
		return (v / 1e4).toFixed(1) + '%';
	}

	function usec(v) {
		if (typeof v !== 'number' || !isFinite(v) || v < 0)
			return '-';
		if (v < 1000)
			return v === 0 ? '0 ms' : (v / 1000).toFixed(2) + ' ms';
		if (v < 10000)
			return (v / 1000).toFixed(1) + ' ms';
		if (v < 1e6)
			return Math.round(v / 1000) + ' ms';
		return (v / 1e6).toFixed(2) + ' s';
	}

	function count0(v) {
		return typeof v === 'number' ? String(v) : '-';
	}

	function round1(v) {
		return Math.round(v * 10) / 10;
	}

	function fmtRate(v) {
		if (v === 0)
			return '0';
		if (v < 10)
			return v.toFixed(1);
		if (v < 10000)
			return String(Math.round(v));
		return (v / 1000).toFixed(v < 100000 ? 1 : 0) + 'k';
	}

	function count(e, v, unit) {
		let s;
		if (v < 1e6)
			s = v.toLocaleString('en-US');
		else if (v < 1e9)
			s = (v / 1e6).toFixed(2) + ' M';
		else
			s = (v / 1e9).toFixed(2) + ' G';
		e.textContent = s + unit;
		e.title = v.toLocaleString('en-US') + unit;
	}

	function bytes(e, v) {
		const u = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
		let i = 0;
		let x = v;
		while (x >= 1000 && i < u.length - 1) {
			x /= 1000;
			i++;
		}
		e.textContent = (i ? x.toFixed(x < 100 ? 1 : 0) : x) + ' ' +
		    u[i];
		e.title = v.toLocaleString('en-US') + ' bytes';
	}
})();
