import schemaFile from "./api-schema/pve-api-subset.json";

/** One JSON-schema node as Proxmox writes it (PVE::JSONSchema dialect: `optional`, `format`, `typetext`...). */
export type JsonSchema = {
  type?: string;
  optional?: number | boolean;
  format?: string | Record<string, unknown>;
  pattern?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: number | boolean | JsonSchema;
  items?: JsonSchema;
  requires?: string;
};

export type PermissionSpec = {
  user?: "all" | "world";
  check?: unknown[];
  description?: string;
};

export type EndpointSchema = {
  method: string;
  name: string;
  parameters?: JsonSchema;
  returns?: JsonSchema;
  permissions?: PermissionSpec;
  protected?: number;
  proxyto?: string;
  allowtoken?: number;
};

type SchemaFile = { source: string; paths: Record<string, Record<string, EndpointSchema>> };

const schema = schemaFile as unknown as SchemaFile;

export type MatchedEndpoint = {
  /** The path template, e.g. `/nodes/{node}/replication/{id}/status`. */
  template: string;
  endpoint: EndpointSchema;
  /** URL-decoded values of the `{...}` segments. */
  pathParams: Record<string, string>;
};

type CompiledPath = { template: string; segments: string[]; literalCount: number };

// More literal segments first, so `/cluster/ha/status/current` beats any `{param}` sibling.
const compiled: CompiledPath[] = Object.keys(schema.paths)
  .map((template) => {
    const segments = template.split("/").filter(Boolean);
    return { template, segments, literalCount: segments.filter((s) => !s.startsWith("{")).length };
  })
  .sort((a, b) => b.literalCount - a.literalCount);

export const API_SCHEMA_SOURCE = schema.source;

export function listEndpoints(): { template: string; method: string; endpoint: EndpointSchema }[] {
  return Object.entries(schema.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, endpoint]) => ({ template, method, endpoint })),
  );
}

export function getEndpoint(method: string, template: string): EndpointSchema | undefined {
  return schema.paths[template]?.[method];
}

/** Finds the endpoint for a path below `/api2/json`; undefined means Proxmox would answer 501. */
export function matchEndpoint(method: string, path: string): MatchedEndpoint | undefined {
  const parts = path.split("/").filter(Boolean);
  for (const candidate of compiled) {
    if (candidate.segments.length !== parts.length) continue;
    const pathParams: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const seg = candidate.segments[i] as string;
      const part = parts[i] as string;
      if (seg.startsWith("{")) pathParams[seg.slice(1, -1)] = safeDecode(part);
      else ok = seg === part;
    }
    if (!ok) continue;
    const endpoint = schema.paths[candidate.template]?.[method];
    if (endpoint) return { template: candidate.template, endpoint, pathParams };
  }
  return undefined;
}

/** `decodeURIComponent` that leaves malformed escapes as they are (Proxmox's uri_unescape does not fail). */
export function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
