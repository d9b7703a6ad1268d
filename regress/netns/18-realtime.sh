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

# realtimePriority: the client's engine alone runs SCHED_FIFO, read from
# /proc; it still forwards, unprivileged; reloads change the priority,
# take it away and give it back; a bad value is refused and changes
# nothing.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engarde.sh"

# rtprio_set value|"": the client section's realtimePriority, or none.
rtprio_set()
{
	sed -i '/^  realtimePriority: /d' "$EG_CONF"
	[ -z "$1" ] && return
	sed -i "s|^\(  controlSocket: \"$EG_TMP/client.sock\"\)\$|\1\n  realtimePriority: $1|" \
	    "$EG_CONF"
}

reload()
{
	ctl client reload >/dev/null
}

chrt -f 1 true 2>/dev/null || eg_skip "this kernel refuses SCHED_FIFO here"

topo_up 2
wg_up
eg_conf
rtprio_set 10
check "realtimePriority is read" sh -c \
    "$ENGARDED -nv -r client -f $EG_CONF | grep -q 'realtimePriority: 10'"
eg_up
check "ping across the tunnel" wait_for 10 tun_ping 1

engine=$(engine_of "$EG_CLI") || die "no client engine"
note "client engine $engine: $(proc_sched "$engine"), parent: $(proc_sched "$EG_CLI")"
# SCHED_FIFO is policy 1, SCHED_OTHER 0.
check "the client's engine runs SCHED_FIFO at priority 10" \
    [ "$(proc_sched "$engine")" = "1 10" ]
check "  the client's parent keeps normal scheduling" \
    [ "$(proc_sched "$EG_CLI")" = "0 0" ]
check "  the server's engine too (no realtimePriority there)" \
    [ "$(proc_sched "$(engine_of "$EG_SRV")")" = "0 0" ]
check "  the engine is still unprivileged" \
    [ "$(proc_status "$engine" Uid | awk '{ print $2 }')" != 0 ]
check "  the log says so" grep -q "real-time priority 10 (SCHED_FIFO)" \
    "$EG_TMP/client.log"

sink_start "$SERVER" rt -n 6000 -t 30 -i 5 "$WG_SERVER_IP:9000"
ns_spawn "$CLIENT" "$EG_TMP/rt.tx.json" "$UDPGEN" send -r 2000 -n 6000 \
    -s 1000 -t 30 "$WG_SERVER_IP:9000"
sleep 1
link_block 1
sink_wait rt 30
link_unblock 1
note "SCHED_FIFO engine, link 1 cut: $(cat "$EG_TMP/rt.json")"
check "a stream through it, link 1 cut: 6000 received" \
    [ "$(result rt unique)" = 6000 ]
check "  none lost" [ "$(result rt lost)" = 0 ]

rtprio_set 30
check "reload to priority 30" reload
check "  the same engine runs at 30" [ "$(proc_sched "$engine")" = "1 30" ]
rtprio_set 100
ctl client reload >"$EG_TMP/bad.txt" 2>&1
check "reload with realtimePriority 100 fails" [ $? != 0 ]
check "  naming the file, line and key" grep -q \
    "engarde.yml:[0-9]*: client.realtimePriority: \"100\": must be at most 99" \
    "$EG_TMP/bad.txt"
check "  the engine's scheduling is unchanged" [ "$(proc_sched "$engine")" = "1 30" ]
check "  and it still forwards" tun_ping 1
rtprio_set ""
check "reload without realtimePriority" reload
check "  the engine is back to normal scheduling" \
    [ "$(proc_sched "$engine")" = "0 0" ]
check "  the log says so" grep -q "engine: normal scheduling" \
    "$EG_TMP/client.log"
check "  the parent never changed" [ "$(proc_sched "$EG_CLI")" = "0 0" ]
rtprio_set 5
check "reload to priority 5" reload
check "  SCHED_FIFO at 5 again" [ "$(proc_sched "$engine")" = "1 5" ]
check "  the same engine all along" [ "$(engine_of "$EG_CLI")" = "$engine" ]
