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

// A fake engarded API on plain HTTP at 127.0.0.1 that serves ../../webui
// with the real CSP, counters that grow and fixed path qualities, to work
// on the page and on dashboard.mjs without a daemon.  offline.sh runs the
// browser test against it and against fakesnap.c, which give the same
// figures: CLIENT_QUALITY, SERVER_QUALITY and SERVER_SESSIONS there are
// what it expects of the data below.
//
//   node regress/webui/mock.mjs [--port 9480] [--server]
//       [--user U --password P] [--stall]
//
// --server answers as an engarde server; --user/--password turn on basic
// auth; --stall makes get-list hang (to see the banner).  POST /mock/stall
// and /mock/resume switch that at run time.

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const webui = join(here, '..', '..', 'webui');
const opt = { port: 9480, server: false, user: null, password: null,
    stall: false };
for (let i = 2; i < process.argv.length; i++) {
	const a = process.argv[i];
	if (a === '--port')
		opt.port = Number(process.argv[++i]);
	else if (a === '--server')
		opt.server = true;
	else if (a === '--stall')
		opt.stall = true;
	else if (a === '--user')
		opt.user = process.argv[++i];
	else if (a === '--password')
		opt.password = process.argv[++i];
	else {
		console.error('usage: mock.mjs [--port N] [--server] ' +
		    '[--user U --password P] [--stall]');
		process.exit(2);
	}
}

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; " +
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; " +
    "form-action 'none'; frame-ancestors 'none'";
const files = {
	'/': ['index.html', 'text/html; charset=utf-8'],
	'/index.html': ['index.html', 'text/html; charset=utf-8'],
	'/app.js': ['app.js', 'text/javascript; charset=utf-8'],
	'/style.css': ['style.css', 'text/css; charset=utf-8']
};
const started = Date.now();

// A path's quality as get-list gives it: [loss %, first %, p50 us, p99 us,
// replay], or null for a path with nothing measured yet.
function quality(q, pi) {
	if (q === null)
		return { samples: 0, loss_ppm: null, first_ppm: null,
		    delay_p50_us: null, delay_p99_us: null, replay: null,
		    received: 0, first: 0, lost: 0, late: 0 };
	const [loss, first, p50, p99, replay] = q;
	return { samples: 1800, loss_ppm: Math.round(loss * 1e4),
	    first_ppm: Math.round(first * 1e4), delay_p50_us: p50,
	    delay_p99_us: p99, replay, received: pi,
	    first: Math.round(pi * first / 100),
	    lost: Math.round(pi * loss / 100), late: replay ? 3 : 0 };
}

function link(name, label, src, dst, pps, status, reason, q) {
	return { name, label, address: src, destination: dst, pps, status,
	    reason, lastAt: status === 'active' ? Date.now() : null,
	    pi: 0, bi: 0, po: 0, bo: 0, drops: 0, runtime: false, q };
}

const links = [
	link('egl1', 'fibre', '192.0.2.1', '192.0.2.2:59501', 180, 'active',
	    '', [0, 62, 0, 1200, false]),
	link('egl2', 'lte', '198.51.100.1', '198.51.100.2:59501', 180,
	    'active', '', [10, 25, 18000, 65000, false]),
	link('wwan1', 'starlink', '203.0.113.7', '192.0.2.2:59501', 180,
	    'active', '', [0.5, 13, 25000, 180000, true]),
	link('wg0', '', '100.64.0.1', '192.0.2.2:59501', 0, 'excluded',
	    'by configuration', null),
	link('eth9', 'spare', null, '192.0.2.2:59501', 0, 'idle', 'down',
	    null)
];
const clients = [
	{ address: '192.0.2.1:40000', local: '192.0.2.2:59501', session: 1,
	    q: [0.2, 70, 0, 800, false] },
	{ address: '198.51.100.1:40001', local: '192.0.2.2:59501',
	    session: 1, q: [3, 30, 12000, 40000, false] },
	{ address: '[2001:db8:1::10]:40002', local: '[2001:db8::2]:59501',
	    session: 2, q: null },
	{ address: '203.0.113.9:40003', local: '192.0.2.2:59501',
	    session: null, q: null }
].map((c) => ({ ...c, pi: 0, bi: 0, po: 0, bo: 0, drops: 0,
    lastAt: Date.now(), pps: 150 }));
