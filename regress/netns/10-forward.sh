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

# Redundant forwarding end to end: WireGuard on both ends, engarded client
# and server between them, links cut, blocked, added, removed and slowed;
# the privilege separation read from /proc.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engarde.sh"

topo_up 2
wg_up
eg_conf
eg_up

check "ping across the tunnel" wait_for 10 tun_ping 1
check "client: egl1 active" [ "$(iface_field egl1 status)" = active ]
check "client: egl2 active" [ "$(iface_field egl2 status)" = active ]
check "client: wg0 excluded by configuration" \
    [ "$(iface_field "$WG_IF" reason)" = "by configuration" ]
check "client: egl2 labelled" [ "$(iface_field egl2 label)" = lte ]

# --- privilege separation ---------------------------------------------------

for side in client server; do
	case $side in
	client)	parent=$EG_CLI;;
	server)	parent=$EG_SRV;;
	esac
	engine=$(engine_of "$parent")
	check "$side: engine found" [ -n "$engine" ]
	uid=$(proc_status "$engine" Uid | awk '{ print $1, $2, $3, $4 }')
	check "$side: engine uids are _engarde's ($uid)" \
	    [ "$uid" = "$(id -u _engarde) $(id -u _engarde) $(id -u _engarde) $(id -u _engarde)" ]
	check "$side: engine NoNewPrivs 1" \
	    [ "$(proc_status "$engine" NoNewPrivs)" = 1 ]
	check "$side: engine Seccomp 2" \
	    [ "$(proc_status "$engine" Seccomp)" = 2 ]
	check "$side: engine CapEff empty" \
	    [ "$(proc_status "$engine" CapEff)" = 0000000000000000 ]
	check "$side: engine root is /var/empty" \
	    [ "$(readlink "/proc/$engine/root")" = /var/empty ]
	check "$side: engine holds the UDP sockets" \
	    [ "$(udp_sockets "$engine")" -ge 2 ]
	check "$side: parent holds no UDP socket" \
	    [ "$(udp_sockets "$parent")" = 0 ]
	check "$side: parent is root" \
	    [ "$(proc_status "$parent" Uid | awk '{ print $2 }')" = 0 ]
done

# --- a stream with links cut hard -------------------------------------------

# stream name count rate: a sender in the background, its sink in front.
stream_start()
{
	sink_start "$SERVER" "$1" -n "$2" -t 30 -i 5 "$WG_SERVER_IP:9000"
	ns_spawn "$CLIENT" "$EG_TMP/$1.tx.json" "$UDPGEN" send -r "$3" \
	    -n "$2" -s 1000 -t 30 "$WG_SERVER_IP:9000"
}

stream_start down 10000 2000
sleep 1
link_down 1
sleep 1.5
link_up 1
sink_wait down 30
note "link down: $(cat "$EG_TMP/down.json")"
note "$(udp_errors)"
note "$(ctl client show interfaces)"
note "$(ctl server show clients)"
check "link 1 down mid-stream: 10000 received" \
    [ "$(result down unique)" = 10000 ]
check "link 1 down mid-stream: none lost" [ "$(result down lost)" = 0 ]
check "link 1 active again after up" wait_for 2 iface_is egl1 active
check "link 1 carries packets again" carries iface_field egl1 packets_out

stream_start block 10000 2000
sleep 1
link_block 2
sleep 1.5
out2=$(iface_field egl2 packets_out)
in2=$(client_field "$(link_addr 2 client)" packets_in)
sleep 0.5
sink_wait block 30
note "link 2 blocked: $(cat "$EG_TMP/block.json")"
check "link 2 blocked mid-stream: 10000 received" \
    [ "$(result block unique)" = 10000 ]
check "link 2 blocked mid-stream: none lost" [ "$(result block lost)" = 0 ]
check "blocked: the client still sends on link 2" \
    [ "$(iface_field egl2 packets_out)" -gt "$out2" ]
check "blocked: the server receives nothing on link 2" \
    [ "$(client_field "$(link_addr 2 client)" packets_in)" = "$in2" ]
link_unblock 2
tun_ping 3
check "unblocked: the server hears link 2 again" \
    carries client_field "$(link_addr 2 client)" packets_in

# --- links added and removed while running ----------------------------------

# A stream runs meanwhile, so that a new path has packets to carry.
stream_start add 8000 2000
sleep 0.5
link_add 3
check "a new link is used within a second" \
    wait_for 1 eg_greater 0 iface_field egl3 packets_out
check "the server hears the new link" \
    wait_for 2 eg_greater 0 client_field "$(link_addr 3 client)" packets_in
sleep 0.5
link_del 2
link_del 3
check "links 2 and 3 removed: gone from the client's list" \
    wait_for 2 not iface_is egl3 active
