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

# engardectl against a running client and server: every command in text
# and JSON, counters against the traffic sent, exclusions under a stream,
# the read-only socket, strangers, garbage and reloads.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engarde.sh"

command -v socat >/dev/null || eg_skip "socat not installed"
command -v setpriv >/dev/null || eg_skip "setpriv not installed"

topo_up 2
wg_up
eg_conf
# Others may walk to the sockets; the sockets' own modes decide.
chmod 755 "$EG_TMP"
eg_up
check "ping across the tunnel" wait_for 10 tun_ping 1

# status_field side object key: a number inside show status -j, e.g.
# status_field client from_wireguard packets.
status_field()
{
	ctl "$1" -j show status | tr -d ' \n' |
	    sed -n "s/.*\"$2\":{[^}]*\"$3\":\([0-9]*\).*/\1/p"
}

# stream name count rate [port]: a sender in the background, sink in front.
stream_start()
{
	sink_start "$SERVER" "$1" -n "$2" -t 30 -i 5 "$WG_SERVER_IP:${4:-9000}"
	ns_spawn "$CLIENT" "$EG_TMP/$1.tx.json" "$UDPGEN" send -r "$3" \
	    -n "$2" -s 1000 -t 30 "$WG_SERVER_IP:${4:-9000}"
}

# between lo hi value
between()
{
	[ -n "$3" ] && [ "$3" -ge "$1" ] && [ "$3" -le "$2" ]
}

# --- every show command, text and JSON --------------------------------------

ctl client show interfaces >"$EG_TMP/si.txt"
check "show interfaces: header" grep -q "^INTERFACE  *LABEL  *STATUS" \
    "$EG_TMP/si.txt"
check "show interfaces: egl1 active, labelled fibre" \
    grep -q "^egl1  *fibre  *active  *192.0.2.1 " "$EG_TMP/si.txt"
check "show interfaces: wg0 excluded by configuration" \
    grep -q "^wg0 .*excluded (by configuration)" "$EG_TMP/si.txt"
check "prefixes: sh i is show interfaces" \
    sh -c "$ENGARDECTL -s $EG_TMP/client.sock sh i | cmp -s - $EG_TMP/si.txt"
check "show status (client): role" \
    sh -c "$ENGARDECTL -s $EG_TMP/client.sock show status | grep -q '^role: *client'"
check "show status (server): role" \
    sh -c "$ENGARDECTL -s $EG_TMP/server.sock show status | grep -q '^role: *server'"
check "show status -j: description" \
    sh -c "$ENGARDECTL -s $EG_TMP/client.sock -j show status | grep -q '\"description\": *\"test client\"'"
check "show clients: both client addresses" \
    sh -c "$ENGARDECTL -s $EG_TMP/server.sock show clients | grep -c '^\(192.0.2.1\|198.51.100.1\):' | grep -qx 2"
check "show clients -j: own sockets" \
    sh -c "$ENGARDECTL -s $EG_TMP/server.sock -j show clients | grep -q '\"own_socket\": *true'"
ctl client show bogus >"$EG_TMP/bogus.txt" 2>&1
check "an unknown word is a usage error (64)" [ $? = 64 ]
check "the valid words are printed" grep -q interfaces "$EG_TMP/bogus.txt"

# --- counters against the traffic sent --------------------------------------

sleep 0.5
wg0=$(status_field client from_wireguard packets)
o1=$(iface_field egl1 packets_out)
o2=$(iface_field egl2 packets_out)
s0=$(status_field server to_wireguard packets)
i1=$(client_field "$(link_addr 1 client)" packets_in)
i2=$(client_field "$(link_addr 2 client)" packets_in)
stream_start count 3000 1000
sink_wait count 30
sleep 0.5
note "counted stream: $(cat "$EG_TMP/count.json")"
note "$(udp_errors)"
check "counted stream: none lost" [ "$(result count lost)" = 0 ]
dwg=$(($(status_field client from_wireguard packets) - wg0))
d1=$(($(iface_field egl1 packets_out) - o1))
d2=$(($(iface_field egl2 packets_out) - o2))
ds=$(($(status_field server to_wireguard packets) - s0))
di1=$(($(client_field "$(link_addr 1 client)" packets_in) - i1))
di2=$(($(client_field "$(link_addr 2 client)" packets_in) - i2))
note "from WireGuard $dwg, out egl1 $d1 egl2 $d2, server in $di1 $di2," \
    "to WireGuard $ds"
