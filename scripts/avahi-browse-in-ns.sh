#!/usr/bin/env bash
# Resolves a DNS-SD service type with Avahi (an independent mDNS implementation) from one host of a LAN
# made by lan.sh, for the interoperability test:
#
#   avahi-browse-in-ns.sh NETNS TYPE [MATCH...]
#   avahi-browse-in-ns.sh --check      prints the missing tools (if any) and exits 1 when some are
#
# e.g. avahi-browse-in-ns.sh lav-n2 _lanchat._tcp '"role=relay"'. Prints the lines of
# `avahi-browse -rpt TYPE` (parsable, resolved: =;eth0;IPv4;NAME;TYPE;local;HOST;ADDRESS;PORT;"k=v" ...).
# It browses again (10 tries at most, 0.5 s apart) until one resolved line contains every MATCH (fixed
# strings); otherwise it prints the last output, the daemons' logs on stderr, and exits 1. Bounded:
# about a minute at worst, a second or two when the service answers.
#
# Avahi never runs in the host's namespace (its multicast would leave the machine): inside NETNS, in a
# private mount namespace with a tmpfs on /run, it starts its own system bus (dbus-daemon) and
# avahi-daemon, and kills both when it ends, by PID. Both also die with this script (setpriv
# --pdeathsig), so a test that kills the script leaves nothing running in the namespace.
# Needs root, iproute2, util-linux (unshare, setpriv), dbus-daemon, avahi-daemon and avahi-browse.
set -euo pipefail

usage() { sed -n '2,18p' "$0" >&2; exit 2; }

# avahi-daemon lives in /usr/sbin, which a non-login PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"

if [ "${1:-}" = --check ]; then
  missing=()
  for tool in ip unshare setpriv mount dbus-daemon avahi-daemon avahi-browse timeout; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  [ ${#missing[@]} -eq 0 ] || { echo "${missing[*]}"; exit 1; }
  exit 0
fi

if [ "${1:-}" != --inside ]; then
  [ $# -ge 2 ] || usage
  ns=$1
  shift
  # exec all the way down: the PID of whoever started this script stays the PID of the bash below.
  exec ip netns exec "$ns" unshare --mount --propagation private bash "$0" --inside "$@"
fi
shift
type=$1
shift
matches=("$@")

# A private /run: the bus socket, the pid files and our config never touch the host's.
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/dbus /run/avahi-daemon /run/lanchat-avahi
work=/run/lanchat-avahi

pids=()
cleanup() {
  local pid tries
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    tries=0
    while kill -0 "$pid" 2>/dev/null && [ $tries -lt 20 ]; do sleep 0.1; tries=$((tries + 1)); done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

logs() {
  echo "--- dbus-daemon:" >&2; cat "$work/dbus.log" >&2 || true
  echo "--- avahi-daemon:" >&2; cat "$work/avahi.log" >&2 || true
  echo "--- avahi-browse:" >&2; cat "$work/browse.log" >&2 || true
}

# A system bus of our own: root only (we are root), everything allowed.
cat >"$work/dbus.conf" <<'EOF'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="root"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOF

# IPv4 on eth0 only; nothing of its own to publish. disallow-other-stacks=no (the default, said out
# loud) lets avahi share port 5353 with another mDNS stack, such as a lanchat node's.
cat >"$work/avahi.conf" <<'EOF'
[server]
use-ipv4=yes
use-ipv6=no
allow-interfaces=eth0
enable-dbus=yes
disallow-other-stacks=no
[wide-area]
enable-wide-area=no
[publish]
publish-addresses=no
publish-hinfo=no
publish-workstation=no
publish-domain=no
EOF

# dbus-daemon prints its address once it listens: read it from a FIFO instead of polling for the socket.
mkfifo "$work/dbus.address"
setpriv --pdeathsig KILL dbus-daemon --config-file="$work/dbus.conf" --nofork --nopidfile --nosyslog \
  --print-address=3 3>"$work/dbus.address" 2>"$work/dbus.log" &
pids+=($!)
if ! read -r -t 5 address <"$work/dbus.address" || [ -z "$address" ]; then
  echo "avahi-browse-in-ns: dbus-daemon did not start" >&2; logs; exit 1
fi

setpriv --pdeathsig KILL avahi-daemon --file="$work/avahi.conf" --no-chroot --no-drop-root --no-rlimits \
  --no-proc-title >"$work/avahi.log" 2>&1 &
pids+=($!)
avahi_pid=$!
# Up when it says so (bounded: 10 s).
for _ in $(seq 1 100); do
  grep -q 'Server startup complete' "$work/avahi.log" && break
  kill -0 "$avahi_pid" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q 'Server startup complete' "$work/avahi.log"; then
  echo "avahi-browse-in-ns: avahi-daemon did not start" >&2; logs; exit 1
fi

# A resolved line (=;...) that contains every MATCH.
matching() {
  local line m
  while IFS= read -r line; do
    [[ $line == =\;* ]] || continue
    for m in "${matches[@]}"; do [[ $line == *"$m"* ]] || continue 2; done
    return 0
  done <<<"$1"
  return 1
}

found=false out='' tries=0
for _ in $(seq 1 10); do
  tries=$((tries + 1))
  # -t ends once avahi has asked the network and resolved what answered (about a second).
  out=$(timeout 4 avahi-browse -rpt "$type" 2>>"$work/browse.log" || true)
  if matching "$out"; then found=true; break; fi
  sleep 0.5
done
printf '%s\n' "$out"
echo "avahi-browse-in-ns: $tries browse(s)" >&2
if ! $found; then
  echo "avahi-browse-in-ns: no resolved $type with: ${matches[*]}" >&2; logs; exit 1
fi
