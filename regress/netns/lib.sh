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

# Shared helpers of the end-to-end tests: namespaces, links, WireGuard.
#
# Source it first thing:  . "$(dirname "$0")/lib.sh"
# It checks for root and tools, names this run, makes a temporary directory
# and installs the EXIT/INT/TERM/HUP traps; do not install your own traps.
# It works with and without set -e.
# Everything started with ns_spawn, sink_start or wg_up, and every namespace
# made here, is removed on every exit path.  The exit status is non-zero
# when any check failed.  EG_KEEP=1 keeps the temporary directory.  After a
# failure the logs go to regress/out/$EG_NAME.files (default: the script's
# name without .sh).
#
# Topology (topo_up N): namespaces $CLIENT and $SERVER joined by veth pairs
# egl1..egl3 (same name on both sides) in 192.0.2.0/24, 198.51.100.0/24 and
# 203.0.113.0/24, client .1, server .2.  wg_up adds wg0 in both, 100.64.0.1
# (client) and 100.64.0.2 (server); the server's WireGuard listens on port
# 51820 on all addresses, the client's peer endpoint is $EG_LISTEN.

PATH=$PATH:/usr/sbin:/sbin
export PATH
LC_ALL=C
export LC_ALL

EG_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
UDPGEN=$EG_ROOT/regress/bench/udpgen
ENGARDED=$EG_ROOT/engarded/engarded
ENGARDECTL=$EG_ROOT/engardectl/engardectl

EG_LISTEN=${EG_LISTEN:-127.0.0.1:59401}	# engarde client listenAddr
WG_PORT=51820				# server WireGuard
WG_CLIENT_PORT=51821			# client WireGuard
WG_DST=127.0.0.1:$WG_PORT		# engarde server dstAddr
WG_IF=wg0
WG_CLIENT_IP=100.64.0.1
WG_SERVER_IP=100.64.0.2
WG_MTU=1420
EG_NFT=egtest				# our nftables table in each namespace

EG_PASS=0
EG_FAIL=0
EG_PIDS=				# processes to stop at exit
EG_ALLPIDS=				# every process ever started, for checks
EG_NETNS=				# namespaces to delete at exit
EG_TMP=
EG_PID=					# the last process started
WG_PID_CLIENT=
WG_PID_SERVER=

# --- results --------------------------------------------------------------

pass()
{
	EG_PASS=$((EG_PASS + 1))
	echo "ok - $*"
}

fail()
{
	EG_FAIL=$((EG_FAIL + 1))
	echo "not ok - $*"
}

# check "text" cmd...: pass when the command succeeds.
check()
{
	local text=$1
	shift
	if "$@"; then
		pass "$text"
	else
		fail "$text"
	fi
}

# not cmd...: true when the command fails, for check and wait_for.
not()
{
	! "$@"
}

note()
{
	echo "# $*"
}

# A broken harness: fail and stop here; the EXIT trap cleans up.
die()
{
	fail "$*"
	exit 1
}

# The test cannot run here.  Under CI that is a failure, never a skip.
eg_skip()
{
	if [ "${CI:-}" = true ]; then
		echo "not ok - cannot run: $* (CI=true)"
		exit 1
	fi
	echo "# SKIP cannot run: $*"
	exit 77
}

# --- time, processes --------------------------------------------------------

# Centiseconds since boot, from /proc/uptime, in plain sh.
eg_now_cs()
{
	local up rest
	read -r up rest </proc/uptime
	echo $((${up%.*} * 100 + 1${up#*.} - 100))
}

# Seconds as "N" or "N.D[D]" to centiseconds.
eg_cs()
{
	local i f
	case $1 in
	*.*)	i=${1%.*}
		f=$(printf '%-2.2s' "${1#*.}" | tr ' ' 0)
		echo $((${i:-0} * 100 + 1$f - 100));;
	*)	echo $(($1 * 100));;
	esac
}

# wait_for seconds cmd...: poll every 0.1 s until the command succeeds.
# Its output is discarded.  Returns 1 on timeout.
wait_for()
{
	local end
	end=$(($(eg_now_cs) + $(eg_cs "$1")))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(eg_now_cs)" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# proc_sched pid: "policy priority" of a process, from /proc/PID/stat
# (fields 41 and 40): "0 0" for SCHED_OTHER, "1 10" for SCHED_FIFO at 10.
proc_sched()
{
	sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $39, $38 }'
}

# proc_status pid field: the value of a /proc/PID/status field, e.g.
# "Uid", "CapEff", "NoNewPrivs", "Seccomp", "VmRSS", "Threads", "State".
proc_status()
{
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null
}

# True while the process exists and is not a zombie.
proc_alive()
{
	local state
	state=$(proc_status "$1" State) || return 1
	case $state in
	''|Z*|X*)	return 1;;
	esac
	return 0
}

