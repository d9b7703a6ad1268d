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

# The hostile-input table of regress/hostile/table, row by row, against a
# client and a server with WireGuard and the dashboard, while a stream
# crosses the tunnel.  At the end: both daemons and their children run
# with the PIDs they started with, the stream lost nothing, and every row
# had its outcome.  HOSTILE_KINDS="config control" runs only those kinds
# of rows (for working on the table; make check runs them all).

EG_NAME=hostile
. "$(dirname "$0")/../netns/lib.sh"
. "$(dirname "$0")/../netns/engarde.sh"

TOOL=$EG_ROOT/regress/hostile/hostile
TABLE=$EG_ROOT/regress/hostile/table
[ -x "$TOOL" ] || die "$TOOL not built (make)"

HOSTILE=$EG_ID-h			# the third host, on the server's side
HOSTILE_IF=egh
HOSTILE_NET=203.0.113			# the link the topology leaves unused
WEB=$(link_addr 1 client):9443
URL=https://$WEB
WEB_USER=engarde
WEB_AUTH=ZW5nYXJkZTplbmdhcmRl		# base64 of engarde:engarde
STREAM_RATE=100				# packets a second through the tunnel

# --- helpers ----------------------------------------------------------------

# expand text: every <N*TEXT> of it replaced by N copies of TEXT.
expand()
{
	printf '%s' "$1" | awk '{
		s = $0
		out = ""
		while (match(s, /<[0-9]+\*[^>]*>/)) {
			spec = substr(s, RSTART + 1, RLENGTH - 2)
			i = index(spec, "*")
			n = substr(spec, 1, i - 1) + 0
			t = substr(spec, i + 1)
			rep = ""
			while (n > 0) {
				if (n % 2)
					rep = rep t
				t = t t
				n = int(n / 2)
			}
			out = out substr(s, 1, RSTART - 1) rep
			s = substr(s, RSTART + RLENGTH)
		}
		printf "%s", out s
	}'
}

