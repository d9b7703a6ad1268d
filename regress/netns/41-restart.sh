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

# Restarted by systemd: a systemd of our own, PID 1 of its own PID, mount
# and cgroup namespaces, runs engarded@.service as shipped for the client
# and for the server, each joining its network namespace through a drop-in.
# Under a steady stream through WireGuard we kill the client's engine, the
# server's engine, then the client's dashboard process: each time the
# daemon stops whole, saying why in the journal, systemd restarts it
# (Restart=on-failure, RestartSec=1), and the stream passes again within a
# second of the new process's start.  The figures go to the log.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engarde.sh"

SYSTEMD=/lib/systemd/systemd
for t in unshare nsenter systemctl journalctl setpriv perl; do
	command -v $t >/dev/null 2>&1 ||
	    eg_skip "$t not installed (Debian packages systemd, util-linux)"
done
[ -x "$SYSTEMD" ] || eg_skip "$SYSTEMD not installed (Debian package systemd)"
[ -x "$UDPGEN" ] || die "$UDPGEN not built (make)"

UNITS=$EG_ROOT/etc
STREAM_PORT=50001
STREAM_RATE=1000		# datagrams per second: 1 ms resolution
RECOVER_MAX_US=1000000		# from the new process's start
WEB=127.0.0.1:9443

# --- systemd's cgroup -------------------------------------------------------

# systemd needs a cgroup tree of its own: a child of ours in the cgroup2
# hierarchy (the only one on a unified host, "unified" on a hybrid one),
# which its cgroup namespace makes its root.
CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
[ -n "$CG2" ] || eg_skip "no cgroup2 hierarchy mounted (systemd needs one)"
own=$(sed -n 's/^0:://p' /proc/self/cgroup)
SD_CG=$CG2${own%/}/$EG_ID.sd

# On TERM, from the end of this script or from the cleanup on any exit
# path, the janitor kills everything in that tree (systemd, being PID 1
# of its namespace, takes the rest with it) and removes it.
sh -c 'cg=$1
	gone() {
		i=0
		while [ -d "$cg" ] && [ $i -lt 25 ]; do
			[ -f "$cg/cgroup.kill" ] && echo 1 >"$cg/cgroup.kill"
			for p in $(find "$cg" -name cgroup.procs \
			    -exec cat {} +); do
				kill -KILL "$p"
			done
			find "$cg" -depth -type d -exec rmdir {} +
			[ -d "$cg" ] && sleep 0.1
			i=$((i + 1))
		done
		exit 0
	}
	trap gone TERM
	while :; do sleep 0.2; done' janitor "$SD_CG" \
    </dev/null >/dev/null 2>&1 &
eg_track $!
SD_JANITOR=$!
mkdir "$SD_CG" 2>"$EG_TMP/cgroup.err" ||
    eg_skip "cannot make a cgroup for systemd: $(cat "$EG_TMP/cgroup.err")"

# --- what systemd sees: units, configuration, namespaces ---------------------

# Everything below $SD_FILES is copied to systemd's private /run.  It
# loads units from /run/eg/units alone: nothing of the host's is started,
# and the targets that engarded@.service's default dependencies name are
# empty.
SD_FILES=$EG_TMP/sd/files
SD_UNITS=$SD_FILES/eg/units
mkdir -p "$SD_UNITS" "$EG_TMP/sd/run" || die "mkdir"

for t in eg sysinit basic shutdown; do
	printf '[Unit]\nDescription=%s\n' "$t" >"$SD_UNITS/$t.target" ||
	    die "$t.target"
done
echo "Wants=systemd-journald.socket systemd-journald.service eg-end.service" \
    >>"$SD_UNITS/eg.target"
# Should this script be killed outright, systemd still ends in time.
printf '%s\n' "[Unit]" "Description=the end of the test's systemd" \
    "DefaultDependencies=no" "SuccessAction=exit-force" \
    "FailureAction=exit-force" "[Service]" "ExecStart=/bin/sleep 600" \
    >"$SD_UNITS/eg-end.service" || die "eg-end.service"
for u in systemd-journald.socket systemd-journald.service; do
	cp "/lib/systemd/system/$u" "$SD_UNITS/" || die "copy $u"
