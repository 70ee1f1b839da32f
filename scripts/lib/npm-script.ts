// How an npm script starts Node, read from package.json, so the benchmark and the tests start the
// poller exactly as `npm run poller` does (same loader, flags and environment) instead of keeping
// a copy that can drift from it.
import fs from "node:fs";
import path from "node:path";

export type NodeCommand = {
  /** Leading `NAME=value` assignments. */
  env: Record<string, string>;
  /** Node's own options, before the script (`--import tsx`, `--conditions=react-server`, …). */
  nodeArgs: string[];
  /** The script file, relative to the package root. */
  script: string;
  /** Arguments after the script. */
  args: string[];
};

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
const SCRIPT_FILE = /\.(?:[cm]?[jt]s)$/;

/**
 * Splits `[NAME=value …] node [node options] <file> [args]`. Anything else (a wrapper such as
 * `tsx`, shell operators, quotes) is refused: the caller would no longer start what npm starts.
 */
export function parseNodeCommand(command: string): NodeCommand {
  if (/["'`$;&|<>()\\]/.test(command)) throw new Error(`"${command}" uses shell syntax; expected [NAME=value …] node [options] <file>`);
  const tokens = command.trim().split(/\s+/);
  const env: Record<string, string> = {};
  let i = 0;
  for (let m = ASSIGNMENT.exec(tokens[i] ?? ""); m; m = ASSIGNMENT.exec(tokens[++i] ?? "")) env[m[1]!] = m[2]!;
  if (tokens[i] !== "node") throw new Error(`"${command}" does not start node directly (found "${tokens[i] ?? ""}")`);
  const rest = tokens.slice(i + 1);
  // The script is the first token naming a JS/TS file that is not the value of a preceding option.
  const at = rest.findIndex((t, k) => SCRIPT_FILE.test(t) && !t.startsWith("-") && !(k > 0 && isValueOption(rest[k - 1]!)));
  if (at < 0) throw new Error(`"${command}" names no script file`);
  return { env, nodeArgs: rest.slice(0, at), script: rest[at]!, args: rest.slice(at + 1) };
}

/** Node options whose value is the next token (`--import tsx`, `-r x.js`). */
function isValueOption(token: string): boolean {
  return ["--import", "--require", "-r", "--loader", "--conditions", "-C"].includes(token);
}

/** `scripts[name]` of the package.json in `root`, parsed. */
export function npmScriptCommand(name: string, root = path.resolve(__dirname, "../..")): NodeCommand {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts?: Record<string, string> };
  const command = pkg.scripts?.[name];
  if (!command) throw new Error(`package.json has no "${name}" script`);
  return parseNodeCommand(command);
}