const sessions = [
	{ id: 1, wireguard_local: '127.0.0.1:41001' },
	{ id: 2, wireguard_local: '127.0.0.1:41002' }
];
let lastTick = Date.now();

// Grow the counters by the time passed, with some noise.
function tick() {
	const now = Date.now();
	const dt = (now - lastTick) / 1000;
	lastTick = now;
	const wave = 1 + 0.35 * Math.sin(now / 20000);
	for (const l of links) {
		if (l.status === 'idle' || l.address === null)
			continue;
		const inp = Math.round(l.pps * dt * wave * (0.8 +
		    Math.random() * 0.4));
		l.pi += inp;
		l.bi += inp * 148;
		if (inp > 0)
			l.lastAt = now - Math.random() * 300;
		if (l.status === 'active') {
			const out = Math.round(l.pps * dt * wave);
			l.po += out;
			l.bo += out * 1180;
			if (Math.random() < 0.02)
				l.drops++;
		}
	}
	for (const [i, c] of clients.entries()) {
		const n = Math.round(c.pps * dt * (i >= 2 ? 0 : wave));
		c.pi += n;
		c.po += n;
		c.bi += n * 1180;
		c.bo += n * 148;
		if (n > 0)
			c.lastAt = now;
	}
}

function list() {
	tick();
	const now = Date.now();
	const ms = (t) => (t === null ? null : Math.round(now - t));
	const base = {
		type: opt.server ? 'server' : 'client',
		description: opt.server ? 'studio rack' :
		    'outside broadcast van',
		version: '0.1.0',
		uptime_ms: now - started + 3723000
	};
	const sec = (t) => (t === null ? null : Math.floor(ms(t) / 1000));
	if (opt.server) {
		const mine = (s) => clients.filter((c) => c.session === s.id);
		return { ...base, listen: '0.0.0.0:59501',
		    sockets: clients.map((c) => ({ address: c.address,
		    last: sec(c.lastAt), last_ms: ms(c.lastAt),
		    local: c.local, own_socket: false, session: c.session,
		    quality: quality(c.q, c.pi), packets_in: c.pi,
		    bytes_in: c.bi, packets_out: c.po, bytes_out: c.bo,
		    drops: c.drops })),
		    sessions: sessions.map((s) => ({ id: s.id,
		    address_count: mine(s).length, index_count: 2,
		    own_socket: true, wireguard_local: s.wireguard_local,
		    age_ms: now - started,
		    last: sec(Math.max(...mine(s).map((c) => c.lastAt))),
		    last_ms: ms(Math.max(...mine(s).map((c) => c.lastAt))),
		    handshake_initiations: 1, addresses_refused: 0,
		    packets_in: mine(s).reduce((a, c) => a + c.pi, 0),
		    bytes_in: mine(s).reduce((a, c) => a + c.bi, 0),
		    packets_out: mine(s).reduce((a, c) => a + c.po, 0),
		    bytes_out: mine(s).reduce((a, c) => a + c.bo, 0),
		    drops: 0 })),
		    sessions_max: 64, session_addresses_max: 8,
		    sessions_created: 3, sessions_expired: 1,
		    admission_dropped: { not_wireguard: 12, unknown_source: 4,
		    denied: 0, bad_mac1: 2, session_limit: 0, address_limit: 0,
		    no_socket: 0 } };
	}
	return { ...base, listen: '127.0.0.1:59401',
	    interfaces: links.map((l) => ({ name: l.name, status: l.status,
	    address: l.address, last: sec(l.lastAt), label: l.label,
	    reason: l.reason, destination: l.destination,
	    last_ms: ms(l.lastAt), packets_in: l.pi, bytes_in: l.bi,
	    packets_out: l.po, bytes_out: l.bo, drops: l.drops,
	    quality: quality(l.q, l.pi) })) };
}

