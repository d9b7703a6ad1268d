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

# systemd: the units pass systemd-analyze verify and stay under an exposure
# bound; sysusers and tmpfiles make the user and the chroot; sd_notify end
# to end, with engarded started as the unit starts it (its ExecStart
# arguments, its capability bounding set, no_new_privs) and a datagram
# socket standing in for systemd: READY once the control socket exists,
# the watchdog at half WATCHDOG_USEC, RELOADING then READY around every
# reload, STOPPING, and nothing of it for the engine.  Where systemd is
# PID 1 the unit itself is started too.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engarde.sh"

for t in systemd-analyze systemd-sysusers systemd-tmpfiles; do
	command -v $t >/dev/null 2>&1 ||
	    eg_skip "$t not installed (Debian package systemd)"
done
command -v setpriv >/dev/null 2>&1 ||
    eg_skip "setpriv not installed (Debian package util-linux)"
command -v ss >/dev/null 2>&1 || eg_skip "ss not installed"
command -v curl >/dev/null 2>&1 || eg_skip "curl not installed"
command -v perl >/dev/null 2>&1 || eg_skip "perl not installed"

UNITS=$EG_ROOT/etc
# Measured with systemd 252 (Debian 12): 2.8.  More means a setting was
# lost; a newer systemd may score differently.
EXPOSURE_MAX=2.8
WATCHDOG_USEC=200000
WEB=127.0.0.1:9443

# A datagram socket as systemd's: every message on a line, as the uptime
# at arrival, ctl=1 if the control socket existed then, and the message
# with its newlines as spaces.  A leading @ names an abstract socket.
NOTIFY_PL='
use strict;
use Socket;
my ($path, $ctl) = @ARGV;
socket(my $s, AF_UNIX, SOCK_DGRAM, 0) or die "socket: $!\n";
my $abstract = $path =~ s/^@/\0/;
unlink($path) unless $abstract;
bind($s, pack_sockaddr_un($path)) or die "bind: $!\n";
$| = 1;
print("bound\n");
my $buf;
while (defined(recv($s, $buf, 4096, 0))) {
	open(my $up, "<", "/proc/uptime") or die "uptime: $!\n";
	my ($t) = split(" ", <$up>);
	close($up);
	$buf =~ s/\n/ /g;
	printf("%s ctl=%d %s\n", $t, -S $ctl ? 1 : 0, $buf);
}
'

# How many times a string is in the writable memory of a process: its
# heap holds the environment it was started with, which setproctitle
# wiped from /proc/PID/environ.
MEM_PL='
use strict;
my ($pid, $needle) = @ARGV;
my $n = 0;
open(my $maps, "<", "/proc/$pid/maps") or die "maps: $!\n";
open(my $mem, "<:raw", "/proc/$pid/mem") or die "mem: $!\n";
while (<$maps>) {
	my ($lo, $hi, $perm) = /^([0-9a-f]+)-([0-9a-f]+) (\S+)/ or next;
	next unless $perm =~ /^rw/;
	my ($buf, $off, $len) = ("", hex($lo), hex($hi) - hex($lo));
	sysseek($mem, $off, 0) or next;
	while ($len > 0) {
		my $got = sysread($mem, $buf, $len, length($buf));
		last unless $got;
		$len -= $got;
	}
	$n++ while $buf =~ /\Q$needle\E/g;
}
print("$n\n");
'

# --- the unit files ---------------------------------------------------------

for f in engarded.service engarded@.service engarded.sysusers \
    engarded.tmpfiles; do
	[ -f "$UNITS/$f" ] || die "$UNITS/$f missing"
done

# between lo hi value: a number in that range.
between()
{
	case $3 in
	''|*[!0-9]*)	return 1;;
	esac
	[ "$3" -ge "$1" ] && [ "$3" -le "$2" ]
}

# exec_args unit: the arguments of ExecStart, continuation lines joined.
exec_args()
{
	awk '/^ExecStart=/ { on = 1; sub(/^ExecStart=[^ ]* */, "") }
	    on { l = l $0; if (sub(/\\$/, "", l)) next; print l; exit }' \
	    "$1" | tr -s ' \t' '  '
}

