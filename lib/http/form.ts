/**
 * application/x-www-form-urlencoded with Rails bracket names:
 * `inventory_unit[quantity]=100` -> {inventory_unit: {quantity: "100"}}, `ids[]=1&ids[]=2` -> {ids: ["1","2"]}.
 * Written by hand because @middy/http-urlencode-body-parser reads flat keys only.
 */
const unsafeKeys = new Set(['__proto__', 'constructor', 'prototype']);
const maxDepth = 32;

export type Params = Record<string, unknown>;

/** Splits `a[b][]` into ['a', 'b', '']. */
function keyPath(name: string): string[] {
  const open = name.indexOf('[');
  if (open <= 0) return [name];
  const parts = [name.slice(0, open)];
  const rest = name.slice(open);
  const re = /\[([^[\]]*)\]/y;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = re.exec(rest)) !== null) {
    parts.push(match[1] ?? '');
    consumed = re.lastIndex;
  }
  // Anything left over (`a[b`): treat the whole name as a plain key, as Rack does.
  return consumed === rest.length ? parts : [name];
}

/** Sets `value` at `path` inside `target`, creating objects and arrays on the way. */
export function assignPath(target: Params, path: string[], value: unknown): void {
  if (path.length > maxDepth || path.some((k) => unsafeKeys.has(k))) return;
  let node: Params | unknown[] = target;
  path.forEach((key, i) => {
    const last = i === path.length - 1;
    const next = path[i + 1];
    if (Array.isArray(node)) {
      if (key !== '') return;
      if (last) node.push(value);
      else {
        const child = next === '' ? [] : {};
        node.push(child);
        node = child as Params;
      }
      return;
    }
    if (last) {
      node[key] = value;
      return;
    }
    const existing: unknown = Object.hasOwn(node, key) ? node[key] : undefined;
    const wantArray = next === '';
    if (wantArray ? Array.isArray(existing) : isPlainObject(existing)) {
      node = existing as Params;
    } else {
      const child: Params | unknown[] = wantArray ? [] : {};
      node[key] = child;
      node = child;
    }
  });
}

function isPlainObject(v: unknown): v is Params {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses a query string or form body into nested params. */
export function parseForm(text: string): Params {
  const params: Params = {};
  for (const [name, value] of new URLSearchParams(text)) {
    assignPath(params, keyPath(name), value);
  }
  return params;
}

/** Deep-merges `extra` into `base` (base wins on conflicting leaves); unsafe keys skipped. */
export function mergeParams(base: Params, extra: Params): Params {
  for (const [key, value] of Object.entries(extra)) {
    if (unsafeKeys.has(key)) continue;
    const current: unknown = Object.hasOwn(base, key) ? base[key] : undefined;
    if (current === undefined) base[key] = value;
    else if (isPlainObject(current) && isPlainObject(value)) mergeParams(current, value);
  }
  return base;
}
