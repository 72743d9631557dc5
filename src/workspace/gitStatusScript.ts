/** The bash scripts behind git status, and the parser of their output (grammar: gitStatus.ts). */
import { shq } from "../tools/shellQuote.js";

export const DEFAULT_STATUS_TIMEOUT_MS = 30_000;
/** Untracked files are line-counted only when there are at most this many of them. */
export const UNTRACKED_MAX_FILES = 2_000;
/** …and each one at most up to this many lines (bounds the read of a huge log file). */
export const UNTRACKED_MAX_LINES_PER_FILE = 100_000;
/** Untracked files up to this size are counted by bash itself, larger ones by grep. */
const UNTRACKED_BUILTIN_BYTES = 32_768;
/**
 * Default parallelism: 4 status scripts at once. On the 2-CPU reference machine 2, 4 and 8 are
 * within noise of each other and 1 is ~1.5–2× slower (bench/gitStatus.ts); 4 keeps both CPUs
 * busy while processes start, without crowding out the agents' own work.
 */
export const DEFAULT_STATUS_CONCURRENCY = 4;
/** At most this many workspaces per batched exec. */
export const MAX_BATCH = 32;

const MARK = "@@mux:";
const GIT = "git -c core.quotepath=off --no-optional-locks";
/** Counts lines like numstat does (a last line without newline counts); binary files count 0. */
const COUNT_LINES = `grep -I -c -h -s -D skip -d skip -m ${UNTRACKED_MAX_LINES_PER_FILE} ''`;
/** Git variables that would point git somewhere other than the worktree we cd into. */
export const GIT_ENV_TO_CLEAR =
  "GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_COMMON_DIR GIT_NAMESPACE GIT_PREFIX GIT_CEILING_DIRECTORIES GIT_DISCOVERY_ACROSS_FILESYSTEM";

/** Rejects bases git would parse as an option or that cannot be a ref. */
export function validateBase(base: string): string | null {
  if (base === "") return "base is empty";
  if (base.startsWith("-")) return `base ${JSON.stringify(base)} starts with "-"`;
  if (/[\0\n\r]/.test(base)) return "base contains a control character";
  return null;
}

const B = UNTRACKED_BUILTIN_BYTES;

