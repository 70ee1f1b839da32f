import type { JsonSchema } from "./api-schema";
import { checkFormat } from "./formats";

/**
 * A generic validator over Proxmox's own schema dialect, with the error texts of
 * pve-common src/PVE/JSONSchema.pm (check_type, check_prop, check_object). Parameters come
 * either as strings (query string, form body) or as JSON values (JSON body).
 */

export type ParamValue = string | number | unknown[] | Record<string, unknown>;
export type Params = Record<string, ParamValue>;

const NOT_IN_SCHEMA = "property is not defined in schema and the schema does not allow additional properties";
const MISSING = "property is missing and it is not optional";

/** Validates and converts request parameters; returns the converted values and an error map. */
export function validateParams(
  schema: JsonSchema | undefined,
  input: Record<string, unknown>,
): { params: Params; errors: Record<string, string> } {
  const properties = schema?.properties ?? {};
  const errors: Record<string, string[]> = {};
  const params: Params = {};
  const add = (key: string, msg: string) => (errors[key] ??= []).push(msg);

  for (const [key, raw] of Object.entries(input)) {
    const prop = propertySchema(properties, key);
    if (!prop) {
      if (!allowsAdditional(schema)) add(key, NOT_IN_SCHEMA);
      else params[key] = raw as ParamValue;
      continue;
    }
    const converted = convertParam(prop, raw);
    if ("error" in converted) {
      add(key, converted.error);
      continue;
    }
    const problems = checkConstraints(prop, converted.value);
    if (problems.length > 0) problems.forEach((p) => add(key, p));
    else params[key] = converted.value;
  }
  for (const [key, prop] of Object.entries(properties)) {
    if (!isOptional(prop) && input[key] === undefined && !key.includes("[n]")) add(key, MISSING);
  }
  return {
    params,
    errors: Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, v.join("\n")])),
  };
}

/** Checks a response value against a `returns` schema; returns readable problems (empty = conforms). */
export function validateResponse(schema: JsonSchema | undefined, value: unknown, at = "data"): string[] {
  if (!schema) return [];
  const problems: string[] = [];
  const type = schema.type;
  if (value === null || value === undefined) {
    if (type !== "null" && type !== undefined) problems.push(`${at}: expected ${type}, got ${value}`);
    return problems;
  }
  switch (type) {
    case "null":
      problems.push(`${at}: expected null`);
      return problems;
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) problems.push(`${at}: expected integer, got ${JSON.stringify(value)}`);
      break;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) problems.push(`${at}: expected number, got ${JSON.stringify(value)}`);
      break;
    case "boolean":
      // Proxmox emits booleans as the numbers 0 and 1 (SectionConfig check_value does `$value + 0`).
      if (value !== 0 && value !== 1) problems.push(`${at}: expected boolean 0/1, got ${JSON.stringify(value)}`);
      break;
    case "string":
      if (typeof value !== "string") problems.push(`${at}: expected string, got ${JSON.stringify(value)}`);
      break;
    case "array":
      if (!Array.isArray(value)) problems.push(`${at}: expected array`);
      else value.forEach((item, i) => problems.push(...validateResponse(schema.items, item, `${at}[${i}]`)));
      return problems;
    case "object":
      if (typeof value !== "object" || Array.isArray(value)) {
        problems.push(`${at}: expected object`);
        return problems;
      }
      problems.push(...checkObject(schema, value as Record<string, unknown>, at));
      return problems;
  }
  if (problems.length === 0) {
    for (const p of checkConstraints(schema, value as ParamValue)) problems.push(`${at}: ${p}`);
  }
  return problems;
}

function checkObject(schema: JsonSchema, value: Record<string, unknown>, at: string): string[] {
  const problems: string[] = [];
  const properties = schema.properties ?? {};
  for (const [key, prop] of Object.entries(properties)) {
    if (!isOptional(prop) && value[key] === undefined && !key.includes("[n]")) problems.push(`${at}.${key}: ${MISSING}`);
  }
  for (const [key, v] of Object.entries(value)) {
    const prop = propertySchema(properties, key);
    if (prop) problems.push(...validateResponse(prop, v, `${at}.${key}`));
    else if (schema.properties && !allowsAdditional(schema, true)) problems.push(`${at}.${key}: ${NOT_IN_SCHEMA}`);
  }
  return problems;
}