# The units as installed, but with the binary built here: verify wants
# ExecStart to be executable.
mkdir "$EG_TMP/units" || die "mkdir"
for u in engarded.service engarded@.service; do
	sed "s|^ExecStart=/usr/local/sbin/engarded |ExecStart=$ENGARDED |" \
	    "$UNITS/$u" >"$EG_TMP/units/$u" || die "copy $u"
	systemd-analyze verify --man=no "$EG_TMP/units/$u" \
	    >"$EG_TMP/verify.log" 2>&1
	check "$u: systemd-analyze verify succeeds" [ $? -eq 0 ]
	# Unknown keys are only warned about.
	check "$u: systemd-analyze verify has nothing to say" \
	    not test -s "$EG_TMP/verify.log"
	sed 's/^/# /' "$EG_TMP/verify.log"
done

# Documentation= names our own man pages.
for m in $(sed -n 's/^Documentation=//p' "$UNITS/engarded.service" \
    "$UNITS/engarded@.service" | tr ' ' '\n' | sort -u); do
	p=$(echo "$m" | sed -n 's/^man:\([^(]*\)(\([0-9]\))$/\1.\2/p')
	check "Documentation $m is in man/" test -f "$EG_ROOT/man/$p"
done

# engarded accepts each unit's ExecStart as it stands, %i being "test".
eg_conf
for u in engarded.service engarded@.service; do
	args=$(exec_args "$UNITS/$u" | sed -e "s|/etc/engarded.yml|$EG_CONF|" \
	    -e "s|/etc/engarded/%i.yml|$EG_CONF|" -e 's/%i/test/g')
	check "$u: engarded -n $args: configuration OK" \
	    sh -c "$ENGARDED -n $args -r client 2>&1 |
	    grep -qx 'configuration OK'"
done
UNIT_ARGS=$(exec_args "$UNITS/engarded.service" |
    sed "s|/etc/engarded.yml|$EG_CONF|")
case " $UNIT_ARGS " in
*" -d "*)	pass "engarded.service keeps engarded in the foreground (-d)";;
*)		fail "engarded.service keeps engarded in the foreground (-d)";;
esac

for u in engarded@.service engarded.service; do
	systemd-analyze security --offline=yes --no-pager \
	    "$EG_TMP/units/$u" >"$EG_TMP/security.log" 2>&1
	score=$(sed -n \
	    's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' \
	    "$EG_TMP/security.log")
	note "$u: exposure ${score:-unknown}," \
	    "$(systemctl --version 2>/dev/null | sed -n 1p)"
	check "$u: exposure ${score:-unknown} at most $EXPOSURE_MAX" \
	    awk -v s="$score" -v m="$EXPOSURE_MAX" \
	    'BEGIN { exit !(s != "" && s + 0 <= m + 0) }'
done
# What the score still counts, for the log.
sed -n 's/^- \([^ ]*\).*/# counted: \1/p' "$EG_TMP/security.log"

# The user and the chroot, made in a root of our own.
mkdir -p "$EG_TMP/root/etc" || die "mkdir"
check "sysusers: engarded.sysusers is applied" \
    systemd-sysusers --root="$EG_TMP/root" "$UNITS/engarded.sysusers" \
    2>"$EG_TMP/sysusers.log"
sed 's/^/# /' "$EG_TMP/sysusers.log"
pw=$(grep '^_engarde:' "$EG_TMP/root/etc/passwd")
note "$pw"
check "sysusers: _engarde lives in /var/empty and cannot log in" \
    sh -c "echo '$pw' | grep -q ':/var/empty:/usr/sbin/nologin$'"
uid=$(echo "$pw" | cut -d: -f3)
gid=$(echo "$pw" | cut -d: -f4)
check "sysusers: _engarde is a system user (uid $uid)" between 1 999 "$uid"
check "sysusers: its group is _engarde" \
    grep -q "^_engarde:x:$gid:" "$EG_TMP/root/etc/group"
