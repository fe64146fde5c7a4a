/**
 * Schema assertions for tests (runs inside workerd). The validators come from the virtual module
 * generated at config time by test/openapi/plugin.ts from ../shared/openai-openapi.yaml.
 */
import { missingSchemas, validators, type OpenApiValidationError } from 'virtual:openai-schemas';
import type { SchemaName } from './plugin';

export type { SchemaName };

const MAX_ERRORS = 10;

/** The `.../oneOf/N` or `.../anyOf/N` branch prefixes of a schemaPath, outermost first. */
function branchPrefixes(schemaPath: string): string[] {
  const out: string[] = [];
  const re = /\/(?:oneOf|anyOf)\/\d+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(schemaPath))) out.push(schemaPath.slice(0, m.index + m[0].length));
  return out;
}

const isSummary = (e: OpenApiValidationError) => e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if';

/**
 * With allErrors, a failing anyOf/oneOf reports the errors of every branch, which buries the useful
 * ones. Hide the branches that are clearly "the wrong variant" -- their discriminator-like property
 * (`type` / `object` / `role`) mismatched, or they wanted another JSON type (e.g. the `null` branch
 * of a nullable field) -- unless every failing branch of that union is such a branch (then all are
 * kept, e.g. `5` for a string-or-null field). Tagged unions from the spec are already narrowed to
 * one variant at generation time (plugin.ts prepareDiscriminators).
 * Ajv's schemaPath is relative to the validator function, so unions are identified by the branch
 * prefix of the schemaPath plus the instancePath of the value they apply to.
 */
function relevantErrors(errors: OpenApiValidationError[]): { kept: OpenApiValidationError[]; hidden: number } {
  const details = errors.filter((e) => !isSummary(e));
  interface Group {
    union: string;
    at: string;
    wrong: Set<string>;
    failing: Set<string>;
  }
  const groups = new Map<string, Group>();
  for (const e of details) {
    const prefixes = branchPrefixes(e.schemaPath);
    if (!prefixes.length) continue;
    const branch = prefixes[prefixes.length - 1]!;
    const rest = e.schemaPath.slice(branch.length);
    let at: string | undefined;
    if (e.keyword === 'type' && rest === '/type') at = e.instancePath;
    else if ((e.keyword === 'enum' || e.keyword === 'const') && /^\/properties\/(?:type|object|role)\/(?:enum|const)$/.test(rest)) {
      at = e.instancePath.slice(0, e.instancePath.lastIndexOf('/'));
    }
    if (at === undefined) continue;
    const union = branch.slice(0, branch.lastIndexOf('/'));
    const key = `${union}\u0000${at}`;
    const g = groups.get(key) ?? { union, at, wrong: new Set<string>(), failing: new Set<string>() };
    g.wrong.add(branch);
    groups.set(key, g);
  }
  const member = (e: OpenApiValidationError, g: Group): string | undefined => {
    if (!(e.instancePath === g.at || e.instancePath.startsWith(`${g.at}/`))) return undefined;
    return branchPrefixes(e.schemaPath).find((b) => b.slice(0, b.lastIndexOf('/')) === g.union);
  };
  for (const e of details) {
    for (const g of groups.values()) {
      const b = member(e, g);
      if (b) g.failing.add(b);
    }
  }
  const hiding = [...groups.values()].filter((g) => [...g.failing].some((b) => !g.wrong.has(b)));
  const kept = details.filter((e) => !hiding.some((g) => {
    const b = member(e, g);
    return b !== undefined && g.wrong.has(b);
  }));
  if (!kept.length) return { kept: details.length ? details : errors, hidden: 0 };
  return { kept, hidden: details.length - kept.length };
}

function describe(e: OpenApiValidationError): string {
  const where = e.instancePath || '(root)';
  let msg = e.message ?? e.keyword;
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'enum' && Array.isArray(p.allowedValues)) {
    const vals = p.allowedValues.slice(0, 8).map((v) => JSON.stringify(v));
    if (p.allowedValues.length > 8) vals.push(`… ${p.allowedValues.length - 8} more`);
    msg += `: [${vals.join(', ')}]`;
  }
  if (e.keyword === 'additionalProperties' && p.additionalProperty) msg += `: '${String(p.additionalProperty)}'`;
  return `${where} ${msg}  [${e.schemaPath}]`;
}

function preview(data: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(data) ?? String(data);
  } catch {
    s = String(data);
  }
  return s.length > 500 ? `${s.slice(0, 500)}…` : s;
}

/** Validate without throwing; returns readable error lines (empty when valid). */
export function schemaErrors(name: SchemaName, data: unknown): string[] {
  const validate = validators[name];
  if (!validate) {
    const why = missingSchemas.includes(name) ? 'it is not in the OpenAPI document' : 'it was not generated';
    throw new Error(`No validator for OpenAI schema "${name}": ${why} (see test/openapi/plugin.ts SCHEMA_NAMES)`);
  }
  if (validate(data)) return [];

  const all = validate.errors ?? [];
  const { kept: shown, hidden } = relevantErrors(all);
  const lines = shown.slice(0, MAX_ERRORS).map(describe);
  if (shown.length > MAX_ERRORS) lines.push(`… and ${shown.length - MAX_ERRORS} more`);
  if (hidden) lines.push(`(${hidden} error(s) from non-matching anyOf/oneOf branches hidden)`);
  return lines.length ? lines : ['(invalid, but Ajv reported no errors)'];
}

export function isSchemaValid(name: SchemaName, data: unknown): boolean {
  return schemaErrors(name, data).length === 0;
}

/** Throws an Error listing the Ajv errors (instancePath + message) when `data` does not match `name`. */
export function expectSchema(name: SchemaName, data: unknown): void {
  const errors = schemaErrors(name, data);
  if (errors.length) {
    throw new Error(`Response does not match OpenAI schema ${name}:\n  - ${errors.join('\n  - ')}\nvalue: ${preview(data)}`);
  }
}
