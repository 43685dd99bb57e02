# What the benchmark scripts share. Sourced (`. "$(dirname "$0")/lib.sh"`), not run.

# wait_healthy URL PID LOG: wait up to 20 s for the `relais serve` process PID
# to answer URL/healthz. If it exits or never answers, print the end of its
# LOG and fail.
wait_healthy() {
    local url="$1" pid="$2" log="$3"
    for _ in $(seq 1 200); do
        curl -fs "$url/healthz" >/dev/null 2>&1 && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "relais serve did not become healthy at $url; the end of $log:" >&2
    tail -n 50 "$log" >&2
    return 1
}
