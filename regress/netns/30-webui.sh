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

# The HTTPS dashboard: a test CA and certificate, curl against every API
# call with and without credentials, hostile requests, Prometheus metrics,
# the sandbox of its process, and a real browser clicking exclude.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engarde.sh"

for t in openssl curl; do
	command -v $t >/dev/null || eg_skip "$t not installed"
done

WEB=$(link_addr 1 client):9443
URL=https://$WEB

# --- key material: a CA of our own and a certificate it signed --------------

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$EG_TMP/ca.key" -out "$EG_TMP/ca.pem" -days 2 \
    -subj "/CN=engarde test CA" >/dev/null 2>&1 || die "test CA"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$EG_TMP/web.key" -out "$EG_TMP/web.csr" \
    -subj "/CN=$(link_addr 1 client)" >/dev/null 2>&1 || die "test key"
printf 'subjectAltName=IP:%s\n' "$(link_addr 1 client)" >"$EG_TMP/san.ext"
openssl x509 -req -in "$EG_TMP/web.csr" -CA "$EG_TMP/ca.pem" \
    -CAkey "$EG_TMP/ca.key" -CAcreateserial -days 2 \
    -extfile "$EG_TMP/san.ext" -out "$EG_TMP/web.pem" >/dev/null 2>&1 ||
    die "test certificate"
printf 'secret\n' >"$EG_TMP/password"

topo_up 2
wg_up
eg_conf
# The dashboard on the client, behind the test certificate.
awk -v web="$WEB" -v tmp="$EG_TMP" '
	/^client:/ { c = 1 }
	/^server:/ { c = 0 }
	c && /^  webManager:/ {
		print "  webManager:"
		print "    listenAddr: \"" web "\""
		print "    username: \"engarde\""
		print "    passwordFile: \"" tmp "/password\""
		print "    tls:"
		print "      certificate: \"" tmp "/web.pem\""
		print "      key: \"" tmp "/web.key\""
		skip = 1
		next
	}
	skip && /^    / { next }
	{ skip = 0; print }
' "$EG_CONF" >"$EG_TMP/web.yml" && mv "$EG_TMP/web.yml" "$EG_CONF"
check "the configuration with a dashboard is valid" \
    "$ENGARDED" -n -r client -f "$EG_CONF"
eg_up
check "ping across the tunnel" wait_for 10 tun_ping 1

# cl args...: curl in the client namespace, trusting only the test CA.
cl()
{
	ip netns exec "$CLIENT" curl -sS -m 5 --cacert "$EG_TMP/ca.pem" "$@"
}

# code args...: the HTTP status only.
code()
{
	cl -o /dev/null -w '%{http_code}' "$@"
}

AUTH="-u engarde:secret"

# --- authentication ---------------------------------------------------------

check "the dashboard answers over HTTPS, verified by the test CA" \
    wait_for 5 cl $AUTH -o /dev/null "$URL/"
check "without credentials: 401" [ "$(code "$URL/api/v1/get-list")" = 401 ]
cl -D - -o /dev/null "$URL/api/v1/get-list" >"$EG_TMP/h401.txt"
check "  with WWW-Authenticate" grep -qi "^WWW-Authenticate: Basic" \
    "$EG_TMP/h401.txt"
check "a wrong password: 401" \
    [ "$(code -u engarde:wrong "$URL/api/v1/get-list")" = 401 ]
check "a wrong user: 401" \
    [ "$(code -u admin:secret "$URL/api/v1/get-list")" = 401 ]
check "the page needs credentials too" [ "$(code "$URL/")" = 401 ]
check "with credentials: 200" \
    [ "$(code $AUTH "$URL/api/v1/get-list")" = 200 ]

cl $AUTH -D "$EG_TMP/hpage.txt" -o "$EG_TMP/index.html" "$URL/"
check "the page is the embedded index.html" \
    cmp -s "$EG_TMP/index.html" "$EG_ROOT/webui/index.html"
check "  with a strict Content-Security-Policy" \
    grep -qi "^Content-Security-Policy: default-src 'none'" \
    "$EG_TMP/hpage.txt"
