#!/usr/bin/env bash
# Adds to the distribution tree what is generated from the built commands themselves, so it never
# disagrees with them: bash and zsh completion (picocli's AutoComplete, through `orch completion`),
# man pages (ManPages, gzipped) and the CLI's AppCDS archive for this tree and this JVM.
# Usage: dist-extras.sh DIST_DIR VERSION   (JAVA_HOME: the JVM to run the commands with)
set -euo pipefail
dist="$1" version="$2"
orch="$dist/bin/orch"

completions_bash="$dist/share/bash-completion/completions"
completions_zsh="$dist/share/zsh/vendor-completions"
mkdir -p "$completions_bash" "$completions_zsh"
"$orch" completion bash > "$completions_bash/orch"
# zsh autoloads _orch as the completion function of orch: the same script through bashcompinit,
# which then completes the words it was called for (later calls go straight to the script).
{
  echo '#compdef orch'
  echo '# orch completion for zsh: the bash completion script, loaded through bashcompinit.'
  echo 'autoload -U +X bashcompinit && bashcompinit'
  cat "$completions_bash/orch"
  echo '_bash_complete -F _complete_orch'
} > "$completions_zsh/_orch"

man1="$dist/share/man/man1"
rm -rf "$man1"
"${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xshare:auto -XX:TieredStopAtLevel=1 -cp "$dist/lib/*" \
  io.orch.packaging.ManPages "$man1" "$version"
gzip -9n "$man1"/*.1

# The archive is only valid for this tree at this path with this JVM; the packages build their own
# on the installed tree (postinst, install.sh). Without one the CLI starts slower, nothing else.
if ! ORCH_CDS_TRAIN="$dist/lib/orch-cli.jsa" "$orch" >/dev/null 2>&1; then
  rm -f "$dist/lib/orch-cli.jsa"
  echo "dist-extras: could not write the CLI's AppCDS archive (this JVM?); the CLI runs without it" >&2
fi