/** `__mux_gs ROOT BASE`: prints one workspace's status (see the grammar above). */
const STATUS_FUNCTION = `unset ${GIT_ENV_TO_CLEAR}
export GIT_OPTIONAL_LOCKS=0 LC_ALL=C
# git diff --numstat -z against $@, printed as one summed record "added<TAB>removed<TAB>*"
# (binary files count 0; a rename's two path tokens are skipped); sets sa, sr; returns git's
# exit code. On bash < 4.4 (no cache: nc set) the records are passed through as they are.
__mux_diff() {
  local r k=0 a d
  sa=0; sr=0
  if [ -n "$nc" ]; then ${GIT} diff --numstat -z --no-ext-diff "$@" -- 2>/dev/null; return; fi
  while IFS= read -r -d '' r; do
    if [ $k -gt 0 ]; then k=$((k - 1)); continue; fi
    case $r in *$'\\t'*$'\\t'*) ;; *) continue ;; esac
    a=\${r%%$'\\t'*}; d=\${r#*$'\\t'}; d=\${d%%$'\\t'*}
    [ "$a" = - ] || sa=$((sa + a)); [ "$d" = - ] || sr=$((sr + d))
    [ "\${r: -1}" = $'\\t' ] && k=2
  done < <(exec ${GIT} diff --numstat -z --no-ext-diff "$@" -- 2>/dev/null)
  wait $! && printf '%s\\t%s\\t*\\0' "$sa" "$sr"
}
__mux_gs() {
  local b=$2 gd=.git l= h= br= bs= skip= ok= us= ab= tr= r= ah= arc= abo= w= drc= mb= n= lc=0 f= x= y= e=
  local ck= cs= cf= hit= sums= rest= nc= sa=0 sr=0
  local -a up u big a tp
  up=(); u=(); big=(); tp=()
  cd -- "$1" 2>/dev/null || { printf '${MARK}missing\\0no such directory\\0${MARK}done\\0'; return 0; }
  [ -e .git ] || { printf '${MARK}missing\\0not the root of a git worktree (no .git)\\0${MARK}done\\0'; return 0; }
  # Ahead/behind for free: make the base the branch's upstream for this one command (-c), and
  # status prints "# branch.ab +ahead -behind". The branch name comes from HEAD, read by
  # builtins. Trusted only when status names the base as the upstream (the branch's own merge
  # config taking precedence, a sha, an ambiguous name… fall back to rev-list).
  if [ -f .git ]; then IFS= read -r l <.git; gd=\${l#gitdir: }; fi
  IFS= read -r h 2>/dev/null <"$gd/HEAD"
  case $h in 'ref: refs/heads/'*)
    br=\${h#ref: refs/heads/}
    case $br in *=*) ;; *) up=(-c "branch.$br.remote=." -c "branch.$br.merge=$b") ;; esac ;;
  esac
  case $b in refs/heads/*) bs=\${b#refs/heads/} ;; refs/remotes/*) bs=\${b#refs/remotes/} ;; *) bs=$b ;; esac
  printf '${MARK}status\\0'
  # Re-emit the status records, remembering the untracked paths (a "2 " record is followed by
  # its original path, which must not be mistaken for a record). A successful status always
  # starts with the branch.oid header; "exec" spares the process substitution a fork.
  while IFS= read -r -d '' r; do
    printf '%s\\0' "$r"
    if [ -n "$skip" ]; then skip=; tp+=("$r"); continue; fi
    case $r in
      '? '*) u+=("\${r:2}") ;;
      '1 '*) tr=1; ck+="$r"$'\\n'; tp+=("\${r#* * * * * * * * }") ;;
      'u '*) tr=1; nc=1 ;;
      '2 '*) tr=1; skip=1; ck+="$r"$'\\n'; tp+=("\${r#* * * * * * * * * }") ;;
      '# branch.oid '*) ok=1; ck+="$r"$'\\n' ;;
      '# branch.upstream '*) us=\${r#'# branch.upstream '} ;;
      '# branch.ab '*) ab=\${r#'# branch.ab '} ;;
    esac
  done < <(exec ${GIT} "\${up[@]}" status --porcelain=v2 --branch -z --untracked-files=all 2>/dev/null)
  if [ -z "$ok" ]; then
    e=$(${GIT} status --porcelain 2>&1 >/dev/null)
    printf '${MARK}end 1\\0%s\\0${MARK}done\\0' "$e"; return 0
  fi
  if [ -n "$ab" ] && [ "$us" = "$bs" ]; then
    ah=\${ab%% *}; ah=\${ah#+}; arc=0; abo="\${ab##*-}	$ah"
  else
    abo=$(${GIT} rev-list --left-right --count "$b...HEAD" -- 2>&1); arc=$?; ah=\${abo##*	}
  fi
  printf '${MARK}end 0\\0${MARK}revlist %d\\0%s\\0${MARK}numstat\\0' $arc "$abo"
  w=mergebase; drc=1
  # The numstat is the costly half (a second git process). It is reused while nothing it
  # depends on changed: HEAD, base, ahead/behind and the changed tracked files' status records
  # (the key, kept in $gd/mux-status-cache with the sums), and no changed file is as new as
  # the stamp written just before the diff that made them (so an edit racing that diff counts
  # as a change). Needs bash >= 4.4 (the exit code of a process substitution); else no cache.
  [ "\${BASH_VERSINFO[0]}\${BASH_VERSINFO[1]}" -ge 44 ] 2>/dev/null || nc=1
  if [ -z "$nc" ]; then
    ck="$b"$'\\n'"$abo"$'\\n'"$ck"; cs="$gd/mux-status-stamp"; cf="$gd/mux-status-cache"
    if [ -f "$cs" ] && { IFS= read -r sums; IFS= read -r -d '' rest; :; } <"$cf" 2>/dev/null && [ "$rest" = "$ck" ]; then
      hit=1
      for f in "\${tp[@]}"; do [[ $f -ot $cs ]] || { hit=; break; }; done
    fi
  fi
  if [ $arc = 0 ] && [ "$ah" = 0 ] && [ -z "$tr" ]; then
    w=none; drc=0 # HEAD is the merge-base and no tracked file changed: nothing to diff
  elif [ -n "$hit" ]; then
    sa=\${sums%% *}; sr=\${sums#* }; w=\${sr#* }; sr=\${sr%% *}; drc=0
    printf '%s\\t%s\\t*\\0' "$sa" "$sr"
  elif [ $arc = 0 ]; then
    [ -n "$nc" ] || : 2>/dev/null >"$cs" || nc=1
    __mux_diff --merge-base "$b"; drc=$?
    if [ $drc = 129 ]; then # git < 2.30: no --merge-base
      mb=$(${GIT} merge-base "$b" HEAD 2>/dev/null) && { __mux_diff "$mb"; drc=$?; }
    fi
  fi
  if [ $drc != 0 ]; then w=head; __mux_diff HEAD; drc=$?; fi
  # Saved only when this pass diffed (and the stamp could be written).
  if [ -z "$nc" ] && [ -z "$hit" ] && [ $drc = 0 ] && [ $w != none ]; then
    printf '%s %s %s\\n%s' "$sa" "$sr" "$w" "$ck" 2>/dev/null >"$cf" || :
  fi
  printf '${MARK}end %d %s\\0${MARK}untracked\\0' $drc $w
  # Untracked text files: small ones counted with builtins (a NUL in the first ${B} bytes means
  # binary: 0 lines), larger ones by grep; FIFOs, devices and directories are skipped.
  n=\${#u[@]}
  if [ $n -le ${UNTRACKED_MAX_FILES} ]; then
    for f in "\${u[@]}"; do
      [ -f "$f" ] || continue
      x=
      if IFS= read -r -d '' -n ${B} x 2>/dev/null <"$f"; then
        [ \${#x} -ge ${B} ] && big+=("$f")
        continue
      fi
      [ -n "$x" ] || continue
      if [ "\${BASH_VERSINFO[0]}" -ge 4 ]; then
        mapfile -t a <"$f"; lc=$((lc + \${#a[@]}))
      else
        y=\${x//$'\\n'/}; lc=$((lc + \${#x} - \${#y})); [ "\${x: -1}" = $'\\n' ] || lc=$((lc + 1))
      fi
    done
  fi
  printf '%d\\n' $lc
  if [ \${#big[@]} -gt 100 ]; then
    printf '%s\\0' "\${big[@]}" | xargs -0 ${COUNT_LINES} --
  elif [ \${#big[@]} -gt 0 ]; then
    ${COUNT_LINES} -- "\${big[@]}"
  fi
  printf '\\0${MARK}end %d\\0${MARK}done\\0' $n
}
`;