check "  nosniff" grep -qi "^X-Content-Type-Options: nosniff" \
    "$EG_TMP/hpage.txt"
check "  X-Frame-Options DENY" grep -qi "^X-Frame-Options: DENY" \
    "$EG_TMP/hpage.txt"
cl $AUTH -D "$EG_TMP/hapi.txt" -o "$EG_TMP/list.json" "$URL/api/v1/get-list"
check "the API: Cache-Control no-store" grep -qi \
    "^Cache-Control: no-store" "$EG_TMP/hapi.txt"
check "the API: JSON" grep -qi "^Content-Type: application/json" \
    "$EG_TMP/hapi.txt"

# --- the API against the engine's state ------------------------------------

list()
{
	cl $AUTH "$URL/api/v1/get-list"
}

# api_iface ifname key: a field of one interface in get-list.
api_iface()
{
	list | eg_obj name "$1" | json_get "$2" /dev/stdin
}

check "get-list: type client" sh -c "grep -q '\"type\":\"client\"' $EG_TMP/list.json"
check "get-list: egl1 active as engardectl says" \
    [ "$(api_iface egl1 status)" = "$(iface_field egl1 status)" ]
check "get-list: egl1's address" \
    [ "$(api_iface egl1 address)" = "$(link_addr 1 client)" ]
check "get-list: wg0 excluded" [ "$(api_iface "$WG_IF" status)" = excluded ]

post()
{
	cl $AUTH -X POST -H 'Content-Type: application/json' -d "$2" \
	    "$URL/api/v1/$1"
}

check "exclude egl2: ok" \
    sh -c "[ \"\$(cat)\" = '{\"status\":\"ok\"}' ]" <<EOF
$(post exclude '{"interface":"egl2"}')
EOF
check "  the engine has it excluded" \
    [ "$(iface_field egl2 reason)" = "at run time" ]
check "exclude egl2 again: already-excluded" \
    [ "$(post exclude '{"interface":"egl2"}')" = '{"status":"already-excluded"}' ]
check "include egl2: ok" \
    [ "$(post include '{"interface":"egl2"}')" = '{"status":"ok"}' ]
check "include egl2 again: already-included" \
    [ "$(post include '{"interface":"egl2"}')" = '{"status":"already-included"}' ]
check "  the engine has it active" iface_is egl2 active
check "swap-exclusion egl1: ok" \
    [ "$(post swap-exclusion '{"interface":"egl1"}')" = '{"status":"ok"}' ]
check "  egl1 excluded" [ "$(iface_field egl1 status)" = excluded ]
check "reset-exclusions: ok" \
    [ "$(post reset-exclusions '{}')" = '{"status":"ok"}' ]
check "  egl1 active again" iface_is egl1 active
check "an unknown interface: 404" [ "$(code $AUTH -X POST \
    -H 'Content-Type: application/json' -d '{"interface":"egl9"}' \
    "$URL/api/v1/exclude")" = 404 ]

# --- bad requests -----------------------------------------------------------

check "malformed JSON: 400" [ "$(code $AUTH -X POST \
    -H 'Content-Type: application/json' -d '{"interface":' \
    "$URL/api/v1/exclude")" = 400 ]
check "no interface key: 400" [ "$(code $AUTH -X POST \
    -H 'Content-Type: application/json' -d '{"iface":"egl1"}' \
    "$URL/api/v1/exclude")" = 400 ]
check "a form instead of JSON: 415" [ "$(code $AUTH -X POST \
    -d 'interface=egl1' "$URL/api/v1/exclude")" = 415 ]
check "GET on a POST path: 405" \
    [ "$(code $AUTH "$URL/api/v1/exclude")" = 405 ]
check "POST on get-list: 405" [ "$(code $AUTH -X POST \
    -H 'Content-Type: application/json' -d '{}' \
    "$URL/api/v1/get-list")" = 405 ]