done
# The journal in memory, kept to itself.
mkdir -p "$SD_FILES/systemd/journald.conf.d" || die "mkdir"
printf '%s\n' "[Journal]" Storage=volatile ReadKMsg=no ForwardToSyslog=no \
    ForwardToKMsg=no ForwardToConsole=no ForwardToWall=no \
    >"$SD_FILES/systemd/journald.conf.d/zz-engarde-test.conf" ||
    die "journald.conf"

# The unit as shipped, but for the binary built here and the directory
# of the files; the drop-ins only relax what would hide that binary and
# put each instance in its network namespace.
sed -e "s|^ExecStart=/usr/local/sbin/engarded |ExecStart=$ENGARDED |" \
    -e "s|/etc/engarded/%i.yml|/run/eg/%i.yml|" \
    "$UNITS/engarded@.service" >"$SD_UNITS/engarded@.service" ||
    die "copy engarded@.service"
grep -q "^ExecStart=$ENGARDED -d -f /run/eg/%i.yml" \
    "$SD_UNITS/engarded@.service" || die "ExecStart not rewritten"
# systemd gets a /tmp and /var/tmp of its own, where PrivateTmp= makes
# its directories, unless the binary is there.
sd_tmp=yes
case $ENGARDED in
/tmp/*|/var/tmp/*)	relax=PrivateTmp=no sd_tmp=no;;
/home/*|/root/*|/run/user/*)	relax=ProtectHome=read-only;;
*)	relax=;;
esac
if [ -n "$relax" ]; then
	mkdir -p "$SD_UNITS/engarded@.service.d" || die "mkdir"
	printf '[Service]\n%s\n' "$relax" \
	    >"$SD_UNITS/engarded@.service.d/path.conf" || die "drop-in"
fi
for side in client server; do
	mkdir -p "$SD_UNITS/engarded@$side.service.d" || die "mkdir"
	printf '[Service]\nNetworkNamespacePath=/run/netns/%s\n' "$side" \
	    >"$SD_UNITS/engarded@$side.service.d/netns.conf" || die "drop-in"
done
for f in "$SD_UNITS"/engarded@*.d/*.conf; do
	sed "s|^|# ${f#"$SD_UNITS"/}: |" "$f"
done

# The test file cut in two, one section per instance; the client with its
# dashboard, so that the webui runs too.
topo_up 2
wg_up
eg_conf
awk '/^# Server configuration/ { exit } { print }' "$EG_CONF" |
    awk -v web="$WEB" '$0 == "    listenAddr: \"\"" {
	$0 = "    listenAddr: \"" web "\"" } { print }' \
    >"$SD_FILES/eg/client.yml" || die "client.yml"
{ echo "---"; awk '/^server:/ { p = 1 } p' "$EG_CONF"; } \
    >"$SD_FILES/eg/server.yml" || die "server.yml"
for side in client server; do
	"$ENGARDED" -n -f "$SD_FILES/eg/$side.yml" >"$EG_TMP/n.log" 2>&1 ||
	    die "$side.yml: $(cat "$EG_TMP/n.log")"
done
grep -q "^    listenAddr: \"$WEB\"$" "$SD_FILES/eg/client.yml" ||
    die "the client's dashboard is not set"

# --- systemd ----------------------------------------------------------------

# Namespaces of its own for systemd, as for a container: PID (it must be
# PID 1), mount, cgroup, and network, UTS and IPC, so that what it sets
# up at start (the loopback interface, the host name, socket queue
# lengths) stays there.
unshare --pid --fork --mount --cgroup --net --uts --ipc --mount-proc \
    true 2>"$EG_TMP/unshare.err" ||
    eg_skip "cannot make namespaces for systemd: $(cat "$EG_TMP/unshare.err")"

# PID 1 of the new namespaces, before it becomes systemd: a private /run
# holding our files and the two network namespaces; /tmp and /var/tmp;
# /dev/null as /dev/console, so that nothing reaches the machine's;
# /proc/sys and /sys read-only, the kernel's settings being the
# machine's; a cgroup2 view rooted at $SD_CG.  Then systemd, as in a
# container, logging to its journal.
SD_INIT='
set -e
w=$1 tmp=$2
shift 2
mount -n -t tmpfs -o mode=0755,size=16m egsd "$w/run"
cp -R "$w/files/." "$w/run/"
mkdir -p "$w/run/netns" "$w/run/systemd/system"
while [ $# -gt 0 ]; do
	: >"$w/run/netns/$1"
	mount -n --bind "/run/netns/$2" "$w/run/netns/$1"
	shift 2
done
mount -n --move "$w/run" /run
if [ "$tmp" = yes ]; then
	mount -n -t tmpfs -o mode=1777,size=16m egtmp /tmp
	mount -n -t tmpfs -o mode=1777,size=16m egtmp /var/tmp
fi
mount -n --bind /dev/null /dev/console
mount -n --bind /proc/sys /proc/sys
mount -n -o remount,bind,ro /proc/sys
mount -n -o remount,bind,ro /sys
mount -n -t cgroup2 cgroup2 /sys/fs/cgroup
exec env -i container=engarde-test SYSTEMD_UNIT_PATH=/run/eg/units \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    "$SYSTEMD" --unit=eg.target --log-target=journal --log-level=info
'
SYSTEMD=$SYSTEMD sh -c 'echo $$ >"$1/cgroup.procs" && shift &&
    exec unshare --pid --fork --mount --cgroup --net --uts --ipc \
    --mount-proc --kill-child=SIGKILL sh -c "$@"' sh "$SD_CG" "$SD_INIT" \
    init "$EG_TMP/sd" "$sd_tmp" client "$CLIENT" server "$SERVER" \
    >"$EG_TMP/systemd.log" 2>&1 </dev/null &
eg_track $!
SD_UNSHARE=$!

# sd_pid: systemd's PID here, once it is systemd.
sd_pid()
{
	local p
	p=$(pgrep -P "$SD_UNSHARE") || return 1
	[ "$(cat "/proc/$p/comm" 2>/dev/null)" = systemd ] || return 1
	echo "$p"
}
wait_for 10 sd_pid || die "systemd did not start: $(cat "$EG_TMP/systemd.log")"
SD_PID=$(sd_pid)

# sd cmd...: a command in systemd's mount namespace (its /run) and PID
# namespace (it answers only clients whose PID it can see).
sd()
{
	timeout 30 nsenter -t "$SD_PID" -m -p "$@"
}

sdctl()
{
	sd systemctl "$@"
}

wait_for 10 sd test -S /run/systemd/private ||
    die "systemd does not listen: $(cat "$EG_TMP/systemd.log")"
state=$(sdctl is-system-running --wait 2>&1)
note "systemd $(systemctl --version | sed -n 's/^systemd \([0-9]*\).*/\1/p')" \
    "as PID 1 of its namespaces, host PID $SD_PID: $state"
