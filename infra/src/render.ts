import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Fills `${NAME}` placeholders; a placeholder without a value is an error, never an empty string. */
export function renderTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\$\{([A-Z0-9_]+)\}/g, (_placeholder, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template placeholder \${${name}} has no value`);
    return String(value);
  });
}

export function renderFile(from: string, to: string, values: Record<string, string | number>): string {
  mkdirSync(dirname(to), { recursive: true });
  writeFileSync(to, renderTemplate(readFileSync(from, 'utf8'), values));
  return to;
}
