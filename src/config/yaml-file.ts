// Reads papi.yaml keeping positions, so every problem can name its line. Syntax errors become
// problems (all of them), never exceptions.
import { readFile } from 'node:fs/promises';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import type { Problem } from './problems.js';

export interface YamlFile {
  /** Absolute path. */
  path: string;
  /** How messages name it: `papi.yaml`, relative to the working directory when that is shorter. */
  display: string;
  /** The parsed content (a mapping, or undefined when the file is empty or not a mapping). */
  data: Record<string, unknown> | undefined;
  /** `papi.yaml:12` for a key path, or just `papi.yaml` when the path is not in the file. */
  where(path: readonly string[]): string;
}

export async function readYamlFile(path: string, display: string, problems: Problem[]): Promise<YamlFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    problems.push({ where: display, message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
    return { path, display, data: undefined, where: () => display };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  for (const error of doc.errors) {
    const line = lineCounter.linePos(error.pos[0]).line;
    problems.push({ where: `${display}:${line}`, message: `YAML syntax: ${error.message.split('\n')[0]}` });
  }

  const lineOf = (node: Node | null | undefined): number | undefined =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined;

  const where = (keys: readonly string[]): string => {
    let node: unknown = doc.contents;
    let line = lineOf(doc.contents as Node | null);
    for (const key of keys) {
      if (!isMap(node)) break;
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === key);
      if (!pair) break;
      line = lineOf(pair.key as Node) ?? line;
      node = pair.value;
    }
    return line === undefined ? display : `${display}:${line}`;
  };

  let data: Record<string, unknown> | undefined;
  if (doc.errors.length === 0) {
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined && (typeof value !== 'object' || Array.isArray(value)))
      problems.push({ where: where([]), message: 'expected a mapping of settings (key: value) at the top level' });
    else data = (value ?? undefined) as Record<string, unknown> | undefined;
  }
  return { path, display, data, where };
}
