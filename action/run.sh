#!/usr/bin/env bash
# The work of the copydesk GitHub Action (../action.yml), kept in a script so it
# can be run and tested outside GitHub. Inputs arrive as INPUT_* variables:
#   INPUT_PATHS       drafts to check: files, folders, globs (whitespace-separated; default ".")
#   INPUT_FAIL_ON     error | warning | info | hint | never (default warning)
#   INPUT_SARIF_FILE  also write a SARIF report here (empty: none)
#   INPUT_ARGS        extra arguments for `copydesk check` (e.g. "--config newsroom.toml")
#   INPUT_INSTALL     pip requirement to install (default: this action's own checkout;
#                     "skip": use the copydesk already installed)
# Writes findings as GitHub annotations on stdout and `exit-code=N` to
# $GITHUB_OUTPUT; exits 0 itself so a SARIF upload can still run (the action's
# last step fails the job with that code).
set -euo pipefail

python="${COPYDESK_PYTHON:-python3}"
action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
fail_on="${INPUT_FAIL_ON:-warning}"
sarif="${INPUT_SARIF_FILE:-}"
install="${INPUT_INSTALL:-}"
output="${GITHUB_OUTPUT:-/dev/null}"

case "$install" in
  skip) ;;
  "") "$python" -m pip install --quiet --disable-pip-version-check "$action_path" ;;
  *) # shellcheck disable=SC2086  # a requirement list, split on purpose
     "$python" -m pip install --quiet --disable-pip-version-check $install ;;
esac

read -r -a paths <<< "$(echo "${INPUT_PATHS:-.}" | tr '\n' ' ')"
read -r -a extra <<< "${INPUT_ARGS:-}"
[ ${#paths[@]} -gt 0 ] || paths=(.)

status=0
"$python" -m copydesk check --format github --no-progress --fail-on "$fail_on" ${extra[@]+"${extra[@]}"} \
  "${paths[@]}" || status=$?

if [ -n "$sarif" ]; then
  mkdir -p "$(dirname "$sarif")"
  sarif_status=0
  "$python" -m copydesk check --format sarif --output "$sarif" --no-progress --fail-on never \
    ${extra[@]+"${extra[@]}"} "${paths[@]}" || sarif_status=$?
  if [ "$sarif_status" -ne 0 ] && [ "$status" -lt 2 ]; then status=$sarif_status; fi
  echo "sarif-file=$sarif" >> "$output"
fi

case "$status" in
  0) echo "copydesk: no findings at or above $fail_on" ;;
  1) echo "copydesk: findings at or above $fail_on (see the annotations)" ;;
  *) echo "copydesk: could not check the drafts (exit $status)" ;;
esac
echo "exit-code=$status" >> "$output"
exit 0