check "client: 3000 packets from WireGuard" between 3000 3005 "$dwg"
check "client: every packet out on egl1" [ "$d1" = "$dwg" ]
check "client: every packet out on egl2" [ "$d2" = "$dwg" ]
check "server: link 1 received what egl1 sent" between "$d1" $((d1 + 2)) "$di1"
check "server: link 2 received what egl2 sent" between "$d2" $((d2 + 2)) "$di2"
check "server: both copies to WireGuard" [ "$ds" = $((di1 + di2)) ]

# --- exclusions under a stream ----------------------------------------------

stream_start excl 8000 2000
sleep 1
check "exclude egl2: ok" sh -c "$ENGARDECTL -s $EG_TMP/client.sock exclude egl2 | grep -qx ok"
x=$(iface_field egl2 packets_out)
check "excluded at run time" [ "$(iface_field egl2 reason)" = "at run time" ]
check "exclude egl2 again: already excluded" \
    sh -c "$ENGARDECTL -s $EG_TMP/client.sock exclude egl2 | grep -qx 'already excluded'"
check "exclude -j: already-excluded" \
    sh -c "$ENGARDECTL -s $EG_TMP/client.sock -j exclude egl2 | grep -q '\"result\": *\"already-excluded\"'"
sleep 1
check "excluded: egl2's transmit counter stands still" \
    [ "$(iface_field egl2 packets_out)" = "$x" ]
check "excluded: egl1 still carries" carries iface_field egl1 packets_out
check "include egl2: ok" sh -c "$ENGARDECTL -s $EG_TMP/client.sock include egl2 | grep -qx ok"
check "include egl2 again: already included" \
    sh -c "$ENGARDECTL -s $EG_TMP/client.sock include egl2 | grep -qx 'already included'"
check "included: egl2 carries again" wait_for 1 eg_greater "$x" \
    iface_field egl2 packets_out
sink_wait excl 30
check "exclusions mid-stream: none lost" [ "$(result excl lost)" = 0 ]
ctl client exclude egl1 >/dev/null
ctl client include wg0 >/dev/null
check "reset exclusions: ok" sh -c "$ENGARDECTL -s $EG_TMP/client.sock reset exclusions | grep -q ok"
check "reset: egl1 active" iface_is egl1 active
check "reset: wg0 excluded by configuration again" \
    [ "$(iface_field "$WG_IF" reason)" = "by configuration" ]
ctl client exclude egl9 >"$EG_TMP/nosuch.txt" 2>&1
check "exclude of an unknown interface fails (1)" [ $? = 1 ]
check "  and says so" grep -q "no interface egl9" "$EG_TMP/nosuch.txt"
ctl server exclude egl1 >/dev/null 2>&1
check "exclude on a server fails" [ $? = 1 ]

# --- the read-only socket and strangers -------------------------------------

RO=$EG_TMP/client.ro.sock
check "read-only socket: show works" "$ENGARDECTL" -s "$RO" show interfaces
"$ENGARDECTL" -s "$RO" exclude egl1 >"$EG_TMP/ro.txt" 2>&1
check "read-only socket: exclude refused (1)" [ $? = 1 ]
check "  with a clear error" grep -q "read-only" "$EG_TMP/ro.txt"
check "read-only socket: egl1 still active" iface_is egl1 active
"$ENGARDECTL" -s "$RO" reload >/dev/null 2>&1
check "read-only socket: reload refused" [ $? = 1 ]
check "a stranger may use the read-only socket" setpriv --reuid=nobody \
    --regid=nogroup --clear-groups "$ENGARDECTL" -s "$RO" show status
