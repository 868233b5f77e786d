# Sourced by .ci/run and .ci/compat: timed phases and pytest's exit codes.
# CI_TIMES is a file both scripts append "phase  seconds" lines to; .ci/run prints it at the end.
: "${CI_TIMES:=/dev/null}"
_phase="" _phase_t0=0

begin() {
  _phase="${CI_PHASE_PREFIX:-}$1" _phase_t0=$SECONDS
  echo "::: $_phase"
}

end() {
  local took=$((SECONDS - _phase_t0))
  printf '%-60s %5d s\n' "$_phase" "$took" >>"$CI_TIMES"
  echo "::: $_phase: ${took} s"
  _phase=""
}

# For an EXIT trap: name the phase that was running when the script stopped.
failed_phase() {
  [ -n "$_phase" ] && printf '%-60s %5d s  FAILED\n' "$_phase" $((SECONDS - _phase_t0)) >>"$CI_TIMES"
  return 0
}

# pytest's exit codes: 0 passed; 1 tests failed; 2 interrupted; 3 internal error; 4 usage error;
# 5 no tests collected. Every non-zero code fails CI, 5 included: a run that collects nothing
# (a wrong path, a marker that deselects everything) must not look green.
run_pytest() {
  local rc=0
  "$@" || rc=$?
  case $rc in
    0) ;;
    1) echo "pytest: some tests failed (exit 1)" ;;
    5) echo "pytest: NO TESTS WERE COLLECTED (exit 5): check the paths and -m markers in .ci/" ;;
    *) echo "pytest: interrupted, internal or usage error (exit $rc)" ;;
  esac
  return $rc
}