sink_wait add 30
note "links added and removed: $(cat "$EG_TMP/add.json")"
check "links added and removed mid-stream: none lost" \
    [ "$(result add lost)" = 0 ]
check "the tunnel works on the last link" tun_ping 3
link_add 2

# --- one slow link delays nothing -------------------------------------------

# A deep 2 Mbit/s queue on link 2 both ways: its copies arrive late or not
# at all; the stream, carried by link 1, neither waits nor loses.
check "link 2 back" wait_for 3 iface_is egl2 active
link_slow 2 2mbit
stream_start slowup 6000 2000
sink_wait slowup 30
note "slow link, client to server: $(cat "$EG_TMP/slowup.json")"
check "slow link, client to server: none lost" \
    [ "$(result slowup lost)" = 0 ]
check "slow link, client to server: p99 under 50 ms" \
    [ "$(result slowup lat_p99_us)" -lt 50000 ]

sink_start "$CLIENT" slowdown -n 6000 -t 30 -i 5 "$WG_CLIENT_IP:9001"
udp_send "$SERVER" slowdown.tx -r 2000 -n 6000 -s 1000 -t 30 \
    "$WG_CLIENT_IP:9001"
sink_wait slowdown 30
note "slow link, server to client: $(cat "$EG_TMP/slowdown.json")"
check "slow link, server to client: none lost" \
    [ "$(result slowdown lost)" = 0 ]
check "slow link, server to client: p99 under 50 ms" \
    [ "$(result slowdown lat_p99_us)" -lt 50000 ]
check "the server sent on both client addresses" \
    eg_greater 0 client_field "$(link_addr 2 client)" packets_out
link_fast 2

# --- malformed datagrams ---------------------------------------------------

# dropped_field side key: a number of the "dropped" object of show status.
dropped_field()
{
	ctl "$1" -j show status | tr -d ' \n' |
	    sed -n "s/.*\"dropped\":{[^}]*\"$2\":\([0-9]*\).*/\1/p"
}

o=$(dropped_field client oversized)
udp_send "$CLIENT" big -n 3 -r 100 -s 20000 "$EG_LISTEN"
check "oversized datagrams to the client are counted" \
    wait_for 2 eg_greater $((o + 2)) dropped_field client oversized
o=$(dropped_field server oversized)
udp_send "$CLIENT" big2 -n 3 -r 100 -s 20000 "$(link_addr 1 server):$EG_PORT"
check "oversized datagrams to the server are counted" \
    wait_for 2 eg_greater $((o + 2)) dropped_field server oversized
e=$(dropped_field client empty)
udp_send "$CLIENT" empty -n 3 -r 100 -s 0 "$EG_LISTEN"
check "an empty datagram is counted" \
    wait_for 2 eg_greater "$e" dropped_field client empty
check "the tunnel still works" tun_ping 3

# Another local program writes to the client's listen socket: junk, and a
# datagram shaped like WireGuard data.  Neither goes out, and WireGuard's
# address stays: what the server sends still reaches WireGuard.
n=$(dropped_field client not_wireguard)
f=$(dropped_field client not_from_wireguard)
udp_send "$CLIENT" stray -n 3 -r 100 -s 64 "$EG_LISTEN"
{ printf '\004\000\000\000'; head -c 60 /dev/urandom; } |
    ip netns exec "$CLIENT" socat -u - "UDP:$EG_LISTEN" 2>/dev/null
check "junk to the client's listen socket is counted" \
    wait_for 2 eg_greater $((n + 2)) dropped_field client not_wireguard
check "data from another program is counted" \
    wait_for 2 eg_greater "$f" dropped_field client not_from_wireguard
check "and takes nothing over: the server's pings reach the client" \
    ip netns exec "$SERVER" ping -q -n -c 3 -i 0.2 -W 1 "$WG_CLIENT_IP"

# --- signals ----------------------------------------------------------------

kill -HUP "$EG_CLI"
check "SIGHUP: the client reloads" \
    wait_for 3 grep -q "configuration reloaded" "$EG_TMP/client.log"
check "SIGHUP: the tunnel still works" tun_ping 3

engine=$(engine_of "$EG_SRV")
kill -KILL "$engine"
check "engine killed: the server parent stops too" wait_for 3 proc_dead "$EG_SRV"
check "engine killed: the parent says why" \
    grep -q "engine killed by signal 9" "$EG_TMP/server.log"
check "engine killed: the control socket is removed" \
    [ ! -e "$EG_TMP/server.sock" ]

engine=$(engine_of "$EG_CLI")
kill -TERM "$EG_CLI"
check "SIGTERM: the client stops" wait_for 3 proc_dead "$EG_CLI"
check "SIGTERM: its engine too" wait_for 3 proc_dead "$engine"