proc_dead()
{
	! proc_alive "$1"
}

# proc_wait pid seconds: wait for a process we started to exit; returns its
# exit status, or 124 if it is still running after the timeout.
proc_wait()
{
	wait_for "$2" proc_dead "$1" || return 124
	wait "$1" 2>/dev/null
}

# proc_kill pid [seconds]: TERM, then KILL after the timeout (default 3).
proc_kill()
{
	local p rest=
	kill -TERM "$1" 2>/dev/null || :
	if ! wait_for "${2:-3}" proc_dead "$1"; then
		kill -KILL "$1" 2>/dev/null || :
		wait_for 2 proc_dead "$1" || :
	fi
	wait "$1" 2>/dev/null || :
	for p in $EG_PIDS; do
		[ "$p" = "$1" ] || rest="$rest $p"
	done
	EG_PIDS=$rest
	return 0
}

eg_track()
{
	EG_PID=$1
	EG_PIDS="$EG_PIDS $1"
	EG_ALLPIDS="$EG_ALLPIDS $1"
}

# ns_spawn ns logfile cmd...: start a command in a namespace in the
# background, output to logfile; its PID is in $EG_PID.
ns_spawn()
{
	local ns=$1 log=$2
	shift 2
	ip netns exec "$ns" "$@" >"$log" 2>&1 </dev/null &
	eg_track $!
}

