/**
 * A condition that an item's fields still hold what was read: the version check of a
 * read-merge-write update (a course, part or login PUT), so a concurrent update of another
 * field makes the write fail and the update start over from a fresh read, instead of writing
 * back the old value of that field. A null or absent value read matches an attribute that is
 * absent or NULL. (The content is the version: a field changed and changed back compares
 * equal, and then writing the merge over it is exactly what a fresh read would have written.)
 */
export interface Unchanged {
  condition: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

export function unchanged(fields: Record<string, unknown>, prefix = 'u'): Unchanged {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts = Object.entries(fields).map(([name, value], i) => {
    const n = `#${prefix}${i}`;
    names[n] = name;
    if (value === undefined || value === null) {
      values[`:${prefix}null`] = 'NULL';
      return `(attribute_not_exists(${n}) OR attribute_type(${n}, :${prefix}null))`;
    }
    values[`:${prefix}${i}`] = value;
    return `${n} = :${prefix}${i}`;
  });
  return { condition: parts.join(' AND '), names, values };
}