check "DELETE: refused" [ "$(code $AUTH -X DELETE "$URL/")" -ge 400 ]
head -c 20000 /dev/zero | tr '\0' a >"$EG_TMP/big.json"
check "an oversized body: 413" [ "$(code $AUTH -X POST \
    -H 'Content-Type: application/json' --data-binary @"$EG_TMP/big.json" \
    "$URL/api/v1/exclude")" = 413 ]
check "oversized headers: refused" [ "$(code $AUTH \
    -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' b)" \
    "$URL/api/v1/get-list")" -ge 400 ]
check "a path that does not exist: 404" \
    [ "$(code $AUTH "$URL/../../etc/passwd")" = 404 ]
check "still forwarding" tun_ping 2

# A slow client that never finishes its request is cut off.
t0=$(eg_now_cs)
(printf 'GET / HTTP/1.1\r\n'; sleep 20) | ip netns exec "$CLIENT" \
    socat -t 1 - "OPENSSL:$WEB,cafile=$EG_TMP/ca.pem" >/dev/null 2>&1 &
slow=$!
eg_track $slow
check "a slow-loris client is dropped within 15 s" wait_for 15 proc_dead $slow
note "dropped after $(($(eg_now_cs) - t0))0 ms"
check "the dashboard still answers" \
    [ "$(code $AUTH "$URL/api/v1/get-list")" = 200 ]

# --- metrics ----------------------------------------------------------------

sink_start "$SERVER" metrics -n 2000 -t 20 -i 3 "$WG_SERVER_IP:9000"
o1=$(iface_field egl1 packets_out)
udp_send "$CLIENT" metrics.tx -r 2000 -n 2000 -s 500 "$WG_SERVER_IP:9000"
sink_wait metrics
cl $AUTH "$URL/metrics" >"$EG_TMP/metrics.txt"
m1=$(sed -n 's/^engarde_interface_packets_sent_total{interface="egl1",label="fibre"} //p' \
    "$EG_TMP/metrics.txt")
note "egl1 sent $o1 before the stream, $m1 in /metrics after"
check "metrics: egl1's sent packets grew by the stream" \
    [ "$((m1 - o1))" -ge 2000 ]
check "metrics: the same count as engardectl" \
    [ "$m1" = "$(iface_field egl1 packets_out)" ]
if command -v promtool >/dev/null; then
	check "promtool check metrics" sh -c \
	    "promtool check metrics <$EG_TMP/metrics.txt"
else
	fail "promtool not installed (Debian package prometheus)"
fi

# --- the process ------------------------------------------------------------

webui=$(child_of "$EG_CLI" webui)
check "the webui process runs" [ -n "$webui" ]
check "webui: uid is _engarde's" \
    [ "$(proc_status "$webui" Uid | awk '{ print $2 }')" = "$(id -u _engarde)" ]
check "webui: NoNewPrivs 1" [ "$(proc_status "$webui" NoNewPrivs)" = 1 ]
check "webui: Seccomp 2" [ "$(proc_status "$webui" Seccomp)" = 2 ]
check "webui: root is /var/empty" \
    [ "$(readlink "/proc/$webui/root")" = /var/empty ]
check "webui: holds no UDP socket" [ "$(udp_sockets "$webui")" = 0 ]

# --- certificates: reloaded on SIGHUP, self-signed when none is named -------

# served_fp [addr:port]: the SHA-256 fingerprint of the certificate a
# dashboard shows (default: the one under test), empty when none answers.
served_fp()
{
	ip netns exec "$CLIENT" sh -c "openssl s_client -connect ${1:-$WEB} \
	    </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256" \
	    2>/dev/null | sed 's/.*=//'
}

# file_fp file: the same of a certificate file.
file_fp()
{
	openssl x509 -noout -fingerprint -sha256 -in "$1" | sed 's/.*=//'
}

# serves fingerprint [addr:port]: that certificate is the one shown.
serves()
{
	[ "$(served_fp "$2")" = "$1" ]
}

fp1=$(served_fp)
check "the served certificate is the configured one" \
    [ "$fp1" = "$(file_fp "$EG_TMP/web.pem")" ]
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$EG_TMP/web.key" -out "$EG_TMP/web.pem" -days 2 \
    -subj "/CN=renewed" >/dev/null 2>&1 || die "second certificate"