# quote word: the word, quoted for eval.
quote()
{
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# status_num side key: a number of engardectl -j show status, by a key of
# the top level (control_errors) or one level down (dropped.empty).
status_num()
{
	local k=${2#*.} o=${2%%.*} v
	if [ "$o" = "$2" ]; then
		v=$(ctl "$1" -j show status | tr -d ' \n' |
		    sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p")
	else
		v=$(ctl "$1" -j show status | tr -d ' \n' |
		    sed -n "s/.*\"$o\":{[^}]*\"$k\":\([0-9]*\).*/\1/p")
	fi
	[ -n "$v" ] || return 1
	echo "$v"
}

# counter side name: a status field, or clients[ADDR].FIELD summed.
counter()
{
	local a f
	case $2 in
	clients\[*\].*)
		a=${2#clients[}
		a=${a%%]*}
		f=${2##*].}
		client_field "$a" "$f";;
	*)	status_num "$1" "$2";;
	esac
}

# metrics: the dashboard's /metrics, to $EG_TMP/metrics.txt.
metrics()
{
	ip netns exec "$CLIENT" curl -k -sS -m 10 -u "$WEB_USER:engarde" \
	    -o "$EG_TMP/metrics.txt" "$URL/metrics"
}

# metric series: its value in $EG_TMP/metrics.txt, 0 when absent.
metric()
{
	awk -v s="$1" '$1 == s { v = $2 } END { print v + 0 }' \
	    "$EG_TMP/metrics.txt"
}

# grown before now n: exactly n more.
grown()
{
	[ -n "$2" ] && [ $(($2 - $1)) -eq "$3" ]
}

# at_least side name before n: the counter grew by n or more.
at_least()
{
	local v
	v=$(counter "$1" "$2") || return 1
	[ $((v - $3)) -ge "$4" ]
}

# --- building bad files -----------------------------------------------------

# cfg_make file how [arg]: the file as a config row's input says.
cfg_make()
{
	local f=$1 t
	rm -f "$f"
	case $2 in
	yaml)	t=$(expand "$3")
		{ printf 'client:\n  listenAddr: "127.0.0.1:59401"\n'
		  printf '  dstAddr: "192.0.2.2:59501"\n'
		  printf -- "$t"; } >"$f";;
	raw)	t=$(expand "$3")
		printf -- "$t" >"$f";;
	random)	head -c "$3" /dev/urandom >"$f";;
	fifo)	mkfifo "$f";;
	symlink)
		case $3 in
		good)	printf 'client:\n  listenAddr: "127.0.0.1:1"\n' \
			    >"$f.target"
			printf '  dstAddr: "192.0.2.2:1"\n' >>"$f.target"
			ln -s "$f.target" "$f";;
		missing) ln -s "$f.nowhere" "$f";;
		loop)	ln -s "$f" "$f";;
		dir)	mkdir -p "$f.dir" && ln -s "$f.dir" "$f";;
		fifo)	rm -f "$f.fifo" && mkfifo "$f.fifo" &&
			    ln -s "$f.fifo" "$f";;
		/*)	ln -s "$3" "$f";;
		*)	return 1;;
		esac;;
	*)	return 1;;
	esac
}

# says_all file out rc outcome...: "exit N says TEXT..." holds.
says_all()
{
	local f=$1 out=$2 rc=$3 t
	shift 3
	[ "$1" = exit ] || return 1
	[ "$rc" = "$2" ] || { note "exit $rc, not $2"; return 1; }
	shift 2
	while [ $# -ge 2 ] && [ "$1" = says ]; do
		t=$(printf '%s' "$2" | sed "s|FILE|$f|g")
		grep -qF -- "$t" "$out" || { note "no \"$t\""; return 1; }
		shift 2
	done
	[ $# -eq 0 ]
}

# --- one row of each kind ---------------------------------------------------

row_config()
{
	local name=$1 f out rc
	f=$EG_TMP/cfg/$name.yml
	out=$EG_TMP/cfg/$name.out
	eval "set -- $IN"
	cfg_make "$f" "$@" || { fail "config $name: bad input: $*"; return; }
	timeout 10 "$ENGARDED" -n -f "$f" >"$out" 2>&1
	rc=$?
	[ $rc = 124 ] && note "engarded -n hung"
	eval "set -- $OUT"
	if says_all "$f" "$out" $rc "$@"; then
		pass "config $name"
	else
		fail "config $name: $(head -c 300 "$out")"
	fi
	rm -rf "$f" "$f".*
}

row_reload()
{
	local name=$1 out rc
	out=$EG_TMP/cfg/reload-$name.out
	eval "set -- $IN"
	rm -f "$EG_CONF"
	cfg_make "$EG_CONF" "$@" || { fail "reload $name: bad input: $*"
	    return; }
	timeout 15 "$ENGARDECTL" -s "$EG_TMP/client.sock" reload >"$out" 2>&1
	rc=$?
	rm -rf "$EG_CONF" "$EG_CONF".*
	cp "$EG_TMP/good.yml" "$EG_CONF"
	eval "set -- $OUT"
	if says_all "$EG_CONF" "$out" $rc "$@"; then
		pass "reload $name: refused"
	else
		fail "reload $name: $(head -c 300 "$out")"
	fi
}

# ctl_socket side: the control socket of a control row's side.
ctl_socket()
{
	case $1 in
	client|server)	echo "$EG_TMP/$1.sock";;
	client.ro)	echo "$EG_TMP/client.ro.sock";;
	*)		return 1;;
	esac
}

# ctl_check out outcome...: the tool's output matches the outcome words
# but errors, which the caller checks.
ctl_check()
{
	local out=$1
	shift
	grep -q '^FORGED' "$out" && { note "our peer id came back"
	    return 1; }
	while [ $# -gt 0 ]; do
		case $1 in
		result)	grep "^RESULT $2 " "$out" | grep -qF -- "$3" ||
			    return 1
			shift 3;;
		answer)	grep -q '^END' "$out" || return 1
			shift;;
		nothing)
			grep -Eq '^(RESULT|END|STATUS|INTERFACE|CLIENT|OTHER)' \
			    "$out" && return 1
			shift;;
		open|closed)
			grep -q "^$1 " "$out" || return 1
			shift;;
		kept)	grep -qx "kept $2 ended $4" "$out" || return 1
			shift 4;;
		errors)	shift 2;;
		*)	note "unknown outcome word $1"
			return 1;;
		esac
	done
}

# errors_of outcome...: N of "errors +N".
errors_of()
{
	while [ $# -gt 0 ]; do
		[ "$1" = errors ] && { echo "${2#+}"; return; }
		shift
	done
	echo 0
}

row_control()
{
	local name=$1 side sock d out e0 e1 n
	out=$EG_TMP/ctl.out
	eval "set -- $IN"
	side=$1
	shift
	sock=$(ctl_socket "$side") || { fail "control $name: side $side"
	    return; }
	d=${side%.ro}
	e0=$(status_num "$d" control_errors)
	if [ "$1" = conns ]; then
		shift
		"$TOOL" conns "$@" "$sock" >"$out" 2>&1
	else
		"$TOOL" ctl "$@" "$sock" >"$out" 2>&1
	fi
	eval "set -- $OUT"
	n=$(errors_of "$@")
	if [ "$n" -gt 0 ]; then
		wait_for 3 at_least "$d" control_errors "$e0" "$n"
	else
		sleep 0.1
	fi
	e1=$(status_num "$d" control_errors)
	if ctl_check "$out" "$@" && grown "$e0" "$e1" "$n"; then
		pass "control $name"
	else
		fail "control $name: errors $e0 -> $e1; $(tr '\n' ' ' <"$out")"
	fi
}

# http_file file text: the request of a raw, plain or slow row.
http_file()
{
	local t
	t=$(expand "$2" | sed "s/AUTH/Authorization: Basic $WEB_AUTH/g")
	printf -- "$t" >"$1"
}

# http_counted before code: the answer's code was counted once more.
http_counted()
{
	local before=$1 code=$2
	[ "$code" = 200 ] && return 0
	metrics || return 1
	grown "$before" "$(metric \
	    "engarde_dashboard_responses_total{code=\"$code\"}")" 1
}

row_http()
{
	local name=$1 how code out got before t i
	out=$EG_TMP/http.out
	eval "set -- $OUT"
	code=
	[ "$1" = status ] && code=$2
	metrics || { fail "http $name: no /metrics"; return; }
	if [ -n "$code" ]; then
		before=$(metric \
		    "engarde_dashboard_responses_total{code=\"$code\"}")
	else
		before=$(metric 'engarde_dashboard_cut_total{reason="tls"}')
	fi
	eval "set -- $IN"
	how=$1
	shift
	case $how in
	curl)	i=0
		for t in "$@"; do
			t=$(expand "$t")
			case $t in
			URL*)	t=$URL${t#URL};;
			esac
			if [ "$t" = AUTH ]; then
				set -- "$@" -u "$WEB_USER:engarde"
			else
				set -- "$@" "$t"
			fi
			i=$((i + 1))
		done
		shift $i
		got=$(ip netns exec "$CLIENT" curl -k -sS -m 15 -o /dev/null \
		    -w '%{http_code}' "$@" 2>"$out");;
	raw|plain)
		http_file "$EG_TMP/http.req" "$1"
		t=
		[ "$how" = plain ] && t=-P
		# Every answer, or the hang-up after a TLS failure, is quick.
		ip netns exec "$CLIENT" "$TOOL" http $t -w 3 \
		    -f "$EG_TMP/http.req" "$WEB" >"$out" 2>&1
		got=$(sed -n 's/^status \([0-9]*\) .*/\1/p' "$out")
		[ -n "$got" ] || got=$(sed -n 's/^\(closed\) .*/\1/p' "$out");;
	*)	fail "http $name: unknown input $how"
		return;;
	esac
	eval "set -- $OUT"
	case $1 in
	status)	if [ "$got" = "$2" ] && http_counted "$before" "$2"; then
			pass "http $name: $got"
		else
			t="engarde_dashboard_responses_total{code=\"$2\"}"
			fail "http $name: got ${got:-nothing}, counted" \
			    "$(metric "$t") after $before;" \
			    "$(tr '\n' ' ' <"$out" | head -c 200)"
		fi;;
	closed)	if [ "$got" = closed ] && metrics && grown "$before" \
		    "$(metric 'engarde_dashboard_cut_total{reason="tls"}')" \
		    "${4#+}"; then
			pass "http $name: closed, counted"
		else
			fail "http $name: got ${got:-nothing};" \
			    "$(tr '\n' ' ' <"$out" | head -c 200)"
		fi;;
	*)	fail "http $name: unknown outcome $1";;
	esac
}

