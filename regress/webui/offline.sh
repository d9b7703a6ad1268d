#!/bin/sh
#
# Copyright (c) 2026 The engarde authors
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
# ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
# WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
# ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
# OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.

# The dashboard without a daemon, as an unprivileged user: http.c linked
# with a made-up engine state (fakesnap.c) answers get-list and /metrics,
# checked with jq and promtool; then the browser test runs against it and
# against mock.mjs, as a client and as a server, expecting the path
# qualities and sessions both give.  PORT (default 19580) and the three
# after it must be free.  Ends with "N passed, N failed".

cd "$(dirname "$0")/../.." || exit 1
PORT=${PORT:-19580}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/engarde-offline.XXXXXX") || exit 1
OUT=regress/out/webui
pids=
npass=0
nfail=0

cleanup()
{
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

pass()
{
	npass=$((npass + 1))
	echo "ok - $1"
}

fail()
{
	nfail=$((nfail + 1))
	echo "FAIL - $1"
}

# check what cmd...: cmd must succeed.
check()
{
	local what=$1
	shift
	if "$@" >"$TMP/check.out" 2>&1; then
		pass "$what"
	else
		fail "$what"
		sed 's/^/	/' "$TMP/check.out" | tail -5
	fi
}

# up port cmd...: start a server and wait until it answers.
up()
{
	local port=$1 i=0
	shift
	"$@" >"$TMP/server.$port.log" 2>&1 &
	pids="$pids $!"
	while ! curl -sf -o /dev/null "http://127.0.0.1:$port/"; do
		i=$((i + 1))
		if [ $i -gt 50 ]; then
			echo "nothing answers on port $port:" >&2
			cat "$TMP/server.$port.log" >&2
			return 1
		fi
		sleep 0.1
	done
}

not()
{
	! "$@"
}

# jqok file filter: the filter gives true.
jqok()
{
	[ "$(jq -e "$2" "$1")" = true ]
}

# has file line: that exact line is there.
has()
{
	grep -qxF -- "$2" "$1"
}

# browser name url args...: dashboard.mjs, its JSON line kept.
browser()
{
	local name=$1 url=$2
	shift 2
	if node regress/webui/dashboard.mjs --url "$url" --timeout 20 \
	    --screenshot "$OUT/offline-$name.png" "$@" \
	    >"$OUT/offline-$name.json" 2>"$TMP/browser.err"; then
		pass "browser: $name"
	else
		fail "browser: $name: $(tail -1 "$TMP/browser.err")"
	fi
}

CLIENT_QUALITY='{
	"egl1": {"loss": "0.0%", "first": "62.0%", "replay": false,
	    "delay": "+0 ms p50, +1.2 ms p99"},
	"egl2": {"loss": "10.0%", "first": "25.0%", "replay": false,
	    "delay": "+18 ms p50, +65 ms p99"},
	"wwan1": {"loss": "0.5%", "first": "13.0%", "replay": true},
	"wg0": null}'
SERVER_QUALITY='{
	"192.0.2.1:40000": {"loss": "0.2%", "first": "70.0%",
	    "replay": false, "delay": "+0 ms p50, +0.80 ms p99"},
	"198.51.100.1:40001": {"loss": "3.0%", "first": "30.0%",
	    "replay": false, "delay": "+12 ms p50, +40 ms p99"},
	"[2001:db8:1::10]:40002": null,
	"203.0.113.9:40003": null}'
SERVER_SESSIONS='{
	"1": ["192.0.2.1:40000", "198.51.100.1:40001"],
	"2": ["[2001:db8:1::10]:40002"],
	"none": ["203.0.113.9:40003"]}'

for t in cc make pkg-config curl jq promtool node; do
	command -v $t >/dev/null || { echo "$t not installed"; exit 1; }
done
mkdir -p "$OUT" || exit 1

# --- http.c with a made-up engine -------------------------------------------

PKGS="libevent libtls libcrypto jansson libbsd-overlay"
make -s engarded/http.o engarded/assets.o common/util.o common/log.o ||
    exit 1
cc -Wall -Wextra -Wshadow -Wmissing-prototypes -Werror -D_GNU_SOURCE \
    -Icommon -Iengarded $(pkg-config --cflags $PKGS) \
    -o "$TMP/fakesnap" regress/webui/fakesnap.c engarded/http.o \
    engarded/assets.o common/util.o common/log.o \
    $(pkg-config --libs $PKGS) || exit 1

C=http://127.0.0.1:$PORT
S=http://127.0.0.1:$((PORT + 1))
up $PORT "$TMP/fakesnap" -p $PORT || exit 1
up $((PORT + 1)) "$TMP/fakesnap" -s -p $((PORT + 1)) || exit 1
curl -sf "$C/api/v1/get-list" >"$TMP/c.json"
curl -sf "$C/metrics" >"$TMP/c.txt"
curl -sf "$S/api/v1/get-list" >"$TMP/s.json"
curl -sf "$S/metrics" >"$TMP/s.txt"
curl -sf "$C/app.js" >"$TMP/app.js"
cp "$TMP/c.txt" "$OUT/offline-client.metrics"
cp "$TMP/s.txt" "$OUT/offline-server.metrics"

