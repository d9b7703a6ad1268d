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

# One scenario end to end with AddressSanitizer and UndefinedBehaviorSanitizer
# in every process: a stream over links that are cut, control requests and
# a reload, the dashboard's API; any report fails.  Leak checking needs
# ptrace, which the sandbox forbids, so it is off in the children.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engarde.sh"

ENGARDED=$EG_ROOT/engarded/engarded.san
ENGARDECTL=$EG_ROOT/engardectl/engardectl.san
[ -x "$ENGARDED" ] && [ -x "$ENGARDECTL" ] ||
    die "sanitizer builds missing (make san)"
ASAN_OPTIONS=detect_leaks=0:symbolize=0:abort_on_error=0:exitcode=66
UBSAN_OPTIONS=print_stacktrace=0:halt_on_error=1
export ASAN_OPTIONS UBSAN_OPTIONS

topo_up 2
wg_up
eg_conf
# The dashboard too, in plain HTTP on loopback.
awk '/^client:/ { c = 1 } /^server:/ { c = 0 }
    c && $0 == "    listenAddr: \"\"" {
	print "    listenAddr: \"127.0.0.1:9445\""; print "    tls: off"; next }
    { print }' "$EG_CONF" >"$EG_TMP/san.yml" && mv "$EG_TMP/san.yml" "$EG_CONF"
eg_up
check "ping across the tunnel" wait_for 10 tun_ping 1

sink_start "$SERVER" san -n 6000 -t 30 -i 5 "$WG_SERVER_IP:9000"
ns_spawn "$CLIENT" "$EG_TMP/san.tx.json" "$UDPGEN" send -r 2000 -n 6000 \
    -s 800 -t 30 "$WG_SERVER_IP:9000"
sleep 1
link_down 1
ctl client show interfaces >/dev/null
ctl client exclude egl2 >/dev/null
ctl client include egl2 >/dev/null
ctl server -j show clients >/dev/null
kill -HUP "$EG_CLI"
ip netns exec "$CLIENT" curl -s -m 5 -u engarde:engarde \
    http://127.0.0.1:9445/api/v1/get-list >"$EG_TMP/list.json"
ip netns exec "$CLIENT" curl -s -m 5 -u engarde:engarde \
    http://127.0.0.1:9445/metrics >/dev/null
ip netns exec "$CLIENT" curl -s -m 5 -u engarde:engarde -X POST \
    -H 'Content-Type: application/json' -d '{"interface":"egl2"}' \
    http://127.0.0.1:9445/api/v1/swap-exclusion >/dev/null
ip netns exec "$CLIENT" curl -s -m 5 -u engarde:engarde -X POST \
    -H 'Content-Type: application/json' -d '{}' \
    http://127.0.0.1:9445/api/v1/reset-exclusions >/dev/null
sleep 0.5
link_up 1
sink_wait san 30
note "sanitized: $(cat "$EG_TMP/san.json")"
# Sanitized builds run several times slower: what counts here is that the
# stream goes through, not that it is whole (10-forward asserts that).
check "the stream went through" [ "$(result san unique)" -ge 5700 ]
check "the dashboard answered" grep -q '"type":"client"' "$EG_TMP/list.json"
check "client and server still run" sh -c \
    "kill -0 $EG_CLI && kill -0 $EG_SRV"

kill -TERM "$EG_CLI"
wait_for 5 proc_dead "$EG_CLI"

# The test build's forbidden call: the engine must die of SIGSYS, and the
# parent stop with it, saying why.  The request is a raw frame: type 150
# with a ctl_request of this version.
engine=$(engine_of "$EG_SRV")
printf "\226\000\000\000\050\000\000\000\000\000\000\000\000\000\000\000$EG_CTLV\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000" |
    socat -t 2 - "UNIX-CONNECT:$EG_TMP/server.sock" >/dev/null 2>&1
check "seccomp: the engine is killed by SIGSYS" wait_for 5 proc_dead "$engine"
check "  and the server stops" wait_for 5 proc_dead "$EG_SRV"
check "  saying why" grep -q "engine killed by signal 31" \
    "$EG_TMP/server.log"
for side in client server; do
	check "$side: no sanitizer report" not grep -Eq \
	    "runtime error|AddressSanitizer|UndefinedBehaviorSanitizer" \
	    "$EG_TMP/$side.log"
done