UDP_N=0

row_udp()
{
	local name=$1 to addr side cname before after n out
	out=$EG_TMP/udp.out
	eval "set -- $OUT"
	side=$1
	cname=$2
	n=${3#+}
	eval "set -- $IN"
	to=$1
	shift
	case $to in
	server)	UDP_N=$((UDP_N + 1))
		addr=$HOSTILE_NET.$((20 + UDP_N))
		ip -n "$HOSTILE" addr add "$addr/24" dev "$HOSTILE_IF" ||
		    die "address $addr";;
	client)	addr=127.0.0.1;;
	*)	fail "udp $name: to server or client, not $to"
		return;;
	esac
	cname=$(printf '%s' "$cname" | sed "s/ADDR/$addr/")
	before=$(counter "$side" "$cname") ||
	    { fail "udp $name: no counter $cname on $side"; return; }
	case $to in
	server)	ip netns exec "$HOSTILE" "$TOOL" udp -b "$addr" "$@" \
		    "$(link_addr 3 server):$EG_PORT" >"$out" 2>&1;;
	client)	ip netns exec "$CLIENT" "$TOOL" udp "$@" "$EG_LISTEN" \
		    >"$out" 2>&1;;
	esac
	wait_for 10 at_least "$side" "$cname" "$before" "$n"
	sleep 0.2
	after=$(counter "$side" "$cname")
	if grep -q '"errors":0' "$out" && grown "$before" "$after" "$n"; then
		pass "udp $name: $side $cname +$n"
	else
		fail "udp $name: $side $cname $before -> $after; $(cat "$out")"
	fi
}

