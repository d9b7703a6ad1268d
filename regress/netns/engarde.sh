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

# engarded in the test hosts: configuration, start, control, /proc checks.
# Source after lib.sh.

EG_PORT=59501
EG_CONF=$EG_TMP/engarde.yml

[ -x "$ENGARDED" ] || die "$ENGARDED not built (make)"
[ -x "$ENGARDECTL" ] || die "$ENGARDECTL not built (make)"
getent passwd _engarde >/dev/null ||
    die "no user _engarde (make check creates it)"

# The control protocol's version as a printf escape, for raw frames.
EG_CTLV=$(printf '\\%03o' "$(sed -n \
    's/^#define CTL_VERSION[[:space:]]*\([0-9]*\).*/\1/p' \
    "$EG_ROOT/common/proto.h")")

# eg_conf: a Go engarde style file with both sections and every key of
# Go engarde's sample, plus our controlSocket.
eg_conf()
{
	cat >"$EG_CONF" <<EOF
---
# Client configuration
client:
  description: "test client"
  listenAddr: "$EG_LISTEN"
  dstAddr: "$(link_addr 1 server):$EG_PORT"
  writeTimeout: 10
  excludedInterfaces:
    - "$WG_IF"
  interfaceLabels:
    egl1: "fibre"
    egl2: "lte"
  dstOverrides:
    - ifName: "egl2"
      dstAddr: "$(link_addr 2 server):$EG_PORT"
    - ifName: "egl3"
      dstAddr: "$(link_addr 3 server):$EG_PORT"
  webManager:
    listenAddr: ""
    username: "engarde"
    password: "engarde"
  controlSocket: "$EG_TMP/client.sock"

# Server configuration
server:
  description: "test server"
  listenAddr: "0.0.0.0:$EG_PORT"
  dstAddr: "$WG_DST"
  clientTimeout: 30
  writeTimeout: 10
  webManager:
    listenAddr: ""
    username: "engarde"
    password: "engarde"
  controlSocket: "$EG_TMP/server.sock"
EOF
}

# eg_up: the server, then the client, each until its control socket
# answers.  Their parents' PIDs are in EG_SRV and EG_CLI.
eg_up()
{
	[ -f "$EG_CONF" ] || eg_conf
	ns_spawn "$SERVER" "$EG_TMP/server.log" "$ENGARDED" -d -v -r server \
	    -f "$EG_CONF"
	EG_SRV=$EG_PID
	wait_for 5 ctl server show status ||
	    die "engarded server did not start: $(cat "$EG_TMP/server.log")"
	ns_spawn "$CLIENT" "$EG_TMP/client.log" "$ENGARDED" -d -v -r client \
	    -f "$EG_CONF"
	EG_CLI=$EG_PID
	wait_for 5 ctl client show status ||
	    die "engarded client did not start: $(cat "$EG_TMP/client.log")"
}

# ctl client|server args...: engardectl on that side's control socket.
ctl()
{
	local side=$1
	shift
	"$ENGARDECTL" -s "$EG_TMP/$side.sock" "$@"
}

# eg_obj key value: from JSON on stdin, the object whose key has that
# string value, on one line (our objects hold no nested braces).
eg_obj()
{
	tr -d '\n' | tr '{' '\n' | grep "\"$1\": *\"$2\""
}

# iface_field ifname key: a field of one interface of the client.
iface_field()
{
	ctl client -j show interfaces | eg_obj name "$1" |
	    json_get "$2" /dev/stdin
}

# client_field address key: a counter of a client address on the server,
# summed over its ports (a recreated socket gets a new one).
client_field()
{
	ctl server -j show clients | tr -d '\n' | tr '{' '\n' |
	    grep "\"address\": *\"$1:" | json_get "$2" /dev/stdin |
	    awk '{ n += $1 } END { print n + 0 }'
}

# child_of parent name: the engine or the webui of an engarded parent.
child_of()
{
	local p
	for p in $(pgrep -P "$1"); do
		case $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) in
		*"$2"*)	echo "$p"
			return 0;;
		esac
	done
	return 1
}

# engine_of parent: the engine process of an engarded parent.
engine_of()
{
	child_of "$1" engine
}

# udp_sockets pid: how many UDP sockets (v4 or v6) the process holds.
udp_sockets()
{
	local f ino n=0
	for f in /proc/"$1"/fd/*; do
		ino=$(readlink "$f" 2>/dev/null) || continue
		case $ino in
		socket:*)
			ino=${ino#socket:[}
			ino=${ino%]}
			if awk -v i="$ino" '$10 == i { f = 1 } END { exit !f }' \
			    /proc/"$1"/net/udp /proc/"$1"/net/udp6; then
				n=$((n + 1))
			fi;;
		esac
	done
	echo $n
}

# sysfs_stat ns ifname counter: an interface statistic, e.g. tx_packets.
sysfs_stat()
{
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"
}

# carries cmd...: true when the number the command prints grows while
# pings cross the tunnel.
carries()
{
	local a
	a=$("$@") || return 1
	tun_ping 3
	eg_greater "$a" "$@"
}

# iface_is ifname status: the client reports that status for it.
iface_is()
{
	[ "$(iface_field "$1" status)" = "$2" ]
}

eg_greater()
{
	local a=$1 b
	shift
	b=$("$@") || return 1
	[ -n "$b" ] && [ "$b" -gt "$a" ]
}

# udp_errors: the UDP error counters of both hosts, for the log.
udp_errors()
{
	local ns
	for ns in $CLIENT $SERVER; do
		echo "$ns: $(ip netns exec "$ns" cat /proc/net/snmp |
		    awk '/^Udp:/ { if (h) { print "InErrors " $4 \
		    " RcvbufErrors " $6 " SndbufErrors " $7; exit } h = 1 }')"
		# Which sockets dropped, with their buffer sizes.
		ip netns exec "$ns" ss -uanmp 2>/dev/null | awk '
		    /^UNCONN|^ESTAB/ { sock = $4 " " $5 " " $7 }
		    /skmem/ && !/d0\)/ { print "  " sock " " $1 }'
	done
}