function send(res, code, body, type) {
	res.writeHead(code, {
		'Content-Type': type || 'application/json',
		'Content-Security-Policy': CSP,
		'X-Content-Type-Options': 'nosniff',
		'Referrer-Policy': 'no-referrer',
		'Cache-Control': 'no-store'
	});
	res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body :
	    JSON.stringify(body));
}

function authorised(req) {
	if (opt.user === null)
		return true;
	const want = 'Basic ' + Buffer.from(opt.user + ':' +
	    opt.password).toString('base64');
	return req.headers.authorization === want;
}

function action(path, body) {
	if (path === 'reset-exclusions') {
		for (const l of links) {
			if (l.runtime) {
				l.runtime = false;
				l.status = 'active';
				l.reason = '';
			}
		}
		return [200, { status: 'ok' }];
	}
	const name = body && body.interface;
	const l = links.find((x) => x.name === name);
	if (typeof name !== 'string')
		return [400, { status: 'error',
		    message: 'missing "interface"' }];
	if (!l)
		return [404, { status: 'error',
		    message: 'no interface ' + name }];
	let ex = path === 'exclude' ? true : path === 'include' ? false :
	    l.status !== 'excluded';
	if (ex && l.status === 'excluded')
		return [200, { status: 'already-excluded' }];
	if (!ex && l.status !== 'excluded')
		return [200, { status: 'already-included' }];
	if (!ex && !l.runtime)
		return [409, { status: 'error', message: name +
		    ' is excluded by configuration' }];
	l.runtime = ex;
	l.status = ex ? 'excluded' : 'active';
	l.reason = ex ? 'at run time' : '';
	return [200, { status: 'ok' }];
}

const srv = createServer(async (req, res) => {
	const url = new URL(req.url, 'http://127.0.0.1');
	if (!authorised(req)) {
		res.writeHead(401, { 'WWW-Authenticate':
		    'Basic realm="engarde", charset="UTF-8"',
		    'Content-Type': 'text/plain' });
		res.end('authentication required\n');
		return;
	}
	const f = files[url.pathname];
	if (req.method === 'GET' && f) {
		send(res, 200, await readFile(join(webui, f[0])), f[1]);
		return;
	}
	if (req.method === 'GET' && url.pathname === '/api/v1/get-list') {
		if (!opt.stall)
			send(res, 200, list());
		return;
	}
	let body = '';
	for await (const chunk of req)
		body += chunk;
	if (req.method === 'POST' && url.pathname.startsWith('/mock/')) {
		opt.stall = url.pathname === '/mock/stall';
		send(res, 200, { status: 'ok' });
		return;
	}
	const m = url.pathname.match(
	    /^\/api\/v1\/(exclude|include|swap-exclusion|reset-exclusions)$/);
	if (req.method === 'POST' && m) {
		if (!/^application\/json/.test(req.headers['content-type'] ||
		    '')) {
			send(res, 415, { status: 'error',
			    message: 'Content-Type must be application/json' });
			return;
		}
		let j;
		try {
			j = body ? JSON.parse(body) : {};
		} catch (e) {
			send(res, 400, { status: 'error',
			    message: 'malformed JSON' });
			return;
		}
		const [code, out] = action(m[1], j);
		send(res, code, out);
		return;
	}
	send(res, 404, { status: 'error', message: 'not found' });
});
srv.listen(opt.port, '127.0.0.1', () => {
	console.log('mock engarded API on http://127.0.0.1:' + opt.port + '/');
});