# stream_whole: the sink counted every packet of the stream once.
stream_whole()
{
	[ -n "$sent" ] && [ "$sent" -gt 0 ] &&
	    [ "$(result stream unique)" = "$sent" ]
}

# --- slow rows: all at once, at the end -------------------------------------

NSLOW=0

# slow_add kind name: keep a slow row for the end.
slow_add()
{
	local f=$EG_TMP/slow.$NSLOW
	printf '%s\n' "$1" >"$f.kind"
	printf '%s\n' "$2" >"$f.name"
	printf '%s\n' "$IN" >"$f.in"
	printf '%s\n' "$OUT" >"$f.outcome"
	NSLOW=$((NSLOW + 1))
}

# slow_start n: start kept row n in the background.
slow_start()
{
	local f=$EG_TMP/slow.$1 sock
	eval "set -- $(cat "$f.in")"
	case $(cat "$f.kind") in
	control)
		sock=$(ctl_socket "$1") || return 1
		shift
		"$TOOL" ctl "$@" "$sock" >"$f.out" 2>&1 &;;
	http)	case $1 in
		slow)	http_file "$f.req" "$2"
			set -- -H;;
		drip)	http_file "$f.req" "$2"
			set -- -H -D;;
		silent)	: >"$f.req"
			set -- -H -P;;
		idle)	http_file "$f.req" \
			    'GET /api/v1/get-list HTTP/1.1\r\nHost: x\r\nAUTH\r\n\r\n'
			set -- -H;;
		*)	return 1;;
		esac
		ip netns exec "$CLIENT" "$TOOL" http "$@" -w 40 \
		    -f "$f.req" "$WEB" >"$f.out" 2>&1 &;;
	*)	return 1;;
	esac
	eg_track $!
}

