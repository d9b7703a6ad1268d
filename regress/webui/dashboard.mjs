// Copyright (c) 2026 The engarde authors
//
// Permission to use, copy, modify, and distribute this software for any
// purpose with or without fee is hereby granted, provided that the above
// copyright notice and this permission notice appear in all copies.
//
// THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
// WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
// MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
// ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
// WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
// ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
// OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.

// The dashboard in a real browser: loads it with basic auth, waits for the
// rows and their rates, checks that each path's quality is drawn as the
// daemon gave it, excludes and includes a link, takes screenshots, checks
// the "not answering" banner, and prints one JSON line.  Exits 0 when
// every check held, 1 otherwise with the reason.
//
//   node dashboard.mjs --url URL [--user U --password P] [--expect a,b]
//       [--exclude NAME] [--screenshot OUT.png] [--timeout SECONDS]
//       [--flat POLLS] [--chromium PATH] [--quality JSON]
//       [--sessions JSON]
//
// --quality '{"egl2": {"loss": "10.0%", "first": "25.0%", "replay": false,
// "delay": "+18 ms p50, +65 ms p99"}, "wg0": null}': what rows show, null
// for "not measured yet"; any key may be left out.  --sessions '{"1":
// ["192.0.2.1:40000"], "none": [...]}': a server's session groups in
// order, each with its addresses in order.
//
// The page's hooks: tbody tr[data-iface] (client) or tr[data-client]
// (server) with data-status, data-reason, data-rate-in, data-rate-out
// (packets per second, from the last two polls), data-fresh,
// data-last-ms, data-samples, data-first-ppm, data-loss-ppm, data-replay
// and data-session (server); in it .qnone, .qbar > .qfill, .qfirst .qv,
// .qloss .qv, .qdelay and .st-replay; tbody.session[data-session] whose
// first row is tr.group with .gname; button[data-action=exclude|include]
// and [data-result] (data-result-status) in the row; body[data-polls]
// counts the answered polls and body[data-state] is ok, down or loading;
// #banner, #theme, canvas.chart with its aria-label.

import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const USAGE = 'usage: dashboard.mjs --url URL [--user U --password P] ' +
    '[--expect a,b] [--exclude NAME] [--screenshot OUT.png] ' +
    '[--timeout SECONDS] [--flat POLLS] [--chromium PATH] ' +
    '[--quality JSON] [--sessions JSON]';
// A path's row, whichever the role.
const ROWS = 'tbody tr[data-iface], tbody tr[data-client]';
const ARGS = ['--no-sandbox', '--disable-background-networking',
    '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-component-update', '--disable-sync'];
const BANNER = /^engarded is not answering since \d\d:\d\d:\d\d/;

const opt = { url: null, user: null, password: null, expect: [],
    exclude: null, screenshot: null, timeout: 30, flat: 3,
    quality: null, sessions: null,
    chromium: process.env.CHROMIUM || '/usr/bin/chromium' };
const observed = { url: null, role: null, checks: {}, screenshots: [] };
let context = null;
let profile = null;

function usage(why) {
	console.error((why ? why + '\n' : '') + USAGE);
	process.exit(1);
}

function parseArgs(argv) {
	for (let i = 2; i < argv.length; i++) {
		const a = argv[i];
		const v = argv[i + 1];
		if (!a.startsWith('--') || v === undefined)
			usage('bad argument: ' + a);
		i++;
		switch (a) {
		case '--url':
			opt.url = v;
			break;
		case '--user':
			opt.user = v;
			break;
		case '--password':
			opt.password = v;
			break;
		case '--expect':
			opt.expect = v.split(',').filter((s) => s !== '');
			break;
		case '--exclude':
			opt.exclude = v;
			break;
		case '--screenshot':
			opt.screenshot = v;
			break;
		case '--timeout':
			opt.timeout = Number(v);
			break;
		case '--flat':
			opt.flat = Number(v);
			break;
		case '--chromium':
			opt.chromium = v;
			break;
		case '--quality':
		case '--sessions':
			try {
				opt[a.slice(2)] = JSON.parse(v);
			} catch (e) {
				usage(a + ': ' + e.message);
			}
			if (!opt[a.slice(2)] ||
			    typeof opt[a.slice(2)] !== 'object')
				usage(a + ' takes a JSON object');
			break;
		default:
			usage('unknown option: ' + a);
		}
	}
	if (!opt.url)
		usage('--url is required');
	if (!(opt.timeout > 0) || !(opt.flat >= 1))
		usage('--timeout and --flat must be positive');
	if ((opt.user === null) !== (opt.password === null))
		usage('--user and --password go together');
	observed.url = opt.url;
}