check "tmpfiles: engarded.tmpfiles is applied" \
    systemd-tmpfiles --root="$EG_TMP/root" --create \
    "$UNITS/engarded.tmpfiles"
check "tmpfiles: /var/empty is root's, mode 755" \
    [ "$(stat -c '%U %G %a' "$EG_TMP/root/var/empty" 2>&1)" = \
    "root root 755" ]

# --- sd_notify end to end ---------------------------------------------------

# The unit's bounding set for setpriv: "+net_admin,+chown,...".
CAPS=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNITS/engarded.service" |
    tr ' ' '\n' | sed -n 's/^CAP_/+/p' | tr 'A-Z' 'a-z' | paste -sd, -)
note "capability bounding set: $CAPS"
[ -n "$CAPS" ] || die "no CapabilityBoundingSet in engarded.service"
EG_MARK=mark.$EG_ID

topo_up 1
# Beyond net.core.rmem_max, which takes CAP_NET_ADMIN.
sed -i "s|^  controlSocket: \"$EG_TMP/client.sock\"$|&\n  socketBuffer: 16M|" \
    "$EG_CONF" || die "socketBuffer"
grep -q '^  socketBuffer: 16M$' "$EG_CONF" || die "socketBuffer not set"
# The dashboard, self-signed, so that the webui runs under the same limits.
awk -v web="$WEB" '/^client:/ { c = 1 } /^server:/ { c = 0 }
    c && $0 == "    listenAddr: \"\"" { $0 = "    listenAddr: \"" web "\"" }
    { print }' "$EG_CONF" >"$EG_TMP/web.yml" || die "webManager"
mv "$EG_TMP/web.yml" "$EG_CONF" || die "webManager"
grep -q "^    listenAddr: \"$WEB\"$" "$EG_CONF" || die "webManager not set"

# web_ok: the dashboard answers an API request.
web_ok()
{
	[ "$(ip netns exec "$CLIENT" curl -sk -m 5 -u engarde:engarde \
	    -o /dev/null -w '%{http_code}' "https://$WEB/api/v1/get-list")" = \
	    200 ]
}

# notify_listen name address: a listener in the client's namespace (an
# abstract socket belongs to a network namespace); messages in name.log.
notify_listen()
{
	ns_spawn "$CLIENT" "$EG_TMP/$1.log" perl -e "$NOTIFY_PL" "$2" \
	    "$EG_TMP/client.sock"
	wait_for 5 grep -qx bound "$EG_TMP/$1.log" ||
	    die "notify listener $1: $(cat "$EG_TMP/$1.log")"
}

# notify_up name address watchdog_pid: the client as systemd starts it,
# the environment holding NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID
# ("self" for its own PID), and a marker to look for in the engine; its
# log in name.engarded.log.
notify_up()
{
	local log="$EG_TMP/$1.engarded.log"
	shift
	# UNIT_ARGS is split into words, as systemd does.
	# shellcheck disable=SC2086
	ns_spawn "$CLIENT" "$log" sh -c '
		if [ "$2" = self ]; then
			WATCHDOG_PID=$$
		else
			WATCHDOG_PID=$2
		fi
		export WATCHDOG_PID
		a=$1 caps=$3 usec=$4 mark=$5
		shift 5
		exec setpriv --bounding-set "-all,$caps" --no-new-privs \
		    env NOTIFY_SOCKET="$a" WATCHDOG_USEC="$usec" \
		    EG_MARK="$mark" "$@"' \
	    sh "$1" "$2" "$CAPS" "$WATCHDOG_USEC" "$EG_MARK" \
	    "$ENGARDED" $UNIT_ARGS -v -r client
	EG_CLI=$EG_PID
}

# count name message: how many messages of name.log start so.
count()
{
	awk -v m="$2" 'index($3, m) == 1 { n++ } END { print n + 0 }' \
	    "$EG_TMP/$1.log"
}

# ready_after name: READY=1 came after the last RELOADING=1.
ready_after()
{
	awk '$3 == "RELOADING=1" { r = NR } $3 == "READY=1" && NR > r { ok = r }
	    END { exit !ok }' "$EG_TMP/$1.log"
}