[ "$state" = running ] ||
    die "systemd is not running: $state $(sdctl --failed --no-legend 2>&1)"

# sd_show unit property: a property of a unit.
sd_show()
{
	sdctl show -p "$2" --value "$1"
}
check "the journal runs" \
    [ "$(sd_show systemd-journald.service ActiveState)" = active ]

# unit_procs unit: the unit's processes, as PIDs here.
unit_procs()
{
	local cg
	cg=$(sd_show "$1" ControlGroup) && [ -n "$cg" ] &&
	    cat "$SD_CG$cg/cgroup.procs" 2>/dev/null
}

# main_pid unit: the unit's main process, as a PID here.
main_pid()
{
	local m p
	m=$(sd_show "$1" MainPID) && [ "${m:-0}" -gt 0 ] || return 1
	for p in $(unit_procs "$1"); do
		if [ "$(awk '/^NSpid:/ { print $NF }' "/proc/$p/status" \
		    2>/dev/null)" = "$m" ]; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# running unit: active, and its main process told systemd it is ready.
running()
{
	[ "$(sd_show "$1" ActiveState)/$(sd_show "$1" SubState)" = \
	    active/running ] && [ "$(sd_show "$1" StatusText)" = running ]
}

# restarted unit count: running again after restart number count.
restarted()
{
	[ "$(sd_show "$1" NRestarts)" = "$2" ] && running "$1"
}

# logged unit text: the journal holds that line of the unit's.
logged()
{
	sd journalctl -q -o cat -u "$1" | grep -qx "$2"
}

# web_ok: the client's dashboard answers an API request.
web_ok()
{
	[ "$(ip netns exec "$CLIENT" curl -sk -m 5 -u engarde:engarde \
	    -o /dev/null -w '%{http_code}' "https://$WEB/api/v1/get-list")" = \
	    200 ]
}

# all_dead pid...: none of them runs any more.
all_dead()
{
	local p
	for p in "$@"; do
		proc_alive "$p" && return 1
	done
	return 0
}

# between lo hi value: a number in that range.
between()
{
	case $3 in
	''|*[!0-9-]*)	return 1;;
	esac
	[ "$3" -ge "$1" ] && [ "$3" -le "$2" ]
}

