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

# Per-path quality, measured passively on both sides: 10% dropped on one
# link reads near 10% there and near 0 elsewhere; a link behind a slow
# queue falls behind the fastest and delivers few packets first.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engarde.sh"

command -v jq >/dev/null 2>&1 || eg_skip "jq not installed"
topo_up 3
wg_up
eg_conf
eg_up
check "ping across the tunnel" wait_for 10 tun_ping 1

# srv_q link key: a quality figure of the client's address on that link,
# as the server measured it.
srv_q()
{
	ctl server -j show clients | jq -r --arg a "$(link_addr "$1" client):" \
	    "[.clients[] | select(.address | startswith(\$a)) |
	    .quality.$2] | max // empty"
}

# cli_q link key: the same, of the client's interface, as it measured.
cli_q()
{
	ctl client -j show interfaces | jq -r --arg n "egl$1" \
	    ".interfaces[] | select(.name == \$n) | .quality.$2"
}

# both_ways name n rate size: a stream each way across the tunnel.
both_ways()
{
	sink_start "$SERVER" "$1.up" -n "$2" -t 30 -i 5 "$WG_SERVER_IP:9000"
	sink_start "$CLIENT" "$1.down" -n "$2" -t 30 -i 5 "$WG_CLIENT_IP:9001"
	ns_spawn "$SERVER" "$EG_TMP/$1.down.tx.json" "$UDPGEN" send \
	    -r "$3" -n "$2" -s "$4" -t 30 "$WG_CLIENT_IP:9001"
	udp_send "$CLIENT" "$1.up.tx" -r "$3" -n "$2" -s "$4" -t 30 \
	    "$WG_SERVER_IP:9000"
	sink_wait "$1.up" 15
	sink_wait "$1.down" 15
	# Messages are judged a second after they came.
	sleep 2
}

# within v lo hi: lo <= v <= hi.
within()
{
	[ -n "$1" ] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]
}

link_loss 2 10
both_ways loss 6000 1000 300
link_loss 2 0
# Losses end to end are the business of other tests; here, a record.
note "received: up $(result loss.up received), down" \
    "$(result loss.down received) of 6000"
ctl server show paths >"$EG_TMP/paths.server" 2>&1
ctl client show paths >"$EG_TMP/paths.client" 2>&1
note "server: $(cat "$EG_TMP/paths.server")"
note "client: $(cat "$EG_TMP/paths.client")"
for side in srv cli; do
	l1=$(${side}_q 1 loss_ppm)
	l2=$(${side}_q 2 loss_ppm)
	l3=$(${side}_q 3 loss_ppm)
	n2=$(${side}_q 2 samples)
	check "$side: 10% dropped on link 2 reads $l2 ppm ($n2 samples)" \
	    within "$l2" 70000 130000
	check "$side: links 1 and 3 read near 0 ($l1, $l3 ppm)" sh -c \
	    "[ ${l1:-x} -le 10000 ] && [ ${l3:-x} -le 10000 ]"
	check "$side: link 2 was measured over the stream ($n2)" \
	    within "$n2" 3000 100000
done

# A slow queue on link 3: 2 Mbit/s against 2.4 Mbit/s of copies.
link_slow 3 2mbit
both_ways slow 4000 1000 300
link_fast 3
ctl server show paths >"$EG_TMP/paths.server" 2>&1
note "server: $(cat "$EG_TMP/paths.server")"
for side in srv cli; do
	# The window still holds the fast minutes before: the tail shows it.
	d1=$(${side}_q 1 delay_p99_us)
	d3=$(${side}_q 3 delay_p99_us)
	f1=$(${side}_q 1 first_ppm)
	f3=$(${side}_q 3 first_ppm)
	check "$side: link 3 lags behind ($d3 us against $d1 us)" sh -c \
	    "[ ${d3:-0} -ge 10000 ] && [ ${d3:-0} -gt $((${d1:-0} * 10)) ]"
	check "$side: link 3 seldom comes first ($f3 ppm against $f1)" \
	    sh -c "[ ${f3:-x} -lt 100000 ] && [ ${f3:-x} -lt ${f1:-0} ]"
done
ctl client -j show paths >"$EG_TMP/paths.json" 2>&1
check "show paths -j has the three paths, measured" jq -e \
    '[.paths[] | select(.quality.samples > 0)] | length == 3' \
    "$EG_TMP/paths.json"