# slow_check out outcome...: cut within S, and nothing else said.
slow_check()
{
	local out=$1 t
	shift
	while [ $# -gt 0 ]; do
		case $1.$2 in
		cut.within)
			t=$(sed -n 's/^closed \([0-9]*\).*/\1/p' "$out")
			[ -n "$t" ] && [ "$t" -lt "$3" ] || return 1
			shift 3;;
		cut.timeout|errors.*)
			[ "$1" = errors ] && shift 2 || shift 3;;
		*)	note "unknown outcome word $1"
			return 1;;
		esac
	done
}

# slow_sum errors side | slow_sum timeout: the control errors the kept
# rows of that side expect, or the dashboard's cuts for a timeout.
slow_sum()
{
	local i=0 sum=0 side
	while [ $i -lt $NSLOW ]; do
		eval "set -- $(cat "$EG_TMP/slow.$i.in")"
		side=${1%.ro}
		eval "set -- $(cat "$EG_TMP/slow.$i.outcome")"
		while [ $# -ge 2 ]; do
			if [ "$1" = errors ] && [ "$WANT" = errors ] &&
			    [ "$side" = "$WANT_SIDE" ]; then
				sum=$((sum + ${2#+}))
			elif [ "$1.$2" = cut.timeout ] &&
			    [ "$WANT" = timeout ]; then
				sum=$((sum + ${3#+}))
			fi
			shift
		done
		i=$((i + 1))
	done
	echo $sum
}

slow_rows()
{
	local i=0 e0c e0s e1 t0 pids= f p
	[ $NSLOW -gt 0 ] || return 0
	e0c=$(status_num client control_errors)
	e0s=$(status_num server control_errors)
	metrics
	t0=$(metric 'engarde_dashboard_cut_total{reason="timeout"}')
	while [ $i -lt $NSLOW ]; do
		slow_start $i || fail "slow row $(cat "$EG_TMP/slow.$i.name")"
		pids="$pids $EG_PID"
		i=$((i + 1))
	done
	note "$NSLOW slow clients started"
	for p in $pids; do
		proc_wait "$p" 60 >/dev/null || :
	done
	i=0
	while [ $i -lt $NSLOW ]; do
		f=$EG_TMP/slow.$i
		eval "set -- $(cat "$f.outcome")"
		if slow_check "$f.out" "$@"; then
			pass "$(cat "$f.kind") $(cat "$f.name"):" \
			    "$(tr '\n' ' ' <"$f.out")"
		else
			fail "$(cat "$f.kind") $(cat "$f.name"):" \
			    "$(tr '\n' ' ' <"$f.out")"
		fi
		i=$((i + 1))
	done
	WANT=errors WANT_SIDE=client
	e1=$(status_num client control_errors)
	check "slow control clients of the client: errors +$(slow_sum)\
 ($e0c to $e1)" grown "$e0c" "$e1" "$(slow_sum)"
	WANT_SIDE=server
	e1=$(status_num server control_errors)
	check "slow control clients of the server: errors +$(slow_sum)\
 ($e0s to $e1)" grown "$e0s" "$e1" "$(slow_sum)"
	WANT=timeout
	metrics
	e1=$(metric 'engarde_dashboard_cut_total{reason="timeout"}')
	check "slow dashboard clients: cut timeout +$(slow_sum) ($t0 to $e1)" \
	    grown "$t0" "$e1" "$(slow_sum)"
}

# --- the run ----------------------------------------------------------------

topo_up 2
# The hostile host: its own link to the server, where no client is.
ns_add "$HOSTILE"
ip -n "$HOSTILE" link add "$HOSTILE_IF" type veth peer name "$HOSTILE_IF" \
    netns "$SERVER" || die "hostile link"
ip -n "$HOSTILE" addr add "$HOSTILE_NET.1/24" dev "$HOSTILE_IF" &&
    ip -n "$SERVER" addr add "$(link_addr 3 server)/24" dev "$HOSTILE_IF" &&
    ip -n "$HOSTILE" link set "$HOSTILE_IF" up &&
    ip -n "$SERVER" link set "$HOSTILE_IF" up || die "hostile link: address"
wg_up
eg_conf
# The dashboard on the client, self-signed.
awk -v web="$WEB" '/^client:/ { c = 1 } /^server:/ { c = 0 }
    c && $0 == "    listenAddr: \"\"" {
	print "    listenAddr: \"" web "\""; next }
    { print }' "$EG_CONF" >"$EG_TMP/web.yml" && mv "$EG_TMP/web.yml" "$EG_CONF"
cp "$EG_CONF" "$EG_TMP/good.yml"
mkdir -p "$EG_TMP/cfg"
eg_up
check "ping across the tunnel" wait_for 10 tun_ping 1
check "the dashboard answers" wait_for 10 metrics

cli_engine=$(engine_of "$EG_CLI")
cli_webui=$(child_of "$EG_CLI" webui)
srv_engine=$(engine_of "$EG_SRV")
note "client $EG_CLI (engine $cli_engine, webui $cli_webui)," \
    "server $EG_SRV (engine $srv_engine)"

sink_start "$SERVER" stream -t 900 -i 5 "$WG_SERVER_IP:9000"
ns_spawn "$CLIENT" "$EG_TMP/stream.tx.json" "$UDPGEN" send -r "$STREAM_RATE" \
    -n 1000000 -s 200 -t 900 "$WG_SERVER_IP:9000"
sender=$EG_PID
sleep 1

nrows=0
while IFS= read -r line; do
	case $line in
	''|'#'*)	continue;;
	esac
	case $line in
	*" => "*)	;;
	*)		fail "table: no => in: $line"
			continue;;
	esac
	# Each side of the arrow is split alone: > would be a redirection.
	eval "set -- ${line%% => *}" ||
	    { fail "table: cannot read: $line"; continue; }
	kind=$1
	name=$2
	shift 2
	IN=
	for w in "$@"; do
		IN="$IN $(quote "$w")"
	done
	eval "set -- ${line#* => }" ||
	    { fail "table: cannot read: $line"; continue; }
	OUT=
	for w in "$@"; do
		OUT="$OUT $(quote "$w")"
	done
	case " ${HOSTILE_KINDS:-$kind} " in
	*" $kind "*)	;;
	*)		continue;;
	esac
	nrows=$((nrows + 1))
	case " $OUT " in
	*" 'cut' 'within' "*)
		slow_add "$kind" "$name";;
	*)	case $kind in
		config|reload|control|http|udp)
			"row_$kind" "$name";;
		*)	fail "table: unknown kind $kind";;
		esac;;
	esac
