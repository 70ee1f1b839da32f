const TAGS = Symbol.for("pve-standby.error-tags");

type Tagged = { [TAGS]?: readonly string[] };

/**
 * An Error whose `instanceof` checks a stable tag instead of the prototype chain.
 *
 * Next bundles `instrumentation.ts` (which starts the poller and the failover executor) apart
 * from the route handlers, so one server process can hold two copies of a class. Objects shared
 * between them through `globalThis` (the Proxmox client cache, for one) throw errors of the other
 * copy, and a plain `instanceof` would then miss a Proxmox refusal and answer 500. Each subclass
 * declares its own `static tag`; an instance carries the tags of its class and every ancestor.
 */
export class TaggedError extends Error {
  static readonly tag: string = "TaggedError";
  declare readonly [TAGS]: readonly string[];

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    const tags: string[] = [];
    for (let c: unknown = new.target; typeof c === "function" && c !== Error; c = Object.getPrototypeOf(c)) {
      if (Object.hasOwn(c, "tag")) tags.push((c as unknown as { tag: string }).tag);
    }
    Object.defineProperty(this, TAGS, { value: tags, enumerable: false });
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== "object" || value === null) return false;
    return (value as Tagged)[TAGS]?.includes(this.tag) ?? false;
  }
}
