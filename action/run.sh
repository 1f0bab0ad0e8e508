#!/usr/bin/env bash
# The work of the copydesk GitHub Action (../action.yml), kept in a script so it
# can be run and tested outside GitHub. Inputs arrive as INPUT_* variables:
#   INPUT_PATHS       drafts to check: files, folders, globs (whitespace-separated; default ".")
#   INPUT_FAIL_ON     error | warning | info | hint | never (default warning)
#   INPUT_SARIF_FILE  also write a SARIF report here (empty: none)
#   INPUT_JUNIT_FILE  also write a JUnit XML report here (empty: none)
#   INPUT_ARGS        extra arguments for `copydesk check` (e.g. "--config newsroom.toml")
#   INPUT_INSTALL     pip requirement to install (default: this action's own checkout;
#                     "skip": use the copydesk already installed)
# Lints once: findings as GitHub annotations on stdout (GitHub shows only the
# first ten warnings of a step), the SARIF/JUnit files from the same run, and a
# Markdown summary of every finding (per rule, per draft) appended to
# $GITHUB_STEP_SUMMARY; `exit-code=N` to $GITHUB_OUTPUT. Exits 0 itself so a
# SARIF upload can still run (the action's last step fails the job with that code).
set -euo pipefail

python="${COPYDESK_PYTHON:-python3}"
action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
fail_on="${INPUT_FAIL_ON:-warning}"
sarif="${INPUT_SARIF_FILE:-}"
junit="${INPUT_JUNIT_FILE:-}"
summary="${GITHUB_STEP_SUMMARY:-}"
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

writes=()
for report in "sarif=$sarif" "junit=$junit"; do
  file="${report#*=}"
  [ -n "$file" ] || continue
  mkdir -p "$(dirname "$file")"
  writes+=(--write "$report")
done
summary_md=""
if [ -n "$summary" ]; then
  summary_md="$(mktemp "${RUNNER_TEMP:-/tmp}/copydesk-summary.XXXXXX")"
  writes+=(--write "markdown=$summary_md")
fi

status=0
"$python" -m copydesk check --format github --no-progress --fail-on "$fail_on" ${writes[@]+"${writes[@]}"} \
  ${extra[@]+"${extra[@]}"} "${paths[@]}" || status=$?

[ -z "$sarif" ] || echo "sarif-file=$sarif" >> "$output"
[ -z "$junit" ] || echo "junit-file=$junit" >> "$output"
if [ -n "$summary" ]; then
  if [ -s "$summary_md" ]; then
    cat "$summary_md" >> "$summary"
  else  # stopped before linting (configuration or rule-file errors)
    printf '## copydesk\n\ncopydesk could not check the drafts (exit %s): see the step log.\n' "$status" >> "$summary"
  fi
  rm -f "$summary_md"
fi

case "$status" in
  0) echo "copydesk: no findings at or above $fail_on" ;;
  1) echo "copydesk: findings at or above $fail_on (see the annotations and the job summary)" ;;
  *) echo "copydesk: could not check the drafts (exit $status)" ;;
esac
echo "exit-code=$status" >> "$output"
exit 0