done <"$TABLE"
note "$nrows rows"
slow_rows

# --- the end: still the same processes, still forwarding, nothing lost ------

check "still forwarding" tun_ping 2
proc_kill "$sender"
sink_wait stream 20
sent=$(json_get sent "$EG_TMP/stream.tx.json")
note "stream: sent $sent, $(cat "$EG_TMP/stream.json")"
note "$(udp_errors)"
check "the stream: every packet sent arrived" stream_whole
check "the stream: nothing lost" [ "$(result stream lost)" = 0 ]
for p in $EG_CLI $cli_engine $cli_webui $EG_SRV $srv_engine; do
	check "process $p still runs" proc_alive "$p"
done
check "the client's engine is the one it started with" \
    [ "$(engine_of "$EG_CLI")" = "$cli_engine" ]
check "the client's webui is the one it started with" \
    [ "$(child_of "$EG_CLI" webui)" = "$cli_webui" ]
check "the server's engine is the one it started with" \
    [ "$(engine_of "$EG_SRV")" = "$srv_engine" ]
for p in $cli_engine $srv_engine $cli_webui; do
	hwm=$(proc_status "$p" VmHWM | awk '{ print $1 }')
	note "process $p: peak resident memory $hwm kB"
	check "process $p: peak resident memory under 32 MB" \
	    [ "${hwm:-99999}" -lt 32768 ]
done
check "the good configuration reloads" ctl client reload
check "no fatal error logged" not grep -q "fatal" "$EG_TMP/client.log" \
    "$EG_TMP/server.log"
