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

# valgrind's memcheck on a short client/server run: every process (both
# parents, both engines, the dashboard) under valgrind, a stream through
# WireGuard, engardectl, the dashboard over HTTPS, a reload and some bad
# input; then both stop on SIGTERM.  Any definite leak and any memcheck
# error in any process fails.
#
# The children are executed anew from /proc/self/exe, which valgrind
# follows with --trace-children.  valgrind knows no seccomp(2): the hidden
# flag -S, which makes the filter log instead of kill, also lets them run
# without one when none can be installed.  The rest of the sandbox (chroot,
# the unprivileged user, no_new_privs) stays.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engarde.sh"

command -v valgrind >/dev/null 2>&1 ||
    eg_skip "valgrind not installed (Debian package valgrind)"

VG_LOGS=$EG_TMP/vg
mkdir -p "$VG_LOGS" || die "mkdir"
TOOL=$EG_ROOT/regress/hostile/hostile
[ -x "$TOOL" ] || die "$TOOL not built (make)"
WEB=127.0.0.1:9446
URL=https://$WEB

# vg_spawn side: that side's engarded under valgrind, until it answers.
vg_spawn()
{
	local ns
	case $1 in
	client)	ns=$CLIENT;;
	server)	ns=$SERVER;;
	esac
	ns_spawn "$ns" "$EG_TMP/$1.log" valgrind --trace-children=yes \
	    --vgdb=no --leak-check=full --show-leak-kinds=definite \
	    --errors-for-leak-kinds=definite --track-fds=no \
	    --log-file="$VG_LOGS/$1.%p.log" \
	    "$ENGARDED" -d -v -S -r "$1" -f "$EG_CONF"
	wait_for 60 ctl "$1" show status ||
	    die "engarded $1 did not start under valgrind:" \
	    "$(tail -20 "$EG_TMP/$1.log")"
}

cl()
{
	ip netns exec "$CLIENT" curl -k -sS -m 20 "$@"
}

topo_up 2
wg_up
eg_conf
# The dashboard on the client's loopback, self-signed.
awk -v web="$WEB" '/^client:/ { c = 1 } /^server:/ { c = 0 }
    c && $0 == "    listenAddr: \"\"" {
	print "    listenAddr: \"" web "\""; next }
    { print }' "$EG_CONF" >"$EG_TMP/vg.yml" && mv "$EG_TMP/vg.yml" "$EG_CONF"

t0=$(eg_now_cs)
vg_spawn server
EG_SRV=$EG_PID
vg_spawn client
EG_CLI=$EG_PID
note "both up under valgrind in $((($(eg_now_cs) - t0) * 10)) ms"
check "ping across the tunnel" wait_for 30 tun_ping 1

# A short stream, and what can be done to a daemon meanwhile.
sink_start "$SERVER" vg -n 1000 -t 60 -i 10 "$WG_SERVER_IP:9000"
ns_spawn "$CLIENT" "$EG_TMP/vg.tx.json" "$UDPGEN" send -r 100 -n 1000 \
    -s 600 -t 60 "$WG_SERVER_IP:9000"
check "the dashboard answers" wait_for 30 cl -u engarde:engarde \
    -o "$EG_TMP/list.json" "$URL/api/v1/get-list"
cl -u engarde:engarde -o /dev/null "$URL/metrics"
cl -u engarde:engarde -o /dev/null -X POST \
    -H 'Content-Type: application/json' -d '{"interface":"egl2"}' \
    "$URL/api/v1/exclude"
cl -u engarde:engarde -o /dev/null -X POST \
    -H 'Content-Type: application/json' -d '{}' \
    "$URL/api/v1/reset-exclusions"
cl -o /dev/null "$URL/api/v1/get-list"
cl -u engarde:engarde -o /dev/null --path-as-is "$URL/../../etc/passwd"
cl -u engarde:engarde -o /dev/null \
    -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' b)" "$URL/"
printf 'GET / HTTP/1.1\r\n\r\n' >"$EG_TMP/plain.req"
ip netns exec "$CLIENT" "$TOOL" http -P -w 5 -f "$EG_TMP/plain.req" \
    "$WEB" >/dev/null
for side in client server; do
	ctl "$side" show status >/dev/null
	ctl "$side" -j show status >/dev/null
done
ctl client show interfaces >/dev/null
ctl server show clients >/dev/null
ctl client exclude egl1 >/dev/null
ctl client include egl1 >/dev/null
ctl client log brief >/dev/null
ctl client log verbose >/dev/null
"$TOOL" ctl -t 100 -n 0 "$EG_TMP/client.sock" >/dev/null
"$TOOL" ctl -l 15 "$EG_TMP/client.sock" >/dev/null
"$TOOL" ctl -t 108 -a 7 "$EG_TMP/server.sock" >/dev/null
"$TOOL" conns -n 40 "$EG_TMP/server.sock" >/dev/null
ip netns exec "$CLIENT" "$TOOL" udp -k zero -s 0 -n 5 \
    "$(link_addr 1 server):$EG_PORT" >/dev/null
ip netns exec "$CLIENT" "$TOOL" udp -k zero -s 20000 -n 5 \
    "$(link_addr 1 server):$EG_PORT" >/dev/null
kill -HUP "$EG_CLI"
ctl server reload >/dev/null
sink_wait vg 60
note "under valgrind: $(cat "$EG_TMP/vg.json")"
check "the stream went through" [ "$(result vg unique)" -ge 900 ]
check "the dashboard listed the interfaces" grep -q '"type":"client"' \
    "$EG_TMP/list.json"
check "client and server still run" sh -c \
    "kill -0 $EG_CLI && kill -0 $EG_SRV"

# Stopped as an administrator stops them; each child's report is written
# before the parent gives up waiting for it.
for p in $EG_CLI $EG_SRV; do
	kill -TERM "$p"
	proc_wait "$p" 60
	check "engarded $p exits 0 on SIGTERM" [ $? = 0 ]
done

# vg_clean log: a whole report, no error, no definite leak.
vg_clean()
{
	grep -q "ERROR SUMMARY: 0 errors" "$1" &&
	    not grep -Eq "definitely lost: [1-9]|Invalid (read|write|free)" "$1"
}

n=0
for f in "$VG_LOGS"/*.log; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	cmd=$(sed -n 's/^==[0-9]*== Command: [^ ]*engarded //p' "$f")
	note "$cmd: $(sed -n 's/^==[0-9]*== *\(definitely lost:.*\)/\1/p' "$f")"
	check "valgrind: engarded $cmd: no error, no definite leak" vg_clean "$f"
	vg_clean "$f" || sed -n '/^==[0-9]*== [A-Z]/,$p' "$f" | head -60
done
check "valgrind reported on all five processes" [ $n = 5 ]