/** `scsi0` is described once as `scsi[n]` in apidata.js. */
function propertySchema(properties: Record<string, JsonSchema>, key: string): JsonSchema | undefined {
  const direct = properties[key];
  if (direct) return direct;
  const m = /^([a-z_-]+?)(\d+)$/i.exec(key);
  return m ? properties[`${m[1]}[n]`] : undefined;
}

function isOptional(schema: JsonSchema): boolean {
  return schema.optional === 1 || schema.optional === true;
}

// Parameter objects say `additionalProperties: 0` explicitly; for returned objects an absent
// value means "anything else may appear" (e.g. GET /nodes/{node}/replication only declares `id`).
function allowsAdditional(schema: JsonSchema | undefined, absentMeansAllowed = false): boolean {
  const ap = schema?.additionalProperties;
  if (ap === undefined) return absentMeansAllowed;
  return ap !== 0 && ap !== false;
}

function convertParam(schema: JsonSchema, raw: unknown): { value: ParamValue } | { error: string } {
  const type = schema.type ?? "string";
  const shown = typeof raw === "string" ? raw : JSON.stringify(raw);
  const fail = { error: `type check ('${type}') failed - got '${shown}'` };
  switch (type) {
    case "integer":
      if (typeof raw === "number") return Number.isInteger(raw) ? { value: raw } : fail;
      return typeof raw === "string" && /^-?\d+$/.test(raw) ? { value: Number(raw) } : fail;
    case "number":
      if (typeof raw === "number") return Number.isFinite(raw) ? { value: raw } : fail;
      return typeof raw === "string" && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw) ? { value: Number(raw) } : fail;
    case "boolean":
      // Form and query values must be 1 or 0; a JSON body may carry real booleans.
      if (raw === true || raw === 1 || raw === "1") return { value: 1 };
      if (raw === false || raw === 0 || raw === "0") return { value: 0 };
      return fail;
    case "string":
      if (typeof raw === "string") return { value: raw };
      if (typeof raw === "number") return { value: String(raw) };
      return fail;
    case "array":
      return Array.isArray(raw) ? { value: raw } : typeof raw === "string" ? { value: [raw] } : fail;
    case "object":
      return raw && typeof raw === "object" && !Array.isArray(raw) ? { value: raw as Record<string, unknown> } : fail;
    default:
      return { value: raw as ParamValue };
  }
}

function checkConstraints(schema: JsonSchema, value: ParamValue): string[] {
  const problems: string[] = [];
  if (typeof value === "string") {
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      problems.push(`value may only be ${schema.maxLength} characters long`);
    }
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      problems.push(`value must be at least ${schema.minLength} characters long`);
    }
  }
  if (schema.enum && !schema.enum.includes(String(value))) {
    problems.push(`value '${String(value)}' does not have a value in the enumeration '${schema.enum.join(", ")}'`);
  }
  if (schema.pattern && !compilePattern(schema.pattern).test(String(value))) {
    problems.push("value does not match the regex pattern");
  }
  if (typeof schema.format === "string" && (typeof value === "string" || typeof value === "number")) {
    const err = checkFormat(schema.format, String(value));
    if (err) problems.push(`invalid format - ${err}`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) problems.push(`value must have a minimum value of ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) problems.push(`value must have a maximum value of ${schema.maximum}`);
  }
  return problems;
}

const patternCache = new Map<string, RegExp>();

// Perl patterns are anchored by JSONSchema.pm (`m/^$pattern$/`); `(?^:...)` is Perl's
// default-flags group, which JavaScript spells `(?:...)`.
function compilePattern(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern.replaceAll("(?^:", "(?:")})$`);
    patternCache.set(pattern, re);
  }
  return re;
}