# reload_seen name before what: a new RELOADING=1 with its READY=1.
reload_seen()
{
	[ "$(count "$1" RELOADING=1)" -gt "$2" ] && ready_after "$1"
}

notify_listen notify "$EG_TMP/notify.sock"
notify_up notify "$EG_TMP/notify.sock" self
check "READY=1 arrives" wait_for 10 grep -q ' READY=1' "$EG_TMP/notify.log"
check "READY=1 comes once the control socket exists" \
    sh -c "grep -m 1 ' READY=1' '$EG_TMP/notify.log' | grep -q ' ctl=1 '"
check "READY=1 carries a STATUS" \
    grep -q ' READY=1 STATUS=[^ ]' "$EG_TMP/notify.log"
check "the control socket answers" wait_for 1 ctl client show status
check "the dashboard answers" wait_for 5 web_ok
check "parent: no_new_privs" [ "$(proc_status "$EG_CLI" NoNewPrivs)" = 1 ]
check "the control socket is group _engarde's (CAP_CHOWN)" \
    [ "$(stat -c %G "$EG_TMP/client.sock")" = _engarde ]
check "egl1 active: SO_BINDTODEVICE without CAP_NET_RAW" \
    wait_for 5 iface_is egl1 active
rb=$(ip netns exec "$CLIENT" ss -uanm |
    sed -n 's/.*skmem:(r[0-9]*,rb\([0-9]*\).*/\1/p' | sort -n | tail -n 1)
check "16M socket buffers beyond rmem_max (CAP_NET_ADMIN): rb ${rb:-none}" \
    [ "${rb:-0}" -ge $((32 * 1024 * 1024)) ]

# The watchdog: twice per WATCHDOG_USEC, at least 3 in a second.
sleep 1.5
awk '$3 == "WATCHDOG=1" && NF == 3 { print $1 }' "$EG_TMP/notify.log" \
    >"$EG_TMP/pings"
n=$(wc -l <"$EG_TMP/pings")
most=$(awk '{ t[NR] = $1 } END { for (i = 1; i <= NR; i++) { k = 0
    for (j = i; j <= NR && t[j] - t[i] < 1; j++) k++
    if (k > m) m = k } print m + 0 }' "$EG_TMP/pings")
gap=$(awk '{ t[NR] = $1 } END { if (NR > 1)
    printf "%.3f", (t[NR] - t[1]) / (NR - 1) }' "$EG_TMP/pings")
note "$n watchdog pings, at most $most in a second, every ${gap:-?} s"
check "WATCHDOG=1 at least 3 times within 1 s" [ "$most" -ge 3 ]
check "WATCHDOG=1 every half WATCHDOG_USEC, 0.1 s" \
    awk -v g="$gap" 'BEGIN { exit !(g != "" && g >= 0.07 && g <= 0.14) }'

# The children got the environment, less systemd's variables.
for child in engine webui; do
	pid=$(child_of "$EG_CLI" "$child")
	check "the $child runs" [ -n "$pid" ]
	marks=$(perl -e "$MEM_PL" "${pid:-0}" "EG_MARK=$EG_MARK" 2>&1)
	check "the $child's memory shows its environment (EG_MARK: $marks)" \
	    between 1 1000 "$marks"
	for v in NOTIFY_SOCKET WATCHDOG_USEC WATCHDOG_PID; do
		c=$(perl -e "$MEM_PL" "${pid:-0}" "$v=" 2>&1)
		check "the $child's environment has no $v" [ "$c" = 0 ]
	done
done

# Reloads: SIGHUP, engardectl, and a file with an error.
r=$(count notify RELOADING=1)
kill -HUP "$EG_CLI"
check "SIGHUP: RELOADING=1, then READY=1" wait_for 5 reload_seen notify "$r"
check "RELOADING=1 carries MONOTONIC_USEC" \
    grep -q ' RELOADING=1 .*MONOTONIC_USEC=[0-9][0-9]*' "$EG_TMP/notify.log"