/** The bash script computing one workspace's status (exported for inspection and tests). */
export function statusScript(root: string, base: string): string {
  return `${STATUS_FUNCTION}__mux_gs ${shq(root)} ${shq(base)}\n`;
}

/** One script computing several workspaces' statuses, each preceded by `@@mux:ws <index>`. */
export function batchStatusScript(items: { root: string; base: string }[]): string {
  const calls = items.map((it, i) => `printf '${MARK}ws ${i}\\0'; __mux_gs ${shq(it.root)} ${shq(it.base)}`);
  return `${STATUS_FUNCTION}${calls.join("\n")}\n`;
}

export interface ParsedStatus {
  missing?: string;
  /** 0 = ok, 1 = git status failed. */
  statusRc?: number;
  statusError?: string;
  branch: string | null;
  detached: boolean;
  headSha: string | null;
  dirtyFiles: number;
  revlistRc?: number;
  revlist?: string;
  numstatRc?: number;
  /** What the diff was taken against: the merge-base, HEAD (fallback), or none (nothing to diff). */
  numstatAgainst?: string;
  linesAdded: number;
  linesRemoved: number;
  untrackedLines: number;
  done: boolean;
}

function markerArg(token: string, name: string): string | undefined {
  const prefix = `${MARK}${name}`;
  if (token === prefix) return "";
  if (token.startsWith(`${prefix} `)) return token.slice(prefix.length + 1);
  return undefined;
}

/** The start of a batch's next workspace: the end of this one, even if it was cut short. */
const isWsMarker = (token: string) => markerArg(token, "ws") !== undefined;

function toInt(s: string | undefined): number {
  const n = Number.parseInt(s ?? "", 10);
  return Number.isFinite(n) ? n : 0;
}

/**
 * Parses one workspace's output from `t[start]` on; stops after `@@mux:done`, or before a
 * `@@mux:ws` marker (the next workspace of a batch) when the output was cut short.
 */