setpriv --reuid=nobody --regid=nogroup --clear-groups "$ENGARDECTL" \
    -s "$EG_TMP/client.sock" show status >"$EG_TMP/stranger.txt" 2>&1
check "a stranger is refused the control socket (1)" [ $? = 1 ]
check "  with a clear error" grep -q "Permission denied" "$EG_TMP/stranger.txt"
check "a member of _engarde may use it" setpriv --reuid=nobody \
    --regid=_engarde --clear-groups "$ENGARDECTL" -s "$EG_TMP/client.sock" \
    show status

# --- garbage and crowds under a stream --------------------------------------

# raw name bytes: send printf-escaped bytes, keep what comes back.
raw()
{
	printf "$2" | socat -t 2 - "UNIX-CONNECT:$EG_TMP/client.sock" \
	    >"$EG_TMP/$1.raw" 2>/dev/null
}

stream_start garbage 10000 2000
sleep 0.5
raw text 'GET / HTTP/1.0\r\n\r\n'
# A request of 3 bytes where 24 belong.
raw short '\144\000\000\000\023\000\000\000\000\000\000\000\000\000\000\000abc'
# An unknown type with a well-formed request.
raw unknown "\347\003\000\000\050\000\000\000\000\000\000\000\000\000\000\000$EG_CTLV\000\000\000\000\000\000\000egl1\000\000\000\000\000\000\000\000\000\000\000\000"
# The test builds' forbidden-call request: unknown to a normal build.
raw testonly "\226\000\000\000\050\000\000\000\000\000\000\000\000\000\000\000$EG_CTLV\000\000\000\000\000\000\000egl1\000\000\000\000\000\000\000\000\000\000\000\000"
# A frame that claims 65535 bytes.
raw huge '\144\000\000\000\377\377\000\000\000\000\000\000\000\000\000\000'
# A header that promises more than ever comes.
raw cut '\144\000\000\000\050\000\000\000\000\000\000\000\000\000\000\000\001\000'
# A version from the future.
raw version '\144\000\000\000\050\000\000\000\000\000\000\000\000\000\000\000\011\000\000\000\000\000\000\000egl1\000\000\000\000\000\000\000\000\000\000\000\000'
# Waves of concurrent requests: 60 in all, 12 at a time (more would starve
# wireguard-go on two cores, whose 208 KiB receive buffer then overflows).
i=0
while [ $i -lt 5 ]; do
	j=0
	crowd=
	while [ $j -lt 6 ]; do
		ctl client show interfaces >/dev/null 2>&1 &
		crowd="$crowd $!"
		ctl server show clients >/dev/null 2>&1 &
		crowd="$crowd $!"
		j=$((j + 1))
	done
	wait $crowd
	i=$((i + 1))
done
# Two thousand requests in one write: answered one at a time, or the
# connection dropped, never a pile of answers in the engine's memory.
i=0
while [ $i -lt 2000 ]; do
	printf "\145\000\000\000\050\000\000\000\000\000\000\000\000\000\000\000$EG_CTLV\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000"
	i=$((i + 1))
done >"$EG_TMP/pipelined.bin"
socat -t 3 - "UNIX-CONNECT:$EG_TMP/client.sock" <"$EG_TMP/pipelined.bin" \
    >"$EG_TMP/pipelined.raw" 2>/dev/null
engine=$(engine_of "$EG_CLI")
rss=$(proc_status "$engine" VmHWM | awk '{ print $1 }')
note "pipelined: $(wc -c <"$EG_TMP/pipelined.raw") bytes back, engine peak RSS $rss kB"
check "pipelined requests: answered" [ -s "$EG_TMP/pipelined.raw" ]
check "pipelined requests: engine peak RSS under 16 MB" [ "$rss" -lt 16384 ]
check "short request: an error reply" grep -aq "request of 3 bytes" \
    "$EG_TMP/short.raw"