# kill_at pid: SIGKILL, printing the CLOCK_MONOTONIC microsecond of it, the
# clock of systemd's timestamps and of the sink's.
kill_at()
{
	perl -MTime::HiRes=clock_gettime,CLOCK_MONOTONIC -e '
	    my $t = clock_gettime(CLOCK_MONOTONIC);
	    kill("KILL", $ARGV[0]) or die("kill $ARGV[0]: $!\n");
	    printf("%d\n", $t * 1e6);' "$1"
}

# ms microseconds: in milliseconds, one decimal.
ms()
{
	awk -v u="$1" 'BEGIN { printf("%.1f", u / 1000) }'
}

# The bounding set the unit gives, to compare with /proc.
CAPS=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNITS/engarded@.service" |
    tr ' ' '\n' | sed -n 's/^CAP_/+/p' | tr 'A-Z' 'a-z' | paste -sd, -)
CAPBND=$(setpriv --bounding-set "-all,$CAPS" grep '^CapBnd:' /proc/self/status)

for side in server client; do
	u=engarded@$side.service
	case $side in
	client)	ns=$CLIENT;;
	server)	ns=$SERVER;;
	esac
	sdctl start "$u" >"$EG_TMP/start.log" 2>&1
	check "$u: systemctl start: ready" [ $? -eq 0 ]
	check "$u: active (running)" running "$u"
	p=$(main_pid "$u")
	nnp=$(proc_status "${p:-0}" NoNewPrivs)/$(proc_status "${p:-0}" Seccomp)
	check "$u: no_new_privs and the unit's seccomp filter ($nnp)" \
	    [ "$nnp" = 1/2 ]
	check "$u: the unit's bounding set" \
	    [ "$(grep '^CapBnd:' "/proc/${p:-0}/status")" = "$CAPBND" ]
	check "$u: in $ns" [ "$(readlink "/proc/${p:-0}/ns/net")" = \
	    "$(ip netns exec "$ns" readlink /proc/self/ns/net)" ]
done
check "the dashboard answers" wait_for 5 web_ok
check "the tunnel carries" wait_for 10 tun_ping