class CheckFailed extends Error {
}

function check(name, ok, why) {
	observed.checks[name] = Boolean(ok);
	if (!ok)
		throw new CheckFailed(name + ': ' + why);
}

function shotName(suffix) {
	const base = opt.screenshot.replace(/\.png$/i, '');
	return suffix ? base + '-' + suffix + '.png' : base + '.png';
}

// What the page shows now, through its data attributes.
function snapshot(page) {
	return page.evaluate((sel) => {
		const b = document.body;
		const num = (v) => (v === undefined || v === '' ? null :
		    Number(v));
		return {
			state: b.dataset.state,
			polls: Number(b.dataset.polls || 0),
			role: document.documentElement.dataset.role || null,
			banner: document.getElementById('banner').hidden ?
			    null : document.getElementById('banner').textContent,
			rows: [...document.querySelectorAll(sel)]
			    .map((tr) => ({
				name: tr.dataset.iface || tr.dataset.client,
				status: tr.dataset.status,
				reason: tr.dataset.reason || '',
				fresh: tr.dataset.fresh,
				rate_in: num(tr.dataset.rateIn),
				rate_out: num(tr.dataset.rateOut),
				samples: num(tr.dataset.samples),
				session: tr.dataset.session
			}))
		};
	}, ROWS);
}

function row(snap, name) {
	return snap.rows.find((r) => r.name === name);
}

// Rows as name=status/rate_out, for the reasons of failures.
function brief(snap) {
	return snap.rows.map((r) => r.name + '=' + r.status + '/' +
	    r.rate_out).join(' ') + ' (state ' + snap.state + ', polls ' +
	    snap.polls + (snap.banner ? ', ' + snap.banner : '') + ')';
}

async function waitFor(page, what, fn, arg) {
	try {
		await page.waitForFunction(fn, arg,
		    { timeout: opt.timeout * 1000, polling: 200 });
	} catch (e) {
		let seen = '';
		try {
			seen = '; the page shows ' + brief(await snapshot(page));
		} catch (e2) {
			seen = '; ' + e.message.split('\n')[0];
		}
		check(what, false, 'not seen within ' + opt.timeout + ' s' +
		    seen);
	}
	observed.checks[what] = true;
}

// Waits for n more answered polls.
async function polls(page, n) {
	const s = await snapshot(page);
	await waitFor(page, 'polls answered', (want) =>
	    Number(document.body.dataset.polls) >= want, s.polls + n);
}