check "unknown request: an error reply" grep -aq "unknown request 999" \
    "$EG_TMP/unknown.raw"
check "garbage text: an error reply" grep -aq "malformed message" \
    "$EG_TMP/text.raw"
check "oversized frame: an error reply" grep -aq "malformed message" \
    "$EG_TMP/huge.raw"
check "the test-only request is unknown to a normal build" \
    grep -aq "unknown request 150" "$EG_TMP/testonly.raw"
check "other versions: an error reply" grep -aq "control protocol version 9" \
    "$EG_TMP/version.raw"
sink_wait garbage 30
note "garbage and crowds: $(cat "$EG_TMP/garbage.json")"
note "$(udp_errors)"
note "$(ctl client show interfaces)"
note "$(ctl server show status)"
check "garbage and crowds mid-stream: none lost" \
    [ "$(result garbage lost)" = 0 ]
check "the control errors are counted" \
    [ "$(ctl client -j show status | tr -d ' ' | sed -n 's/.*"control_errors":\([0-9]*\).*/\1/p')" -ge 5 ]
check "the client still answers" ctl client show status
check "the client still forwards" tun_ping 2

# --- reload and log level ---------------------------------------------------

ctl client reload >"$EG_TMP/reload.txt" 2>&1
check "reload: ok" [ $? = 0 ]
check "  configuration reloaded" grep -q "configuration reloaded" \
    "$EG_TMP/reload.txt"
cp "$EG_CONF" "$EG_TMP/good.yml"
sed 's/^  excludedInterfaces:/  excludedInterfaces:\n    - "egl2"/' \
    "$EG_TMP/good.yml" >"$EG_CONF"
ctl client reload >/dev/null
check "reload: egl2 now excluded by configuration" \
    [ "$(iface_field egl2 reason)" = "by configuration" ]
check "reload: egl1 untouched" iface_is egl1 active
sed 's/^  dstAddr:/  dstAdr:/' "$EG_TMP/good.yml" >"$EG_CONF"
ctl client reload >"$EG_TMP/bad.txt" 2>&1
check "reload of a bad file fails (1)" [ $? = 1 ]
check "  naming file, line and key" grep -q \
    "engarde.yml:6: client.dstAdr: unknown key, did you mean dstAddr?" \
    "$EG_TMP/bad.txt"
check "  keeping the running configuration" \
    [ "$(iface_field egl2 reason)" = "by configuration" ]
check "  and forwarding" tun_ping 2
cp "$EG_TMP/good.yml" "$EG_CONF"
ctl client reload >/dev/null
check "reload back: egl2 active" iface_is egl2 active

# The remaining commands in JSON.
jres()
{
	ctl client -j "$@" | tr -d ' ' | sed -n 's/.*"result":"\([^"]*\)".*/\1/p'
}
check "include -j: already-included" [ "$(jres include egl1)" = already-included ]
check "exclude -j: ok" [ "$(jres exclude egl1)" = ok ]
check "reset exclusions -j: ok" [ "$(jres reset exclusions)" = ok ]
check "reload -j: ok" [ "$(jres reload)" = ok ]
check "log verbose -j: ok" [ "$(jres log verbose)" = ok ]
check "log brief" sh -c "$ENGARDECTL -s $EG_TMP/client.sock log brief | grep -q ."
check "  shows in status" [ "$(ctl client -j show status | tr -d ' ' | sed -n 's/.*"verbose":\([0-9]*\).*/\1/p')" = 0 ]
ctl client log verbose >/dev/null
check "log verbose shows in status" [ "$(ctl client -j show status | tr -d ' ' | sed -n 's/.*"verbose":\([0-9]*\).*/\1/p')" = 1 ]
check "the parent logs the new level" grep -q "log level verbose" \
    "$EG_TMP/client.log"