function parseTokens(t: string[], start: number): { parsed: ParsedStatus; next: number } {
  const p: ParsedStatus = {
    branch: null,
    detached: false,
    headSha: null,
    dirtyFiles: 0,
    linesAdded: 0,
    linesRemoved: 0,
    untrackedLines: 0,
    done: false,
  };
  let i = start;
  let head: string | null = null;
  while (i < t.length) {
    const tok = t[i];
    if (isWsMarker(tok)) break;
    i++;
    if (tok === `${MARK}done`) {
      p.done = true;
      break;
    }
    if (tok === `${MARK}missing`) {
      p.missing = t[i++] ?? "missing";
      continue;
    }
    if (tok === `${MARK}status`) {
      while (i < t.length && !isWsMarker(t[i])) {
        const r = t[i++];
        const end = markerArg(r, "end");
        if (end !== undefined) {
          p.statusRc = toInt(end);
          if (p.statusRc !== 0) p.statusError = (t[i++] ?? "").trim();
          break;
        }
        if (r.startsWith("# branch.oid ")) {
          const oid = r.slice("# branch.oid ".length);
          p.headSha = /^[0-9a-f]{7,}$/.test(oid) ? oid : null; // "(initial)" before the first commit
        } else if (r.startsWith("# branch.head ")) {
          head = r.slice("# branch.head ".length);
        } else if (r.startsWith("1 ") || r.startsWith("u ") || r.startsWith("? ")) {
          p.dirtyFiles++;
        } else if (r.startsWith("2 ")) {
          p.dirtyFiles++;
          i++; // the original path
        }
        // Other "# …" headers are skipped; "! " (ignored files) is never requested.
      }
      continue;
    }
    const arg = markerArg(tok, "revlist");
    if (arg !== undefined) {
      p.revlistRc = toInt(arg);
      p.revlist = (t[i++] ?? "").trim();
      continue;
    }
    if (tok === `${MARK}numstat`) {
      while (i < t.length && !isWsMarker(t[i])) {
        const r = t[i++];
        const end = markerArg(r, "end");
        if (end !== undefined) {
          const [rc, against] = end.split(" ");
          p.numstatRc = toInt(rc);
          p.numstatAgainst = against;
          break;
        }
        // "added\tremoved\tpath" or, for a rename/copy, "added\tremoved\t" + src + dst tokens.
        const tab1 = r.indexOf("\t");
        const tab2 = tab1 < 0 ? -1 : r.indexOf("\t", tab1 + 1);
        if (tab2 < 0) continue; // not a numstat record
        if (tab2 === r.length - 1) i += 2;
        const added = r.slice(0, tab1);
        const removed = r.slice(tab1 + 1, tab2);
        if (added !== "-") p.linesAdded += toInt(added); // "-" = binary
        if (removed !== "-") p.linesRemoved += toInt(removed);
      }
      continue;
    }
    if (tok === `${MARK}untracked`) {
      while (i < t.length && !isWsMarker(t[i])) {
        const r = t[i++];
        if (markerArg(r, "end") !== undefined) break;
        for (const n of r.split(/\s+/)) if (n) p.untrackedLines += toInt(n);
      }
    }
    // Anything else (e.g. the empty string after the final NUL) is skipped.
  }
  if (head !== null) {
    if (head === "(detached)") {
      p.detached = true;
      p.branch = p.headSha ? p.headSha.slice(0, 7) : null;
    } else {
      p.branch = head;
    }
  }
  return { parsed: p, next: i };
}

/** Parses a single workspace's script output (exported for tests). */
export function parseStatusOutput(stdout: string): ParsedStatus {
  return parseTokens(stdout.split("\0"), 0).parsed;
}

/** Parses a batch's output: the statuses by index (absent when a workspace's output is missing). */
export function parseBatchOutput(stdout: string, count: number): (ParsedStatus | undefined)[] {
  const t = stdout.split("\0");
  const out = new Array<ParsedStatus | undefined>(count);
  let i = 0;
  while (i < t.length) {
    const idx = markerArg(t[i], "ws");
    i++;
    if (idx === undefined) continue;
    const { parsed, next } = parseTokens(t, i);
    i = next;
    const k = toInt(idx);
    if (k >= 0 && k < count) out[k] = parsed;
  }
  return out;
}
