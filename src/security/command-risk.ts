import { parse } from "shell-quote";

const NETWORK = new Set(["curl", "wget", "ssh", "scp", "sftp", "rsync", "nc", "ncat", "telnet", "ftp"]);
const SHELLS = /^(ba|da|z|k|c|tc|fi)?sh$|^busybox$/;
/** Words that start or wrap a command without being it: shell keywords, and programs that run the next one. */
const KEYWORDS = new Set([
  "{",
  "}",
  "(",
  ")",
  "!",
  "if",
  "then",
  "else",
  "elif",
  "fi",
  "do",
  "done",
  "while",
  "until",
  "time",
]);
/** Wrappers and the options of theirs that take a value. */
const WRAPPERS: Record<string, Set<string>> = {
  sudo: new Set(["-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U"]),
  doas: new Set(["-u", "-C"]),
  env: new Set(["-u", "-C", "-S", "--unset", "--chdir"]),
  nice: new Set(["-n", "--adjustment"]),
  ionice: new Set(["-c", "-n", "-p"]),
  timeout: new Set(["-k", "-s", "--kill-after", "--signal"]),
  nohup: new Set(),
  command: new Set(),
  exec: new Set(["-a"]),
  xargs: new Set(["-a", "-d", "-E", "-I", "-L", "-n", "-P", "-s", "--arg-file", "--delimiter", "--max-args"]),
  stdbuf: new Set(["-i", "-o", "-e"]),
  chroot: new Set(),
  busybox: new Set(),
};

type Part = { argv: string[]; hidden?: string };

const base = (p: string) => (p.split("/").pop() ?? p).replace(/^\\/, "");

/**
 * The simple commands of a shell line, split at `;`, `&&`, `||`, `|`, `&`,
 * with `sh -c` bodies opened, wrappers (`sudo -u x`, `env -i`, `timeout 5`,
 * `xargs`) and keywords (`if`, `{`) stripped. A part whose program is only
 * known when it runs (`$(...)`, backticks, `eval`, a variable, a shell fed
 * on stdin) is marked `hidden`.
 */
