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

# Soak under faults: a steady stream through the tunnel over three links
# while, one link at a time, links go down, are blocked, lose their
# address, are deleted, turn lossy or slow; reloads good and bad,
# exclusions, garbage on the control socket and a busy dashboard.  Two
# links are always whole.  Nothing may be lost, no process restarted, and
# descriptors and memory stay where they were.  SOAK_SECONDS (60).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engarde.sh"

SECS=${SOAK_SECONDS:-60}
RATE=500
COUNT=$((SECS * RATE))

topo_up 3
wg_up
eg_conf
awk '/^client:/ { c = 1 } /^server:/ { c = 0 }
    c && $0 == "    listenAddr: \"\"" {
	print "    listenAddr: \"127.0.0.1:9446\""; print "    tls: off"; next }
    { print }' "$EG_CONF" >"$EG_TMP/soak.yml" && cp "$EG_TMP/soak.yml" "$EG_CONF"
# Client addresses that a fault replaced expire quickly, so that what the
# server holds at the end can be compared with what it held at first.
sed -i 's/^  clientTimeout: 30$/  clientTimeout: 5/' "$EG_TMP/soak.yml"
cp "$EG_TMP/soak.yml" "$EG_CONF"
sed 's/^  dstAddr:/  dstAdr:/' "$EG_CONF" >"$EG_TMP/bad.yml"
eg_up
check "ping across the tunnel" wait_for 10 tun_ping 1

# procs: every engarded process, parent and children, of both hosts.
procs()
{
	echo "$EG_CLI $(pgrep -P "$EG_CLI" | tr '\n' ' ')"
	echo "$EG_SRV $(pgrep -P "$EG_SRV" | tr '\n' ' ')"
}

# usage: descriptors and resident kB of every engarded process.
usage()
{
	local p
	for p in $(procs); do
		echo "$p $(ls /proc/"$p"/fd | wc -l) \
		    $(proc_status "$p" VmRSS | awk '{ print $1 }')"
	done
}

sleep 1
usage >"$EG_TMP/usage0"
pids0=$(procs | tr '\n' ' ')

sink_start "$SERVER" soak -n $COUNT -t $((SECS + 30)) -i 10 \
    "$WG_SERVER_IP:9000"
ns_spawn "$CLIENT" "$EG_TMP/soak.tx.json" "$UDPGEN" send -r $RATE \
    -n $COUNT -s 600 -t $((SECS + 10)) "$WG_SERVER_IP:9000"

# fault n i: put fault n on link i; unfault n i: take it off.
fault()
{
	case $1 in
	0)	link_down "$2";;
	1)	link_block "$2";;
	2)	ip -n "$CLIENT" addr del "$(link_addr "$2" client)/24" \
		    dev "egl$2";;
	3)	link_del "$2";;
	4)	link_loss "$2" 20;;
	5)	link_slow "$2" 2mbit;;
	6)	ctl client exclude "egl$2" >/dev/null;;
	esac
}

unfault()
{
	case $1 in
	0)	link_up "$2";;
	1)	link_unblock "$2";;
	2)	ip -n "$CLIENT" addr add "$(link_addr "$2" client)/24" \
		    dev "egl$2";;
	3)	link_add "$2";;
	4)	link_loss "$2" 0;;
	5)	link_fast "$2";;
	6)	ctl client include "egl$2" >/dev/null;;
	esac
}

# Between faults, the control and the dashboard are kept busy.
chores()
{
	case $(($1 % 4)) in
	0)	cp "$EG_TMP/soak.yml" "$EG_CONF"
		kill -HUP "$EG_CLI";;
	1)	cp "$EG_TMP/bad.yml" "$EG_CONF"
		ctl client reload >/dev/null 2>&1
		cp "$EG_TMP/soak.yml" "$EG_CONF";;
	2)	printf 'garbage\r\n' | socat -t 1 - \
		    "UNIX-CONNECT:$EG_TMP/client.sock" >/dev/null 2>&1;;
	3)	ip netns exec "$CLIENT" sh -c 'i=0; while [ $i -lt 20 ]; do
		    curl -s -m 2 -u engarde:engarde -o /dev/null \
		    http://127.0.0.1:9446/api/v1/get-list; i=$((i + 1)); done';;
	esac
}

end=$(($(eg_now_cs) + SECS * 100))
n=0
while [ "$(eg_now_cs)" -lt "$end" ]; do
	f=$((n % 7))
	l=$((n % 3 + 1))
	fault $f $l
	chores $n
	sleep 1
	unfault $f $l
	sleep 0.5
	n=$((n + 1))
done
note "$n faults in $SECS s"
sink_wait soak $((SECS + 30))
note "soak: $(cat "$EG_TMP/soak.json")"
note "$(udp_errors)"

check "soak: every packet arrived" [ "$(result soak unique)" = $COUNT ]
check "soak: none lost" [ "$(result soak lost)" = 0 ]
check "no process restarted" [ "$(procs | tr '\n' ' ')" = "$pids0" ]
check "the server's WireGuard got at least the stream" [ \
    "$(ctl server -j show status | tr -d ' \n' |
    sed -n 's/.*"to_wireguard":{"packets":\([0-9]*\).*/\1/p')" -ge $COUNT ]

# Past the clientTimeout: the replaced client addresses are gone.
sleep 7
usage >"$EG_TMP/usage1"
note "before: $(tr '\n' ';' <"$EG_TMP/usage0")"
note "after: $(tr '\n' ';' <"$EG_TMP/usage1")"
check "descriptors and memory flat" awk '
	NR == FNR { fd[$1] = $2; rss[$1] = $3; next }
	$2 > fd[$1] + 4 || $3 > rss[$1] + 1024 { bad = 1 }
	END { exit bad }' "$EG_TMP/usage0" "$EG_TMP/usage1"
