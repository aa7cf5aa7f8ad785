import { parse } from "shell-quote";

const NETWORK = new Set(["curl", "wget", "ssh", "scp", "rsync", "nc", "ncat", "telnet", "ftp"]);

/**
 * The operation a command stands for, from its first simple command: `git
 * push` is `git.push`, `curl` is `network.fetch`, anything else
 * `process.execute`. The audit's category follows from it.
 */
export function commandOperation(command: string): string {
  const argv = simpleCommands(command)[0] ?? [];
  const prog = base(argv[0] ?? "");
  if (prog === "git") return `git.${argv.slice(1).find((a) => !a.startsWith("-")) ?? "run"}`;
  if (NETWORK.has(prog)) return "network.fetch";
  return "process.execute";
}

/** Why a command needs a human, or undefined when none of its parts is destructive. */
export function destructiveCommand(command: string): string | undefined {
  for (const argv of simpleCommands(command)) {
    const why = destructive(argv);
    if (why) return why;
  }
  return undefined;
}

/** The simple commands of a shell line: split at `;`, `&&`, `||`, `|`, `&`, with `sh -c` bodies opened up. */
function simpleCommands(command: string, depth = 0): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  for (const tok of parse(command)) {
    if (typeof tok === "string") current.push(tok);
    else if ("op" in tok && tok.op !== "glob") {
      if (current.length) out.push(current);
      current = [];
    } else if ("pattern" in tok) current.push(tok.pattern);
  }
  if (current.length) out.push(current);
  const nested: string[][] = [];
  for (const argv of out) {
    const [prog, flag, body] = stripWrappers(argv);
    if (depth < 3 && /^(ba|da|z)?sh$/.test(base(prog ?? "")) && flag === "-c" && body)
      nested.push(...simpleCommands(body, depth + 1));
  }
  return [...out.map(stripWrappers), ...nested];
}

const base = (p: string) => p.split("/").pop() ?? p;

/** Drops what only wraps a command: `sudo`, `env A=B`, `nice`, `time`, leading assignments. */
function stripWrappers(argv: string[]): string[] {
  let i = 0;
  while (i < argv.length) {
    const a = argv[i]!;
    if (
      /^[A-Za-z_][A-Za-z0-9_]*=/.test(a) ||
      ["sudo", "env", "nice", "time", "nohup", "command", "exec"].includes(base(a))
    )
      i++;
    else break;
  }
  return argv.slice(i);
}

/** Short flags, long flags: `-rf` → r, f. */
function flags(args: string[]): { short: Set<string>; long: Set<string> } {
  const short = new Set<string>();
  const long = new Set<string>();
  for (const a of args) {
    if (a.startsWith("--")) long.add(a.slice(2).split("=")[0]!);
    else if (a.startsWith("-") && a.length > 1) for (const c of a.slice(1)) short.add(c);
  }
  return { short, long };
}

function destructive(argv: string[]): string | undefined {
  const prog = base(argv[0] ?? "");
  const args = argv.slice(1);
  const f = flags(args);
  switch (prog) {
    case "rm": {
      const recursive = f.short.has("r") || f.short.has("R") || f.long.has("recursive");
      const force = f.short.has("f") || f.long.has("force");
      return recursive && force ? "rm -rf removes a tree without asking" : undefined;
    }
    case "git": {
      const sub = args.find((a) => !a.startsWith("-"));
      if (
        sub === "push" &&
        (f.short.has("f") ||
          f.long.has("force") ||
          f.long.has("force-with-lease") ||
          args.some((a) => a.startsWith("+")))
      )
        return "git push --force rewrites remote history";
      if (sub === "reset" && f.long.has("hard")) return "git reset --hard discards uncommitted work";
      if (sub === "clean" && (f.short.has("f") || f.long.has("force"))) return "git clean -f deletes untracked files";
      if (sub === "checkout" && args.includes("--") && args.includes(".")) return "git checkout -- . discards changes";
      return undefined;
    }
    case "dd":
      return "dd writes raw blocks";
    case "shred":
      return "shred destroys file contents";
    case "truncate":
      return "truncate cuts files";
    case "chmod":
    case "chown":
      return f.short.has("R") || f.long.has("recursive") ? `${prog} -R changes a whole tree` : undefined;
    default:
      if (/^mkfs(\.|$)/.test(prog)) return `${prog} formats a file system`;
      if (prog === "shutdown" || prog === "reboot" || prog === "halt" || prog === "poweroff")
        return `${prog} stops the machine`;
      return undefined;
  }
}