export function simpleCommands(command: string, depth = 0): Part[] {
  const parts: Part[] = [];
  let argv: string[] = [];
  let pipedIntoShell = false;
  const end = () => {
    if (argv.length) parts.push(...expand(argv, depth, pipedIntoShell));
    argv = [];
  };
  for (const tok of parse(command, (name) => `$${name}`)) {
    if (typeof tok === "string") argv.push(tok);
    else if ("op" in tok && tok.op === "glob") argv.push(tok.pattern);
    else if ("op" in tok) {
      const op = tok.op as string;
      if (op === "<<<" || op === "<(" || op === "$(") argv.push("$(");
      pipedIntoShell = op === "|";
      end();
    } else if ("comment" in tok) break;
  }
  end();
  if (/`|\$\(/.test(command) && !parts.some((p) => p.hidden)) parts.push({ argv: [], hidden: "command substitution" });
  return parts;
}

function expand(raw: string[], depth: number, fedFromPipe: boolean): Part[] {
  const argv = unwrap(raw);
  const prog = base(argv[0] ?? "");
  if (!prog) return [];
  if (prog === "eval" || prog.startsWith("$") || prog === "source" || prog === ".")
    return [{ argv, hidden: `${prog} runs code only known when it runs` }];
  if (SHELLS.test(prog)) {
    const i = argv.findIndex((a, k) => k > 0 && /^-[a-z]*c[a-z]*$/i.test(a));
    if (i > 0) {
      const body = argv.slice(i + 1).find((a) => a !== "--");
      if (body && depth < 3) return simpleCommands(body, depth + 1);
    }
    if (fedFromPipe || argv.length === 1 || argv.includes("-s"))
      return [{ argv, hidden: `a shell reading commands from its input` }];
  }
  return [{ argv }];
}

/** Strips keywords, assignments and wrappers (with their options) off the front of a command. */
function unwrap(argv: string[]): string[] {
  let i = 0;
  while (i < argv.length) {
    const a = argv[i]!;
    const b = base(a);
    if (KEYWORDS.has(a) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) i++;
    else if (WRAPPERS[b]) {
      const takesValue = WRAPPERS[b]!;
      i++;
      while (
        i < argv.length &&
        (argv[i]!.startsWith("-") ||
          /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i]!) ||
          (b === "timeout" && /^\d/.test(argv[i]!)))
      ) {
        if (takesValue.has(argv[i]!)) i++;
        i++;
      }
    } else break;
  }
  return argv.slice(i);
}

/** Short flags, long flags: `-rf` → r, f. */
function flags(args: string[]): { short: Set<string>; long: string[] } {
  const short = new Set<string>();
  const long: string[] = [];
  for (const a of args) {
    if (a.startsWith("--")) long.push(a.slice(2).split("=")[0]!);
    else if (a.startsWith("-") && a.length > 1) for (const c of a.slice(1)) short.add(c);
  }
  return { short, long };
}

/** A long option given as any unambiguous prefix of `name` (git and GNU tools accept them). */
const hasLong = (long: string[], name: string, min = 3) =>
  long.some((l) => l.length >= Math.min(min, name.length) && name.startsWith(l));

/** Git's subcommand and its arguments, past `-C dir`, `-c k=v` and other global options. */
export function gitCommand(args: string[]): { sub: string; rest: string[] } {
  let i = 0;
  while (i < args.length && args[i]!.startsWith("-"))
    i += ["-C", "-c", "--git-dir", "--work-tree", "--namespace"].includes(args[i]!) ? 2 : 1;
  return { sub: args[i] ?? "", rest: args.slice(i + 1) };
}

/**
 * The operation a command stands for: `network.fetch` when any part talks to
 * the network, `git.<sub>` when a part is git, else `process.execute`.
 */
export function commandOperation(command: string): string {
  const parts = simpleCommands(command).map((p) => p.argv);
  if (parts.some((a) => NETWORK.has(base(a[0] ?? "")))) return "network.fetch";
  const git = parts.find((a) => base(a[0] ?? "") === "git");
  if (git) return `git.${gitCommand(git.slice(1)).sub.replace(/[^a-z-]/g, "") || "run"}`;
  return "process.execute";
}

/** Why a command needs a human, or undefined when none of its parts is destructive. */
export function destructiveCommand(command: string): string | undefined {
  for (const part of simpleCommands(command)) {
    if (part.hidden) return `${part.hidden}: it cannot be judged before it runs`;
    const why = destructive(part.argv);
    if (why) return why;
  }
  return undefined;
}

function destructive(argv: string[]): string | undefined {
  const prog = base(argv[0] ?? "");
  const args = argv.slice(1);
  const f = flags(args);
  switch (prog) {
    case "rm": {
      const recursive = f.short.has("r") || f.short.has("R") || hasLong(f.long, "recursive");
      const force = f.short.has("f") || hasLong(f.long, "force");
      return recursive && force ? "rm -rf removes a tree without asking" : undefined;
    }
    case "find":
      return args.some((a) => a === "-delete" || a === "-exec" || a === "-execdir")
        ? "find -delete/-exec acts on every file it finds"
        : undefined;
    case "git":
      return gitDestructive(args);
    case "rsync":
      return f.long.some((l) => l.startsWith("del")) ? "rsync --delete removes files" : undefined;
    case "kill":
    case "pkill":
    case "killall":
      return args.includes("-1") || prog !== "kill" ? `${prog} may stop other processes` : undefined;
    case "dd":
      return "dd writes raw blocks";
    case "shred":
      return "shred destroys file contents";
    case "truncate":
      return "truncate cuts files";
    case "chmod":
    case "chown":
      return f.short.has("R") || hasLong(f.long, "recursive") ? `${prog} -R changes a whole tree` : undefined;
    default:
      if (/^mkfs(\.|$)/.test(prog)) return `${prog} formats a file system`;
      if (["shutdown", "reboot", "halt", "poweroff"].includes(prog)) return `${prog} stops the machine`;
      return undefined;
  }
}

function gitDestructive(args: string[]): string | undefined {
  const { sub, rest } = gitCommand(args);
  const f = flags(rest);
  const force = f.short.has("f") || hasLong(f.long, "force") || hasLong(f.long, "force-with-lease", 7);
  if (
    sub === "push" &&
    (force || rest.some((a) => a.startsWith("+")) || hasLong(f.long, "delete") || hasLong(f.long, "mirror"))
  )
    return "git push --force rewrites remote history";
  if (sub === "reset" && hasLong(f.long, "hard")) return "git reset --hard discards uncommitted work";
  if (sub === "clean" && force) return "git clean -f deletes untracked files";
  if ((sub === "checkout" || sub === "restore") && rest.some((a) => a === "." || a === ":/"))
    return `git ${sub} . discards changes`;
  if (sub === "branch" && (f.short.has("D") || (f.short.has("d") && force))) return "git branch -D deletes a branch";
  if (sub === "stash" && (rest[0] === "clear" || rest[0] === "drop")) return "git stash clear drops stashed work";
  if (sub === "filter-branch" || sub === "filter-repo") return `git ${sub} rewrites history`;
  return undefined;
}