check "the page served is webui/'s" cmp "$TMP/app.js" webui/app.js
check "get-list (client): Go engarde's fields as they were" jqok \
    "$TMP/c.json" '.type == "client" and (.interfaces[0] |
    .name == "egl1" and .status == "active" and
    .address == "192.0.2.1" and .last == 0)'
check "get-list (client): egl2's quality" jqok "$TMP/c.json" \
    '.interfaces[1].quality | .samples == 1800 and .loss_ppm == 100000
    and .first_ppm == 250000 and .delay_p50_us == 18000 and
    .delay_p99_us == 65000 and .replay == false and .received > 0'
check "get-list (client): nothing measured is null, totals are not" \
    jqok "$TMP/c.json" '.interfaces[3].quality | .samples == 0 and
    .loss_ppm == null and .first_ppm == null and .replay == null and
    .received == 0'
check "get-list (client): a name that is no UTF-8" jqok "$TMP/c.json" \
    '.interfaces[4].name == "wl?0"'
check "get-list (server): Go engarde's fields as they were" jqok \
    "$TMP/s.json" '.type == "server" and (.sockets[0] |
    .address == "192.0.2.1:40000" and .last == 0)'
check "get-list (server): sessions and addresses" jqok "$TMP/s.json" \
    '[.sockets[].session] == [1, 1, 2, null] and
    [.sessions[].id] == [1, 2] and .sessions[0].address_count == 2 and
    .sessions[0].wireguard_local == "127.0.0.1:41001" and
    .sessions_max == 64 and .admission_dropped.not_wireguard == 12'
check "get-list (server): an address's quality" jqok "$TMP/s.json" \
    '.sockets[1].quality | .loss_ppm == 30000 and .first_ppm == 300000'

check "promtool check metrics (client)" sh -c \
    "promtool check metrics <'$TMP/c.txt'"
check "promtool check metrics (server)" sh -c \
    "promtool check metrics <'$TMP/s.txt'"
check "metrics: a loss ratio" has "$TMP/c.txt" \
    'engarde_path_loss_ratio{interface="egl2",label="lte"} 0.100000'
check "metrics: a first ratio" has "$TMP/c.txt" \
    'engarde_path_first_ratio{interface="egl1",label="fibre"} 0.620000'
WWAN1='{interface="wwan1",label="starlink"}'
check "metrics: the delay in seconds" has "$TMP/c.txt" \
    "engarde_path_delay_p99_seconds$WWAN1 0.180000"
check "metrics: replay risk" has "$TMP/c.txt" \
    'engarde_path_replay_risk{interface="wwan1",label="starlink"} 1'
GAUGES='(loss_ratio|first_ratio|delay_p(50|99)_seconds|replay_risk)'
check "metrics: no gauge for a path without samples" not grep -Eq \
    "^engarde_path_$GAUGES\\{interface=\"wg0\"" "$TMP/c.txt"
check "metrics: its totals all the same" has "$TMP/c.txt" \
    'engarde_path_copies_received_total{interface="wg0",label=""} 0'
HOSTILE='{interface="wl?0",label="say \"hi\\\"\nnow"}'
check "metrics: label values escaped" has "$TMP/c.txt" \
    "engarde_path_copies_lost_total$HOSTILE 0"
check "metrics: an address and its session" has "$TMP/s.txt" \
    'engarde_path_loss_ratio{address="198.51.100.1:40001",session="1"} 0.030000'
check "metrics: an address of no session" has "$TMP/s.txt" \
    'engarde_path_copies_received_total{address="203.0.113.9:40003"} 0'
check "metrics: sessions" has "$TMP/s.txt" 'engarde_sessions 2'
check "metrics: admission" has "$TMP/s.txt" \
    'engarde_admission_dropped_total{reason="bad_mac1"} 2'
check "metrics: no session families on a client" \
    not grep -q '^engarde_session' "$TMP/c.txt"

# --- the page in a browser --------------------------------------------------

if [ ! -d regress/webui/node_modules/playwright-core ]; then
	(cd regress/webui && npm ci --silent --no-audit --no-fund) ||
	    exit 1
fi
browser fakesnap-client "$C/" --expect egl1,egl2,wwan1,wg0 \
    --exclude egl2 --quality "$CLIENT_QUALITY"
browser fakesnap-server "$S/" --quality "$SERVER_QUALITY" \
    --sessions "$SERVER_SESSIONS"
up $((PORT + 2)) node regress/webui/mock.mjs --port $((PORT + 2)) || exit 1
up $((PORT + 3)) node regress/webui/mock.mjs --server \
    --port $((PORT + 3)) || exit 1
browser mock-client "http://127.0.0.1:$((PORT + 2))/" \
    --expect egl1,egl2,wwan1,wg0 --exclude egl2 \
    --quality "$CLIENT_QUALITY"
browser mock-server "http://127.0.0.1:$((PORT + 3))/" \
    --quality "$SERVER_QUALITY" --sessions "$SERVER_SESSIONS"

echo "$npass passed, $nfail failed"
[ $nfail = 0 ]