# ns_exec ns cmd...: run a command in a namespace.
ns_exec()
{
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# --- setup and cleanup ------------------------------------------------------

eg_cleanup()
{
	local p ns i alive
	for p in $EG_PIDS; do
		kill -TERM "$p" 2>/dev/null || :
	done
	i=0
	while [ $i -lt 30 ]; do
		alive=
		for p in $EG_PIDS; do
			proc_alive "$p" && alive=1
		done
		[ -z "$alive" ] && break
		sleep 0.1
		i=$((i + 1))
	done
	for p in $EG_PIDS; do
		proc_alive "$p" && kill -KILL "$p" 2>/dev/null || :
	done
	# Whatever they forked stays inside our namespaces: end it too.
	for ns in $EG_NETNS; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null || :
		done
	done
	for p in $EG_PIDS; do
		wait "$p" 2>/dev/null || :
	done
	EG_PIDS=
	for ns in $EG_NETNS; do
		ip netns del "$ns" 2>/dev/null || :
	done
	EG_NETNS=
	if [ -n "$EG_TMP" ] && [ -d "$EG_TMP" ]; then
		if [ "${EG_KEEP:-0}" = 1 ]; then
			note "kept $EG_TMP"
		else
			rm -rf "$EG_TMP"
		fi
	fi
	EG_TMP=
	return 0
}

# eg_keep_logs rc: after a failure, the daemons' logs and the streams'
# results go to regress/out/NAME.files for a look afterwards.
eg_keep_logs()
{
	local dir
	[ "$1" -ne 0 ] || [ "$EG_FAIL" -gt 0 ] || return 0
	[ -n "$EG_TMP" ] && [ -d "$EG_TMP" ] || return 0
	dir=$EG_ROOT/regress/out/${EG_NAME:-$(basename "$0" .sh)}.files
	rm -rf "$dir"
	mkdir -p "$dir" &&
	    cp "$EG_TMP"/*.log "$EG_TMP"/*.json "$EG_TMP"/*.yml "$dir" \
	    2>/dev/null
	echo "# logs kept in $dir"
}

eg_exit()
{
	local rc=$?
	trap - EXIT INT TERM HUP
	set +e
	eg_keep_logs "$rc"
	eg_cleanup >/dev/null 2>&1
	if [ "$rc" -eq 0 ] && [ "$EG_FAIL" -gt 0 ]; then
		rc=1
	fi
	[ "$rc" -ne 77 ] && echo "# $EG_PASS passed, $EG_FAIL failed"
	exit "$rc"
}

eg_signal()
{
	echo "not ok - interrupted by SIG$1"
	EG_FAIL=$((EG_FAIL + 1))
	exit "$2"
}

# ns_add name: create a namespace that the cleanup deletes, lo up.
ns_add()
{
	if ! ip netns add "$1" 2>"$EG_TMP/netns.err"; then
		eg_skip "cannot create network namespaces:" \
		    "$(cat "$EG_TMP/netns.err")"
	fi
	EG_NETNS="$EG_NETNS $1"
	ip -n "$1" link set lo up || die "lo up in $1"
}

eg_init()
{
	local t rnd
	[ "$(id -u)" -eq 0 ] || eg_skip "needs root for network namespaces"
	for t in ip nft tc sed awk nsenter mount; do
		command -v "$t" >/dev/null 2>&1 || eg_skip "$t not installed"
	done
	# A random suffix keeps parallel runs and leftovers apart.
	while :; do
		rnd=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
		EG_ID=eg$rnd
		ip netns list | grep -q "^$EG_ID" || break
	done
	CLIENT=$EG_ID-c
	SERVER=$EG_ID-s
	trap eg_exit EXIT
	trap 'eg_signal INT 130' INT
	trap 'eg_signal TERM 143' TERM
	trap 'eg_signal HUP 129' HUP
	EG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/$EG_ID.XXXXXX") ||
	    die "mktemp"
	note "run $EG_ID, client $CLIENT, server $SERVER, files $EG_TMP"
}

# --- topology ---------------------------------------------------------------

# link_net i: the first three octets of link i's subnet.
link_net()
{
	case $1 in
	1)	echo 192.0.2;;
	2)	echo 198.51.100;;
	3)	echo 203.0.113;;
	*)	echo "no link $1 (1 to 3)" >&2
		return 1;;
	esac
}

# link_addr i client|server: the address of one end of link i.
link_addr()
{
	local net
	net=$(link_net "$1") || return 1
	case $2 in
	client)	echo "$net.1";;
	server)	echo "$net.2";;
	*)	echo "link_addr: side must be client or server" >&2
		return 1;;
	esac
}

eg_linkarg()
{
	link_net "$1" >/dev/null 2>&1 || die "$2: no link $1 (1 to 3)"
}

# eg_sides client|server|both: the namespaces meant.
eg_sides()
{
	case $1 in
	client)	EG_SIDES=$CLIENT;;
	server)	EG_SIDES=$SERVER;;
	both)	EG_SIDES="$CLIENT $SERVER";;
	*)	die "side must be client, server or both: $1";;
	esac
}

# topo_up N: the two hosts joined by links 1..N.
topo_up()
{
	local i=1
	case $1 in
	[1-3])	;;
	*)	die "topo_up: 1 to 3 links";;
	esac
	ns_add "$CLIENT"
	ns_add "$SERVER"
	while [ $i -le "$1" ]; do
		link_add $i
		i=$((i + 1))
	done
}

# link_add i: the veth pair egl<i>, addressed and up on both sides.
link_add()
{
	local net
	eg_linkarg "$1" link_add
	net=$(link_net "$1")
	ip -n "$CLIENT" link add "egl$1" type veth peer name "egl$1" \
	    netns "$SERVER" || die "link_add $1"
	ip -n "$CLIENT" addr add "$net.1/24" dev "egl$1" &&
	    ip -n "$SERVER" addr add "$net.2/24" dev "egl$1" &&
	    ip -n "$CLIENT" link set "egl$1" up &&
	    ip -n "$SERVER" link set "egl$1" up || die "link_add $1: address"
}

# link_del i: remove the pair (both ends go).
link_del()
{
	eg_linkarg "$1" link_del
	ip -n "$CLIENT" link del "egl$1" || die "link_del $1"
}

# link_down i [client|server|both]: administratively down (default client).
link_down()
{
	local ns
	eg_linkarg "$1" link_down
	eg_sides "${2:-client}"
	for ns in $EG_SIDES; do
		ip -n "$ns" link set "egl$1" down || die "link_down $1 $ns"
	done
}

# link_up i [client|server|both]: up again (addresses stay on down/up).
link_up()
{
	local ns
	eg_linkarg "$1" link_up
	eg_sides "${2:-client}"
	for ns in $EG_SIDES; do
		ip -n "$ns" link set "egl$1" up || die "link_up $1 $ns"
	done
}

# Our table: each namespace's input hook jumps to one chain per link,
# l1..l3, which holds that link's drop rule or nothing.
eg_nft_init()
{
	[ -f "$EG_TMP/nft.$1" ] && return 0
	ip netns exec "$1" nft -f - <<EOF || die "nft table in $1"
table inet $EG_NFT {
	chain l1 {
	}
	chain l2 {
	}
	chain l3 {
	}
	chain input {
		type filter hook input priority filter - 10; policy accept;
		iifname "egl1" jump l1
		iifname "egl2" jump l2
		iifname "egl3" jump l3
	}
}
EOF
	: >"$EG_TMP/nft.$1"
}

# eg_nft_link i rule: replace link i's rule on both sides (empty: none).
# Dropping on input at both ends loses both directions silently, as a
# broken path does: senders see no error.
eg_nft_link()
{
	local ns
	for ns in $CLIENT $SERVER; do
		eg_nft_init "$ns"
		ip netns exec "$ns" nft flush chain inet $EG_NFT "l$1" ||
		    die "nft flush l$1 in $ns"
		if [ -n "$2" ]; then
			ip netns exec "$ns" nft add rule inet $EG_NFT \
			    "l$1" "$2" || die "nft rule l$1 in $ns: $2"
		fi
	done
}

# link_block i / link_unblock i: drop everything on link i, or stop.
link_block()
{
	eg_linkarg "$1" link_block
	eg_nft_link "$1" drop
}

link_unblock()
{
	eg_linkarg "$1" link_unblock
	eg_nft_link "$1" ""
}

# link_loss i percent: drop that share at random, each direction (0 stops).
link_loss()
{
	eg_linkarg "$1" link_loss
	case $2 in
	''|*[!0-9]*)	die "link_loss: percent 0 to 100: $2";;
	esac
	[ "$2" -le 100 ] || die "link_loss: percent 0 to 100: $2"
	if [ "$2" -eq 0 ]; then
		eg_nft_link "$1" ""
	else
		eg_nft_link "$1" "numgen random mod 100 < $2 drop"
	fi
}

# link_slow i rate: a token bucket each way, e.g. link_slow 2 2mbit.
link_slow()
{
	local ns
	eg_linkarg "$1" link_slow
	for ns in $CLIENT $SERVER; do
		tc -n "$ns" qdisc replace dev "egl$1" root tbf rate "$2" \
		    burst 32kbit latency 400ms || die "link_slow $1 $2 in $ns"
	done
}

# link_fast i: remove the token bucket.
link_fast()
{
	local ns
	for ns in $CLIENT $SERVER; do
		tc -n "$ns" qdisc del dev "egl$1" root 2>/dev/null || :
	done
	return 0
}

# --- WireGuard --------------------------------------------------------------

# wg_cmd client|server args...: run wg(8) next to that side's wireguard-go.
# Each wireguard-go has a private /run (its UAPI socket lives there), so
# that both can be called wg0 and parallel runs never meet.
wg_cmd()
{
	local pid
	case $1 in
	client)	pid=$WG_PID_CLIENT;;
	server)	pid=$WG_PID_SERVER;;
	*)	die "wg_cmd: client or server";;
	esac
	shift
	[ -n "$pid" ] || die "wg_cmd: no WireGuard started"
	nsenter -t "$pid" -m -n wg "$@"
}

eg_wg_spawn()
{
	local ns=$1 side=$2
	WG_PROCESS_FOREGROUND=1 \
	    WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 \
	    LOG_LEVEL=${WG_LOG_LEVEL:-error} \
	    ip netns exec "$ns" sh -c '
		mount -t tmpfs -o mode=0755,size=1m egrun /run &&
		mkdir -m 0700 /run/wireguard &&
		exec wireguard-go "$1"' wireguard-go "$WG_IF" \
	    >"$EG_TMP/wg-$side.log" 2>&1 </dev/null &
	eg_track $!
	case $side in
	client)	WG_PID_CLIENT=$EG_PID;;
	server)	WG_PID_SERVER=$EG_PID;;
	esac
}

# wg_up [endpoint]: WireGuard in both namespaces.  The client's peer is
# endpoint (default $EG_LISTEN, the engarde client); the server's peer has
# no endpoint and learns it from the first handshake.
wg_up()
{
	local side ns t t0
	for t in wg wireguard-go; do
		command -v "$t" >/dev/null 2>&1 || eg_skip "$t not installed"
	done
	[ -c /dev/net/tun ] || eg_skip "no /dev/net/tun"
	(umask 077 && for side in client server; do
		wg genkey >"$EG_TMP/wg-$side.key" &&
		    wg pubkey <"$EG_TMP/wg-$side.key" >"$EG_TMP/wg-$side.pub" ||
		    exit 1
	done) || die "wg genkey"

	t0=$(eg_now_cs)
	eg_wg_spawn "$CLIENT" client
	eg_wg_spawn "$SERVER" server
	for side in client server; do
		wait_for 10 wg_cmd "$side" show "$WG_IF" ||
		    die "wireguard-go ($side) did not come up:" \
		    "$(cat "$EG_TMP/wg-$side.log")"
	done
	note "wireguard-go up in $((($(eg_now_cs) - t0) * 10)) ms"

	wg_cmd server set "$WG_IF" private-key "$EG_TMP/wg-server.key" \
	    listen-port "$WG_PORT" \
	    peer "$(cat "$EG_TMP/wg-client.pub")" \
	    allowed-ips "$WG_CLIENT_IP/32" || die "wg set (server)"
	wg_cmd client set "$WG_IF" private-key "$EG_TMP/wg-client.key" \
	    listen-port "$WG_CLIENT_PORT" \
	    peer "$(cat "$EG_TMP/wg-server.pub")" \
	    allowed-ips "$WG_SERVER_IP/32" endpoint "${1:-$EG_LISTEN}" \
	    persistent-keepalive 25 || die "wg set (client)"
	for side in client server; do
		case $side in
		client)	ns=$CLIENT t=$WG_CLIENT_IP;;
		server)	ns=$SERVER t=$WG_SERVER_IP;;
		esac
		ip -n "$ns" addr add "$t/24" dev "$WG_IF" &&
		    ip -n "$ns" link set "$WG_IF" mtu "$WG_MTU" up ||
		    die "wg0 address ($side)"
	done
}

# wg_handshake client|server: true once that side completed a handshake.
wg_handshake()
{
	local hs
	hs=$(wg_cmd "$1" show "$WG_IF" latest-handshakes | awk '{ print $2 }')
	[ -n "$hs" ] && [ "$hs" != 0 ]
}

# tun_ping [count]: ping the server's tunnel address from the client.
tun_ping()
{
	ip netns exec "$CLIENT" ping -q -n -c "${1:-1}" -i 0.2 -W 1 \
	    "$WG_SERVER_IP" >/dev/null 2>&1
}

# link_ping i: ping the server end of link i from the client.
link_ping()
{
	ip netns exec "$CLIENT" ping -q -n -c 1 -W 1 \
	    "$(link_addr "$1" server)" >/dev/null 2>&1
}

# --- traffic ----------------------------------------------------------------

# json_get key file: a number or string from a flat JSON object.
json_get()
{
	sed -n "s/.*\"$1\": *\"\{0,1\}\([^,\"}]*\).*/\1/p" "$2"
}

# sink_start ns name [udpgen sink options] addr:port: start a sink and
# wait until it is bound.  Its JSON goes to $EG_TMP/name.json.
sink_start()
{
	local ns=$1 name=$2 pid
	shift 2
	[ -x "$UDPGEN" ] || die "$UDPGEN not built (make regress/bench/udpgen)"
	rm -f "$EG_TMP/$name.ready"
	ip netns exec "$ns" "$UDPGEN" sink -r "$EG_TMP/$name.ready" "$@" \
	    >"$EG_TMP/$name.json" 2>"$EG_TMP/$name.err" </dev/null &
	eg_track $!
	pid=$!
	echo "$pid" >"$EG_TMP/$name.pid"
	wait_for 5 test -f "$EG_TMP/$name.ready" ||
	    die "sink $name did not start: $(cat "$EG_TMP/$name.err")"
	EG_PID=$pid
}

# sink_wait name [seconds]: wait for a sink to end on its own (default 30
# s), stop it if it does not; its JSON is then complete.
sink_wait()
{
	local pid rc
	pid=$(cat "$EG_TMP/$1.pid") || die "no sink $1"
	rc=0
	proc_wait "$pid" "${2:-30}" || rc=$?
	if [ $rc -eq 124 ]; then
		note "sink $1 still running after ${2:-30} s, stopped"
		proc_kill "$pid"
	fi
	[ -s "$EG_TMP/$1.json" ] ||
	    die "sink $1 wrote nothing: $(cat "$EG_TMP/$1.err")"
}

# udp_send ns name [udpgen send options] host:port: a bounded stream, in
# the foreground; its JSON goes to $EG_TMP/name.json.
udp_send()
{
	local ns=$1 name=$2
	shift 2
	[ -x "$UDPGEN" ] || die "$UDPGEN not built (make regress/bench/udpgen)"
	ip netns exec "$ns" "$UDPGEN" send "$@" >"$EG_TMP/$name.json" \
	    2>"$EG_TMP/$name.err" </dev/null ||
	    die "udpgen send $name: $(cat "$EG_TMP/$name.err")"
}

# result name key: a field of a sink's or sender's JSON.
result()
{
	json_get "$2" "$EG_TMP/$1.json"
}

eg_init