function rowSel(name) {
	return 'tbody tr[data-iface="' + name.replace(/["\\]/g, '\\$&') +
	    '"]';
}

async function act(page, name, action, status) {
	const tr = page.locator(rowSel(name));
	const btn = tr.locator('button[data-action="' + action + '"]');
	check(action + ' button', await btn.count() === 1,
	    'no ' + action + ' button on ' + name);
	const label = await btn.getAttribute('aria-label');
	await btn.click({ timeout: opt.timeout * 1000 });
	await waitFor(page, action + ' answered', (sel) => {
		const r = document.querySelector(sel + ' [data-result]');
		return r && r.dataset.resultStatus &&
		    r.dataset.resultStatus !== 'pending';
	}, rowSel(name));
	const res = tr.locator('[data-result]');
	const result = { status: await res.getAttribute('data-result-status'),
	    text: await res.textContent(), button: label };
	observed[action] = result;
	check(action + ' result ok', result.status === 'ok',
	    name + ' answered "' + result.text + '"');
	await waitFor(page, action + ' status ' + status, (a) => {
		const r = document.querySelector(a[0]);
		return r && r.dataset.status === a[1];
	}, [rowSel(name), status]);
}

// What each row shows of its quality, read from the page at one moment.
function readQuality(page) {
	return page.evaluate((sel) => {
		const shown = (e) => e !== null && e.getClientRects().length > 0;
		const text = (e) => (e === null ? null : e.textContent);
		return [...document.querySelectorAll(sel)].map((tr) => {
			const bar = tr.querySelector('.qbar');
			const fill = tr.querySelector('.qfill');
			const loss = tr.querySelector('.qloss');
			const bw = bar.getBoundingClientRect().width;
			return {
				name: tr.dataset.iface || tr.dataset.client,
				samples: Number(tr.dataset.samples),
				first_ppm: tr.dataset.firstPpm === '' ? null :
				    Number(tr.dataset.firstPpm),
				loss_ppm: tr.dataset.lossPpm === '' ? null :
				    Number(tr.dataset.lossPpm),
				replay: tr.dataset.replay === '1',
				none: shown(tr.querySelector('.qnone')) ?
				    text(tr.querySelector('.qnone')) : null,
				bar_shown: shown(bar),
				bar: bw > 0 ? fill.getBoundingClientRect()
				    .width / bw : null,
				bar_label: bar.getAttribute('aria-label'),
				first: text(tr.querySelector('.qfirst .qv')),
				loss: text(loss.querySelector('.qv')),
				loss_class: loss.className,
				loss_shown: shown(loss),
				delay: shown(tr.querySelector('.qdelay')) ?
				    text(tr.querySelector('.qdelay')) : null,
				replay_shown: shown(tr.querySelector(
				    '.st-replay'))
			};
		});
	}, ROWS);
}

function pct(v) {
	return (v / 1e4).toFixed(1) + '%';
}

// Every row draws what its own numbers say; with --quality, the numbers
// are the expected ones.
async function checkQuality(page) {
	const rows = await readQuality(page);
	observed.quality = rows;
	for (const q of rows) {
		const n = q.name;
		if (q.samples === 0) {
			check('quality: not measured', q.none ===
			    'not measured yet' && !q.bar_shown &&
			    !q.loss_shown && !q.replay_shown, n +
			    ' has no samples but shows ' + JSON.stringify(q));
			continue;
		}
		check('quality: measured', q.none === null && q.bar_shown &&
		    q.loss_shown && q.delay !== null, n + ' has ' +
		    q.samples + ' samples but shows ' + JSON.stringify(q));
		check('quality: first bar', q.first_ppm !== null &&
		    Math.abs(q.bar - q.first_ppm / 1e6) < 0.03 &&
		    q.first === pct(q.first_ppm) + ' first' &&
		    q.bar_label.includes(pct(q.first_ppm)), n + ': ' +
		    q.first_ppm + ' ppm first, the bar is ' + q.bar +
		    ' of its track, "' + q.first + '"');
		// The colour goes by the figure shown.
		const shown = parseFloat(pct(q.loss_ppm));
		const cls = shown >= 5 ? 'l-bad' : shown >= 1 ? 'l-warn' :
		    'l-ok';
		check('quality: loss', q.loss_ppm !== null &&
		    q.loss === pct(q.loss_ppm) &&
		    q.loss_class.split(' ').includes(cls), n + ': ' +
		    q.loss_ppm + ' ppm lost, shown "' + q.loss + '" as ' +
		    q.loss_class);
		check('quality: replay badge', q.replay === q.replay_shown,
		    n + ': replay ' + q.replay + ', badge shown ' +
		    q.replay_shown);
	}
	if (opt.quality === null)
		return;
	for (const [n, want] of Object.entries(opt.quality)) {
		const q = rows.find((r) => r.name === n);
		check('quality: expected row', q !== undefined, 'no row ' + n);
		if (want === null) {
			check('quality: expected not measured', q.samples ===
			    0 && q.none === 'not measured yet', n +
			    ' shows ' + JSON.stringify(q));
			continue;
		}
		const got = { loss: q.loss, first: q.first === null ? null :
		    q.first.replace(/ first$/, ''), replay: q.replay_shown,
		    delay: q.delay };
		for (const k of Object.keys(want))
			check('quality: expected ' + k, got[k] === want[k],
			    n + ' shows ' + k + ' ' + JSON.stringify(got[k]) +
			    ', not ' + JSON.stringify(want[k]));
		if (want.first !== undefined)
			check('quality: expected bar width', Math.abs(q.bar -
			    parseFloat(want.first) / 100) < 0.03, n +
			    '\'s bar is ' + q.bar + ' of its track, not ' +
			    want.first);
	}
}

// A server's groups: a heading per session, its addresses under it.
async function checkSessions(page) {
	const got = await page.evaluate(() => [...document.querySelectorAll(
	    'tbody.session')].filter((tb) => tb.getClientRects().length > 0)
	    .map((tb) => ({
		session: tb.dataset.session,
		head: tb.rows[0].classList.contains('group') ?
		    [...tb.rows[0].querySelectorAll('.gname, .gfact')]
		    .map((e) => e.textContent).filter((t) => t !== '') :
		    null,
		addresses: [...tb.querySelectorAll('tr[data-client]')]
		    .map((tr) => tr.dataset.client),
		marked: [...tb.querySelectorAll('tr[data-client]')]
		    .every((tr) => tr.dataset.session === tb.dataset.session)
	})));
	observed.sessions = got;
	const want = Object.entries(opt.sessions);
	check('sessions: groups', JSON.stringify(got.map((g) => g.session)) ===
	    JSON.stringify(want.map(([k]) => k)), 'groups ' +
	    JSON.stringify(got.map((g) => g.session)) + ', not ' +
	    JSON.stringify(want.map(([k]) => k)));
	for (const [i, [k, addrs]] of want.entries()) {
		const g = got[i];
		const n = addrs.length;
		const title = k === 'none' ? 'No session yet' : 'Session ' + k;
		check('sessions: heading', g.head !== null &&
		    g.head[0] === title && g.head[1] === n +
		    (n === 1 ? ' address' : ' addresses'), 'session ' + k +
		    ' is headed ' + JSON.stringify(g.head));
		check('sessions: addresses', JSON.stringify(g.addresses) ===
		    JSON.stringify(addrs) && g.marked, 'session ' + k +
		    ' holds ' + JSON.stringify(g.addresses) + ', not ' +
		    JSON.stringify(addrs));
	}
}

async function run() {
	profile = mkdtempSync(join(tmpdir(), 'engarde-webui-'));
	context = await chromium.launchPersistentContext(profile, {
		executablePath: opt.chromium,
		headless: true,
		args: ARGS,
		ignoreHTTPSErrors: true,
		httpCredentials: opt.user === null ? undefined :
		    { username: opt.user, password: opt.password },
		viewport: { width: 1280, height: 800 },
		deviceScaleFactor: 1,
		colorScheme: 'light',
		timeout: opt.timeout * 1000
	});
	const page = context.pages()[0] || await context.newPage();
	const errors = [];
	page.on('console', (m) => {
		if (m.type() === 'error')
			errors.push(m.text());
	});
	page.on('pageerror', (e) => errors.push(e.message));

	// The page and its headers.
	const resp = await page.goto(opt.url, { waitUntil: 'load',
	    timeout: opt.timeout * 1000 });
	check('page loaded', resp && resp.status() === 200,
	    'HTTP ' + (resp ? resp.status() : 'no answer'));
	const csp = resp.headers()['content-security-policy'] || '';
	observed.csp = csp;
	check('csp header', /default-src 'none'/.test(csp),
	    'no Content-Security-Policy with default-src \'none\'');

	// Every expected row, and a few answered polls for rates.
	if (opt.expect.length > 0) {
		await waitFor(page, 'rows present', (a) => {
			const have = new Set([...document
			    .querySelectorAll(a.sel)].map((tr) =>
			    tr.dataset.iface || tr.dataset.client));
			return a.names.every((n) => have.has(n));
		}, { names: opt.expect, sel: ROWS });
	} else {
		await waitFor(page, 'rows present', (sel) =>
		    document.querySelectorAll(sel).length > 0, ROWS);
	}
	await waitFor(page, 'polling', () =>
	    Number(document.body.dataset.polls) >= 3);
	let snap = await snapshot(page);
	observed.role = snap.role;

	// An active link's graph shows traffic.
	const names = opt.expect.length > 0 ? opt.expect :
	    snap.rows.map((r) => r.name);
	const active = names.filter((n) => row(snap, n).status === 'active');
	check('an active row', active.length > 0,
	    'no expected row is active: ' + JSON.stringify(snap.rows));
	// Every expected active row, or without --expect any active row.
	await waitFor(page, 'rates drawn', (a) => {
		const busy = (n) => {
			const tr = [...document.querySelectorAll(a.sel)]
			    .find((r) => (r.dataset.iface ||
			    r.dataset.client) === n);
			return tr && Number(tr.dataset.rateOut) > 0;
		};
		return a.all ? a.names.every(busy) : a.names.some(busy);
	}, { names: active, all: opt.expect.length > 0, sel: ROWS });
	snap = await snapshot(page);
	const drawn = active.find((n) => row(snap, n).rate_out > 0);
	const graph = await page.evaluate(([n, sel]) => {
		const tr = [...document.querySelectorAll(sel)].find(
		    (r) => (r.dataset.iface || r.dataset.client) === n);
		const cv = tr.querySelector('canvas');
		const px = cv.getContext('2d').getImageData(0, 0, cv.width,
		    cv.height).data;
		let inked = 0;
		for (let i = 3; i < px.length; i += 4)
			if (px[i] > 0)
				inked++;
		return { row: n, label: cv.getAttribute('aria-label'), inked };
	}, [drawn, ROWS]);
	observed.graph = graph;
	check('graph drawn', graph.inked > 0, 'the canvas is blank');
	const m = /: ([0-9.]+k?) packets per second in, ([0-9.]+k?) out/
	    .exec(graph.label || '');
	check('graph label', m !== null && parseFloat(m[2]) > 0,
	    'aria-label shows no outbound rate: ' + graph.label);
	snap = await snapshot(page);
	observed.rates_before = snap.rows.map((r) => [r.name, r.rate_in,
	    r.rate_out]);

	await checkQuality(page);
	if (opt.sessions !== null)
		await checkSessions(page);

	// Exclude: status, then a flat outbound rate while others carry on.
	if (opt.exclude !== null) {
		const x = opt.exclude;
		check('client role', snap.role === 'client',
		    'only a client has interfaces to exclude');
		check('excluded row active', row(snap, x) &&
		    row(snap, x).status === 'active',
		    x + ' is not an active row');
		const others = active.filter((n) => n !== x);
		check('another active link', others.length > 0,
		    'no active link besides ' + x);
		await act(page, x, 'exclude', 'excluded');
		await waitFor(page, 'outbound rate fell to 0', (sel) => {
			const r = document.querySelector(sel);
			return r && r.dataset.rateOut === '0';
		}, rowSel(x));
		const flat = [];
		for (let i = 0; i < opt.flat; i++) {
			await polls(page, 1);
			const s = await snapshot(page);
			const me = row(s, x);
			const busy = others.map((n) => row(s, n))
			    .filter((r) => r && r.rate_out > 0);
			flat.push({ rate_out: me.rate_out, status: me.status,
			    others: busy.map((r) => [r.name, r.rate_out]) });
			check('excluded link flat', me.rate_out === 0 &&
			    me.status === 'excluded', x + ' sent ' +
			    me.rate_out + ' packets/s while ' + me.status);
			check('other link carries traffic', busy.length > 0,
			    'no other link sent anything: ' +
			    JSON.stringify(s.rows));
		}
		observed.flat = flat;
		observed.excluded_reason = row(await snapshot(page), x).reason;

		await act(page, x, 'include', 'active');
		await waitFor(page, 'outbound rate back', (sel) => {
			const r = document.querySelector(sel);
			return r && Number(r.dataset.rateOut) > 0;
		}, rowSel(x));
		snap = await snapshot(page);
		observed.rates_after = snap.rows.map((r) => [r.name,
		    r.rate_in, r.rate_out]);
	}
	observed.console_errors = errors.slice();
	check('no console errors', errors.length === 0,
	    'the page logged: ' + errors.join(' | '));

	const desktop = await page.evaluate(() =>
	    document.documentElement.scrollWidth);
	observed.desktop = desktop;
	check('desktop width fits', desktop <= 1280,
	    'the page is ' + desktop + ' px wide in a 1280 px window');

	// Screenshots: desktop light, dark (as the system's choice), phone.
	if (opt.screenshot !== null) {
		await polls(page, 1);
		await page.screenshot({ path: shotName(), fullPage: true });
		observed.screenshots.push(shotName());
	}
	const lightBg = await page.evaluate(() =>
	    getComputedStyle(document.body).backgroundColor);
	await page.emulateMedia({ colorScheme: 'dark' });
	await polls(page, 1);
	const darkBg = await page.evaluate(() =>
	    getComputedStyle(document.body).backgroundColor);
	observed.background = { light: lightBg, dark: darkBg };
	check('dark theme follows the system', lightBg !== darkBg,
	    'the background stayed ' + lightBg);
	if (opt.screenshot !== null) {
		await page.screenshot({ path: shotName('dark'),
		    fullPage: true });
		observed.screenshots.push(shotName('dark'));
	}
	await page.emulateMedia({ colorScheme: 'light' });

	await page.setViewportSize({ width: 390, height: 844 });
	await polls(page, 1);
	const phone = await page.evaluate(() => ({
		scroll: document.documentElement.scrollWidth,
		widest: Math.max(...[...document.querySelectorAll(
		    'tbody tr')].map((r) => r.getBoundingClientRect().right))
	}));
	observed.phone_bars = await page.evaluate((sel) => [...document
	    .querySelectorAll(sel)].filter((tr) => Number(tr.dataset.samples) >
	    0).map((tr) => tr.querySelector('.qbar').getBoundingClientRect()
	    .width), ROWS);
	observed.phone = phone;
	check('phone width fits', phone.scroll <= 390 && phone.widest <= 390,
	    'wider than 390 px: ' + JSON.stringify(phone));
	check('phone quality bars', observed.phone_bars.every((w) => w > 0),
	    'a quality bar has no width: ' +
	    JSON.stringify(observed.phone_bars));
	if (opt.screenshot !== null) {
		await page.screenshot({ path: shotName('phone'),
		    fullPage: true });
		observed.screenshots.push(shotName('phone'));
	}
	await page.setViewportSize({ width: 1280, height: 800 });

	// The manual theme toggle, remembered across a reload.
	await page.click('#theme');
	const toggled = await page.evaluate(() => ({
		theme: document.documentElement.dataset.theme,
		stored: localStorage.getItem('engarde.theme'),
		bg: getComputedStyle(document.body).backgroundColor
	}));
	await page.reload({ waitUntil: 'load' });
	const kept = await page.evaluate(() =>
	    document.documentElement.dataset.theme);
	observed.toggle = { ...toggled, after_reload: kept };
	check('theme toggle', toggled.theme === 'dark' &&
	    toggled.stored === 'dark' && toggled.bg === darkBg &&
	    kept === 'dark', 'the toggle did not switch and keep the dark ' +
	    'theme: ' + JSON.stringify(observed.toggle));
	await waitFor(page, 'polling after reload', () =>
	    Number(document.body.dataset.polls) >= 2);

	// The banner when the API stops answering, and gone when it is back.
	await page.route('**/api/v1/get-list', (r) =>
	    r.abort('connectionrefused'));
	await waitFor(page, 'banner shown', (re) => {
		const b = document.getElementById('banner');
		return !b.hidden && new RegExp(re).test(b.textContent) &&
		    document.body.dataset.state === 'down';
	}, BANNER.source);
	observed.banner = (await snapshot(page)).banner;
	await page.unroute('**/api/v1/get-list');
	await waitFor(page, 'banner cleared', () =>
	    document.getElementById('banner').hidden &&
	    document.body.dataset.state === 'ok');
}

async function main() {
	parseArgs(process.argv);
	const guard = setTimeout(() => {
		observed.ok = false;
		observed.reason = 'the whole test took too long';
		console.log(JSON.stringify(observed));
		process.exit(1);
	}, (opt.timeout * 12 + 60) * 1000);
	let code = 0;
	try {
		await run();
		observed.ok = true;
	} catch (e) {
		observed.ok = false;
		observed.reason = e instanceof CheckFailed ? e.message :
		    'error: ' + (e && e.message ? e.message.split('\n')[0] :
		    String(e));
		code = 1;
		if (context !== null && opt.screenshot !== null) {
			try {
				const p = context.pages()[0];
				await p.screenshot({ path: shotName('failed'),
				    fullPage: true });
				observed.screenshots.push(shotName('failed'));
			} catch (e2) {
				/* The browser may be what failed. */
			}
		}
	}
	if (context !== null)
		await context.close().catch(() => {});
	if (profile !== null)
		rmSync(profile, { recursive: true, force: true });
	clearTimeout(guard);
	console.log(JSON.stringify(observed));
	if (code !== 0)
		console.error('dashboard: ' + observed.reason);
	process.exit(code);
}

main();
