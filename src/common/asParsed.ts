import type { z } from "zod";

/**
 * A quick check whether zod would accept a value as it is: true only when `schema.parse(value)`
 * succeeds and gives back a value deep-equal to it (no key stripped, nothing defaulted or
 * transformed). Anything the check does not know (a refinement, a string length, a plain union,
 * an unknown key) makes it say false, and zod decides. Reading a chat of thousands of lines,
 * zod builds a copy of every object and, cold, costs ~0.1 s per 1,000 messages; this walks
 * each value once and copies nothing. It reads zod 4's schema definitions (`_zod.def`): a kind
 * it does not know is left to zod, and asParsed.test.ts holds it to zod's answers.
 */
type Check = (value: unknown) => boolean;

const never: Check = () => false;
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

interface Def {
  type: string;
  checks?: { _zod: { def: { check: string; format?: string; value?: unknown; inclusive?: boolean } } }[];
  [key: string]: unknown;
}
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/** A number's checks that are known: integer, bounds. Anything else: undefined. */
function numberCheck(def: Def): Check | undefined {
  const tests: ((n: number) => boolean)[] = [Number.isFinite];
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    if (d.check === "number_format" && d.format === "safeint") tests.push(Number.isSafeInteger);
    else if ((d.check === "greater_than" || d.check === "less_than") && typeof d.value === "number") {
      const bound = d.value;
      const above = d.check === "greater_than";
      tests.push(d.inclusive ? (n) => (above ? n >= bound : n <= bound) : (n) => (above ? n > bound : n < bound));
    } else return undefined;
  }
  return (v) => typeof v === "number" && tests.every((t) => t(v));
}

/** Optional in an object: the key may be missing. */
const isOptional = (schema: unknown) => defOf(schema).type === "optional";

function compile(schema: unknown): Check {
  const def = defOf(schema);
  // Checks (refinements, lengths, formats) are zod's to run, except a number's well-known ones.
  if (def.checks?.length && def.type !== "number") return never;
  switch (def.type) {
    case "string":
      return (v) => typeof v === "string";
    case "boolean":
      return (v) => typeof v === "boolean";
    case "null":
      return (v) => v === null;
    case "number":
      return numberCheck(def) ?? never;
    case "unknown":
    case "any":
      return () => true;
    case "literal": {
      const values = new Set(def.values as unknown[]);
      return (v) => values.has(v);
    }
    case "enum": {
      const values = new Set(Object.values(def.entries as Record<string, unknown>));
      return (v) => values.has(v);
    }
    case "optional": {
      const inner = compile(def.innerType);
      return (v) => v === undefined || inner(v);
    }
    case "nullable": {
      const inner = compile(def.innerType);
      return (v) => v === null || inner(v);
    }
    case "array": {
      const element = compile(def.element);
      return (v) => Array.isArray(v) && v.every(element);
    }
    case "record": {
      // Keys of any string only (enum keys make zod require each of them).
      const key = defOf(def.keyType);
      if (key.type !== "string" || key.checks?.length) return never;
      const value = compile(def.valueType);
      return (v) => isPlainObject(v) && Object.values(v).every(value);
    }
    case "object": {
      if (def.catchall !== undefined) return never;
      const shape = def.shape as Record<string, unknown>;
      const fields = Object.entries(shape).map(([key, s]) => ({ key, check: compile(s), required: !isOptional(s) }));
      return (v) => {
        if (!isPlainObject(v)) return false;
        // A key zod does not know would be stripped: the value would not come back as it is.
        for (const key of Object.keys(v)) if (!Object.hasOwn(shape, key)) return false;
        for (const f of fields) {
          if (!Object.hasOwn(v, f.key)) {
            if (f.required) return false;
          } else if (!f.check(v[f.key])) return false;
        }
        return true;
      };
    }
    case "union": {
      // Only a discriminated union: a plain one returns the first option that accepts the value
      // (which may strip keys another option knows).
      const discriminator = def.discriminator;
      if (typeof discriminator !== "string") return never;
      const byTag = new Map<unknown, Check>();
      for (const option of def.options as unknown[]) {
        const o = defOf(option);
        const tag = o.type === "object" ? (o.shape as Record<string, unknown>)[discriminator] : undefined;
        if (!tag || defOf(tag).type !== "literal") return never;
        const check = compile(option);
        for (const value of defOf(tag).values as unknown[]) byTag.set(value, check);
      }
      return (v) => isPlainObject(v) && (byTag.get(v[discriminator])?.(v) ?? false);
    }
    default:
      return never;
  }
}

const compiled = new WeakMap<object, Check>();

/**
 * `value` as `schema`'s output: the value itself when the quick check passes, else what
 * `schema.parse` makes of it (throwing its error when it fails).
 */
export function asParsed<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  let check = compiled.get(schema);
  if (!check) {
    check = compile(schema);
    compiled.set(schema, check);
  }
  return check(value) ? (value as z.output<S>) : schema.parse(value);
}