# restart_round side victim: under a stream from the client to the
# server through WireGuard, kill that child of the side's engarded and
# see the daemon go and come back.  Times are microseconds of
# CLOCK_MONOTONIC: the kill; from systemd, the old main process's end,
# the new one's start and its READY=1; from the sink, the longest gap
# in the stream, which must be the outage, and its end, when the first
# datagram came through.
restart_round()
{
	local side=$1 victim=$2 unit name n0 parent vpid old new tkill sink
	local texit tstart tready gap gapend gapstart rec lost out
	unit=engarded@$side.service
	name=$side-$victim
	n0=$(sd_show "$unit" NRestarts)
	parent=$(main_pid "$unit") || die "$name: no main process"
	vpid=$(child_of "$parent" "$victim") || die "$name: no $victim"
	old=$(unit_procs "$unit")

	sink_start "$SERVER" "$name" -t 30 -i 4 "$WG_SERVER_IP:$STREAM_PORT"
	sink=$EG_PID
	ns_spawn "$CLIENT" "$EG_TMP/$name.send.json" "$UDPGEN" send \
	    -r "$STREAM_RATE" -n 30000 -t 30 "$WG_SERVER_IP:$STREAM_PORT"
	sleep 1
	tkill=$(kill_at "$vpid") || die "$name: kill $vpid"
	# shellcheck disable=SC2086
	check "$name: the $victim is gone, and all of engarded with it" \
	    wait_for 5 all_dead $old
	check "$name: systemd restarts it" \
	    wait_for 10 restarted "$unit" $((n0 + 1))
	new=$(main_pid "$unit")
	check "$name: a new main process (${new:-none}, was $parent)" \
	    not [ "${new:-$parent}" = "$parent" ]
	sleep 1
	proc_kill "$EG_PID"
	proc_kill "$sink"
	[ -s "$EG_TMP/$name.json" ] ||
	    die "sink $name wrote nothing: $(cat "$EG_TMP/$name.err")"

	texit=$(sd_show "$unit" ActiveExitTimestampMonotonic)
	tstart=$(sd_show "$unit" ExecMainStartTimestampMonotonic)
	tready=$(sd_show "$unit" ActiveEnterTimestampMonotonic)
	gap=$(result "$name" max_gap_us)
	gapend=$(($(result "$name" max_gap_end_ns) / 1000))
	gapstart=$((gapend - gap))
	rec=$((gapend - tstart))
	lost=$(result "$name" lost)
	out=$((gap * STREAM_RATE / 1000000))
	note "$name: stopped $(ms $((texit - tkill))) ms after the kill," \
	    "started again $(ms $((tstart - texit))) ms later" \
	    "(RestartSec=1), READY=1 after $(ms $((tready - tstart))) ms"
	note "$name: $(result "$name" received) datagrams, $lost lost in" \
	    "$(result "$name" loss_runs) run(s); the last before the outage" \
	    "$(ms $((gapstart - tkill))) ms after the kill, the first after" \
	    "it $(ms "$rec") ms after the new start" \
	    "($(ms $((gapend - tready))) ms after READY=1); outage" \
	    "$(ms "$gap") ms"
	check "$name: the stream's longest gap spans the restart" \
	    between $((tkill - 100000)) "$tstart" "$gapstart"
	check "$name: through again $(ms "$rec") ms after the new start" \
	    between 0 $((RECOVER_MAX_US - 1)) "$rec"
	# What the outage cost, and beyond it at most a tenth of a second's
	# worth: a busy machine may stall a datagram or two elsewhere.
	check "$name: $lost lost, the outage's $out and 0.1 s more at most" \
	    [ "$lost" -le $((out + STREAM_RATE / 10)) ]
	check "$name: the journal says why" \
	    logged "$unit" "$victim killed by signal 9"
	# Admission lets the old keys in: the server kept their indexes.
	case $unit in
	*server*)
		check "$name: the new server knew the client's indexes" \
		    logged_re "$unit" \
		    '[0-9]+ client indexes from before the restart';;
	esac
	SUMMARY="$SUMMARY$(printf '%-14s %8s %8s %8s %8s %8s' "$name" \
	    "$(ms $((texit - tkill)))" "$(ms $((tstart - texit)))" \
	    "$(ms $((tready - tstart)))" "$(ms "$rec")" "$(ms "$gap")")
"
	journal_keep
}

# logged_re unit regex: a line of the unit's in the journal matches.
logged_re()
{
	sd journalctl -q -o cat -u "$1" | grep -Eqx "$2"
}

# journal_keep: all of the journal to journal.log, kept on failure.
journal_keep()
{
	sd journalctl -q -o short-monotonic >"$EG_TMP/journal.log" 2>&1
}

SUMMARY=

restart_round client engine
check "client: the dashboard answers again" wait_for 5 web_ok
restart_round server engine
restart_round client webui
check "client: the dashboard answers again" wait_for 5 web_ok
check "the tunnel carries both ways" tun_ping 3

for side in client server; do
	sd journalctl -q -o short-monotonic -u "engarded@$side.service" |
	    sed "s/^/# $side: /"
done
note "milliseconds: stopped after the kill, started again (RestartSec=1)," \
    "READY=1 after the start, the first datagram through after the start," \
    "the whole outage"
printf '# %-14s %8s %8s %8s %8s %8s\n' round stopped started ready \
    through outage
printf '%s' "$SUMMARY" | sed 's/^/# /'
for side in client server; do
	sdctl stop "engarded@$side.service" >>"$EG_TMP/start.log" 2>&1
	check "engarded@$side.service: systemctl stop" [ $? -eq 0 ]
done
proc_kill "$SD_JANITOR" 5
check "systemd and its cgroup are gone" not test -d "$SD_CG"