r=$(count notify RELOADING=1)
ctl client reload >/dev/null 2>&1
check "engardectl reload: RELOADING=1, then READY=1" \
    wait_for 5 reload_seen notify "$r"
cp "$EG_CONF" "$EG_CONF.good"
echo "bogusKey: 1" >>"$EG_CONF"
r=$(count notify RELOADING=1)
ctl client reload >"$EG_TMP/reload.txt" 2>&1
check "the file with an error is refused" \
    grep -q "reload failed" "$EG_TMP/reload.txt"
check "failed reload: READY=1 all the same" wait_for 5 reload_seen notify "$r"
mv "$EG_CONF.good" "$EG_CONF"
check "still answering after the reloads" wait_for 1 ctl client show status

kill -TERM "$EG_CLI"
check "SIGTERM: STOPPING=1" wait_for 5 grep -q ' STOPPING=1' \
    "$EG_TMP/notify.log"
proc_wait "$EG_CLI" 5
rc=$?
check "SIGTERM: exit status 0 within 5 s, children stopped (CAP_KILL)" \
    [ $rc -eq 0 ]
[ $rc -eq 124 ] && proc_kill "$EG_CLI"
sed 's/^/# notify: /' "$EG_TMP/notify.log" | grep -v WATCHDOG

# An abstract socket, and a watchdog meant for another process.
notify_listen notify2 "@$EG_ID.notify"
notify_up notify2 "@$EG_ID.notify" 1
check "abstract NOTIFY_SOCKET: READY=1 arrives" \
    wait_for 10 grep -q ' READY=1' "$EG_TMP/notify2.log"
sleep 0.5
check "WATCHDOG_PID of another process: no WATCHDOG=1" \
    [ "$(count notify2 WATCHDOG=1)" -eq 0 ]
kill -TERM "$EG_CLI"
check "abstract NOTIFY_SOCKET: STOPPING=1" \
    wait_for 5 grep -q ' STOPPING=1' "$EG_TMP/notify2.log"
proc_wait "$EG_CLI" 5 || proc_kill "$EG_CLI"

# --- the unit under systemd -------------------------------------------------

if [ "$(ps -p 1 -o comm= 2>/dev/null)" != systemd ] ||
    [ ! -d /run/systemd/system ]; then
	note "systemd is not PID 1 here ($(ps -p 1 -o comm= 2>/dev/null)):" \
	    "the unit itself was not started"
	exit 0
fi

# The unit as shipped, run by systemd in the client's namespace: only the
# paths differ, and what would hide the binary built here is relaxed.  A
# shorter watchdog shows sooner that the pings keep it alive; ExecStopPost
# records how it ended, as the unit may be unloaded once stopped.
SD_UNIT=engarded-$EG_ID.service
SD_DIR=/run/$EG_ID
SD_SOCK=$SD_DIR/client.sock
# On TERM, from the end of this script or from the cleanup on any exit
# path, the janitor stops the unit and removes everything of it.
sh -c 'trap "timeout 10 systemctl stop $1; rm -rf /run/systemd/system/$1 \
    /run/systemd/system/$1.d $2; systemctl daemon-reload; exit 0" TERM
    while :; do sleep 0.2; done' janitor "$SD_UNIT" "$SD_DIR" \
    </dev/null >/dev/null 2>&1 &
eg_track $!
SD_JANITOR=$!
mkdir -m 700 "$SD_DIR" || die "mkdir $SD_DIR"
cp "$EG_CONF" "$SD_DIR/engarde.yml" || die "cp $EG_CONF"
sed "s|^ExecStart=.*|ExecStart=$ENGARDED $UNIT_ARGS -r client -s $SD_SOCK|" \
    "$EG_TMP/units/engarded.service" |
    sed "s|$EG_CONF|$SD_DIR/engarde.yml|" \
    >"/run/systemd/system/$SD_UNIT" || die "install $SD_UNIT"
