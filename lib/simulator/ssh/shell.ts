import type { Simulator } from "../simulator";
import { etcPveCommands } from "./etc-pve";
import { guestCommands } from "./guest-cli";
import { pvecm } from "./pvecm";
import { zfs } from "./zfs-cli";

// A root shell on a simulated node: what `bash -c '<command>'` does when sshd runs an exec request.
// Only the commands a recovery and a failback use exist; anything else answers as bash does for
// an unknown command. The grammar is the part of bash such command lines use: words with quotes,
// `|`, `&&`, `||`, `;`, `# comments`, and the redirections `2>&1`, `>/dev/null`, `2>/dev/null`.

export type CommandOutput = { code: number; stdout: string; stderr: string; /** A `zfs send` stream, for the next command of a pipe. */ stream?: unknown };
export type ShellContext = { sim: Simulator; node: string; stdin?: unknown };
export type Command = (ctx: ShellContext, args: string[]) => CommandOutput | Promise<CommandOutput>;

const COMMANDS: Record<string, Command> = {
  pvecm,
  zfs,
  ...etcPveCommands,
  ...guestCommands,
  true: () => ok(""),
  false: () => ({ code: 1, stdout: "", stderr: "" }),
  echo: (_ctx, args) => ok(`${args.join(" ")}\n`),
  hostname: (ctx) => ok(`${ctx.node}\n`),
  // Real time (a client's command timeout is about real time), at most a minute.
  sleep: async (_ctx, args) => {
    const seconds = Number(args[0]);
    if (!(seconds >= 0)) return fail(`sleep: invalid time interval '${args[0] ?? ""}'\nTry 'sleep --help' for more information.`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(seconds, 60) * 1000));
    return ok("");
  },
};

export const ok = (stdout: string): CommandOutput => ({ code: 0, stdout, stderr: "" });
export const fail = (stderr: string, code = 1): CommandOutput => ({ code, stdout: "", stderr: stderr.endsWith("\n") ? stderr : `${stderr}\n` });

type Token = { op?: "|" | "&&" | "||" | ";"; word?: string; redirect?: "2>&1" | ">null" | "2>null" };

/** Runs one command line; the simulator first catches up with its clock, as a real node lives on. */
export async function runCommandLine(sim: Simulator, node: string, line: string): Promise<CommandOutput> {
  sim.core.sync();
  const tokens = tokenize(line);
  if (typeof tokens === "string") return fail(`bash: -c: line 1: ${tokens}`, 2);
  let stdout = "";
  let stderr = "";
  let code = 0;
  let i = 0;
  let skip = false;
  while (i < tokens.length) {
    const pipeline: Token[][] = [[]];
    for (; i < tokens.length && tokens[i]?.op !== "&&" && tokens[i]?.op !== "||" && tokens[i]?.op !== ";"; i++) {
      const t = tokens[i] as Token;
      if (t.op === "|") pipeline.push([]);
      else pipeline[pipeline.length - 1]?.push(t);
    }
    if (!skip) {
      const out = await runPipeline(sim, node, pipeline);
      stdout += out.stdout;
      stderr += out.stderr;
      code = out.code;
    }
    const op = tokens[i]?.op;
    i++;
    skip = op === "&&" ? code !== 0 : op === "||" ? code === 0 : false;
  }
  return { code, stdout, stderr };
}

async function runPipeline(sim: Simulator, node: string, pipeline: Token[][]): Promise<CommandOutput> {
  let stdin: unknown;
  let stderr = "";
  let last: CommandOutput = ok("");
  for (const [n, simple] of pipeline.entries()) {
    const words = simple.filter((t) => t.word !== undefined).map((t) => t.word as string);
    const redirects = new Set(simple.filter((t) => t.redirect).map((t) => t.redirect));
    const name = words[0];
    if (name === undefined) return fail("bash: -c: line 1: syntax error near unexpected token `|'", 2);
    const command = COMMANDS[name];
    let out = command ? await command({ sim, node, stdin }, words.slice(1)) : fail(`bash: line 1: ${name}: command not found`, 127);
    if (redirects.has("2>&1")) out = { ...out, stdout: out.stdout + out.stderr, stderr: "" };
    if (redirects.has("2>null")) out = { ...out, stderr: "" };
    if (redirects.has(">null")) out = { ...out, stdout: "", stream: undefined };
    stderr += out.stderr;
    stdin = out.stream ?? out.stdout;
    last = out;
    // The state of the last command is the pipeline's (no pipefail), like bash.
    if (n < pipeline.length - 1) continue;
  }
  const stdout = last.stream !== undefined ? "" : last.stdout;
  return { code: last.code, stdout, stderr };
}

/** Splits a command line into words and operators; answers an error text on unbalanced quotes. */
export function tokenize(line: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i] as string;
    if (c === " " || c === "\t" || c === "\n") {
      i++;
      continue;
    }
    // A word that starts with `#` starts a comment to the end of the line (bash's interactive_comments,
    // on for `bash -c`): quotes in it do not count, so "the node's shell" after a `#` is no error.
    if (c === "#") {
      const eol = line.indexOf("\n", i);
      i = eol < 0 ? line.length : eol;
      continue;
    }
    const rest = line.slice(i);
    const redirect = /^(2>&1|2>\s*\/dev\/null|1?>\s*\/dev\/null)/.exec(rest);
    if (redirect) {
      const text = redirect[0];
      tokens.push({ redirect: text === "2>&1" ? "2>&1" : text.startsWith("2") ? "2>null" : ">null" });
      i += text.length;
      continue;
    }
    const op = /^(\|\||&&|\||;)/.exec(rest);
    if (op) {
      tokens.push({ op: op[0] as Token["op"] });
      i += op[0].length;
      continue;
    }
    let word = "";
    while (i < line.length && !/[\s|;&]/.test(line[i] as string)) {
      const ch = line[i] as string;
      if (ch === "'" || ch === '"') {
        const end = line.indexOf(ch, i + 1);
        if (end < 0) return `unexpected EOF while looking for matching \`${ch}'`;
        word += ch === '"' ? line.slice(i + 1, end).replace(/\\(["\\$`])/g, "$1") : line.slice(i + 1, end);
        i = end + 1;
      } else if (ch === "\\" && i + 1 < line.length) {
        word += line[i + 1];
        i += 2;
      } else {
        word += ch;
        i++;
      }
    }
    tokens.push({ word });
  }
  return tokens;
}