kill -HUP "$EG_CLI"
check "SIGHUP: the renewed certificate is served" \
    wait_for 5 serves "$(file_fp "$EG_TMP/web.pem")"
check "  the old one no more" [ "$(served_fp)" != "$fp1" ]

# A file that names no certificate: self-signed, its fingerprint logged.
cp "$EG_CONF" "$EG_TMP/auto.yml"
sed -i -e '/^    tls:$/d' -e '/^      certificate:/d' -e '/^      key:/d' \
    -e 's/9443/9444/' -e 's/client.sock/client2.sock/' -e 's/59401/59402/' \
    "$EG_TMP/auto.yml"
ns_spawn "$CLIENT" "$EG_TMP/auto.log" "$ENGARDED" -d -r client \
    -f "$EG_TMP/auto.yml"
auto=$EG_PID
check "a dashboard with no certificate starts" \
    wait_for 5 grep -q "SHA-256" "$EG_TMP/auto.log"
logged=$(sed -n 's/.*self-signed), SHA-256 //p' "$EG_TMP/auto.log")
wait_for 5 not serves "" "$(link_addr 1 client):9444" || :
served=$(served_fp "$(link_addr 1 client):9444")
note "self-signed: logged $logged, served $served"
check "  it serves the self-signed certificate whose fingerprint it logged" \
    sh -c "[ -n '$logged' ] && [ '$logged' = '$served' ]"
proc_kill "$auto"

# Plain HTTP is for loopback only: refused at start, saying why.
sed -e 's/^    tls:$/    tls: off/' -e '/^      certificate:/d' \
    -e '/^      key:/d' "$EG_CONF" >"$EG_TMP/plain.yml"
"$ENGARDED" -n -r client -f "$EG_TMP/plain.yml" >"$EG_TMP/plain.out" 2>&1
check "plain HTTP on $(link_addr 1 client): refused at start (1)" [ $? = 1 ]
check "  saying why" grep -q "tls: off is allowed only on a loopback" \
    "$EG_TMP/plain.out"

# --- a real browser ---------------------------------------------------------

if [ -x /usr/bin/chromium ] && command -v node >/dev/null &&
    [ -f "$EG_ROOT/regress/webui/dashboard.mjs" ]; then
	(cd "$EG_ROOT/regress/webui" && npm ci --silent --no-audit \
	    --no-fund >"$EG_TMP/npm.log" 2>&1) ||
	    die "npm ci: $(tail -5 "$EG_TMP/npm.log")"
	mkdir -p "$EG_ROOT/regress/out/webui"
	# Traffic for the graphs while the browser looks.
	sink_start "$SERVER" browser -t 60 -i 10 "$WG_SERVER_IP:9001"
	ns_spawn "$CLIENT" "$EG_TMP/browser.tx.json" "$UDPGEN" send -r 200 \
	    -n 12000 -s 200 -t 60 "$WG_SERVER_IP:9001"
	ip netns exec "$CLIENT" node "$EG_ROOT/regress/webui/dashboard.mjs" \
	    --url "$URL/" --user engarde --password secret \
	    --expect egl1,egl2 --exclude egl2 \
	    --screenshot "$EG_ROOT/regress/out/webui/dashboard.png" \
	    >"$EG_TMP/browser.json" 2>"$EG_TMP/browser.err"
	rc=$?
	note "browser: $(cat "$EG_TMP/browser.json") $(tail -3 "$EG_TMP/browser.err")"
	check "the browser test: exclude clicked, status and graph followed" \
	    [ $rc = 0 ]
	check "  a screenshot was saved" \
	    [ -s "$EG_ROOT/regress/out/webui/dashboard.png" ]
else
	fail "browser test: needs /usr/bin/chromium, node and regress/webui"
fi
check "still forwarding at the end" tun_ping 2

# The dashboard's process dies: the whole daemon stops, saying why.
kill -KILL "$webui"
check "webui killed: the client stops" wait_for 5 proc_dead "$EG_CLI"
check "  saying why" grep -q "webui killed by signal 9" "$EG_TMP/client.log"