mkdir -p "/run/systemd/system/$SD_UNIT.d" || die "mkdir $SD_UNIT.d"
{
	echo "[Service]"
	echo "NetworkNamespacePath=/run/netns/$CLIENT"
	echo "WatchdogSec=1"
	echo "ExecStopPost=/bin/sh -c 'echo \$\$SERVICE_RESULT \$\$EXIT_CODE" \
	    "\$\$EXIT_STATUS >$SD_DIR/stopped'"
	case $ENGARDED in
	/tmp/*|/var/tmp/*)	echo "PrivateTmp=no";;
	/home/*|/root/*|/run/user/*)	echo "ProtectHome=read-only";;
	esac
} >"/run/systemd/system/$SD_UNIT.d/test.conf"
sed 's/^/# drop-in: /' "/run/systemd/system/$SD_UNIT.d/test.conf"
systemctl daemon-reload || die "systemctl daemon-reload"

# sd_show property: a property of the unit.
sd_show()
{
	systemctl show -p "$1" --value "$SD_UNIT"
}

# Its dependencies are the host's business (network-online.target could
# wait long on a host that never pulled it in).
timeout 30 systemctl start --job-mode=ignore-dependencies "$SD_UNIT" \
    >"$EG_TMP/sd-start.log" 2>&1
check "systemctl start: ready" [ $? -eq 0 ]
SD_PID=$(sd_show MainPID)
[ "${SD_PID:-0}" -gt 0 ] && eg_track "$SD_PID"
check "active (running)" \
    [ "$(sd_show ActiveState)/$(sd_show SubState)" = active/running ]
check "StatusText=running" [ "$(sd_show StatusText)" = running ]
check "the control socket answers" \
    wait_for 5 "$ENGARDECTL" -s "$SD_SOCK" show status
check "egl1 active under the unit's sandbox" \
    wait_for 5 sh -c "'$ENGARDECTL' -s '$SD_SOCK' show interfaces |
    grep -q '^egl1 .* active '"
check "a watchdog ping arrived" \
    [ "$(sd_show WatchdogTimestampMonotonic)" -gt 0 ]
sleep 2.5
check "WatchdogSec=1: still the same process 2.5 s later" \
    [ "$(sd_show MainPID)/$(sd_show NRestarts)" = "$SD_PID/0" ]
nnp=$(proc_status "$SD_PID" NoNewPrivs)/$(proc_status "$SD_PID" Seccomp)
check "parent: no_new_privs, seccomp ($nnp)" [ "$nnp" = 1/2 ]
want=$(setpriv --bounding-set "-all,$CAPS" grep '^CapBnd:' /proc/self/status)
check "parent: the unit's bounding set" \
    [ "$(grep '^CapBnd:' "/proc/$SD_PID/status")" = "$want" ]
check "the dashboard answers under the unit's sandbox" wait_for 5 web_ok
for child in engine webui; do
	pid=$(child_of "$SD_PID" "$child")
	check "$child: _engarde" \
	    [ "$(ps -o user= -p "${pid:-0}" 2>/dev/null)" = _engarde ]
done
t=$(sd_show ExecMainStartTimestampMonotonic)
timeout 30 systemctl reload "$SD_UNIT" >>"$EG_TMP/sd-start.log" 2>&1
check "systemctl reload" [ $? -eq 0 ]
check "active after the reload" wait_for 5 \
    sh -c "[ \"\$(systemctl show -p SubState --value $SD_UNIT)\" = running ]"
check "the same process after the reload" \
    [ "$(sd_show MainPID)/$(sd_show ExecMainStartTimestampMonotonic)" = \
    "$SD_PID/$t" ]
timeout 30 systemctl stop "$SD_UNIT" >>"$EG_TMP/sd-start.log" 2>&1
check "systemctl stop" [ $? -eq 0 ]
st=$(cat "$SD_DIR/stopped" 2>/dev/null)
check "stopped cleanly: ${st:-no ExecStopPost}" [ "$st" = "success exited 0" ]
journalctl -q -o cat -u "$SD_UNIT" >"$EG_TMP/sd.log" 2>&1
sed 's/^/# journal: /' "$EG_TMP/sd-start.log" "$EG_TMP/sd.log"
proc_kill "$SD_JANITOR" 15
check "the unit is gone" not test -e "/run/systemd/system/$SD_UNIT"
