// PUT, GET, LIST, REMOVE and COPY INTO on internal stages.
import { closeSync, createReadStream, openSync, readFileSync, readSync } from 'node:fs';
import { pipeline } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { SqlError } from '../../errors.js';
import { columnLabel, CopyError, copyError, csvFormat, fileFormatType, fieldConverter, fileText, CsvStream, readCsv, type CsvRecord, type FieldLocation } from '../formats/csv-reader.js';
import { duckdbTypeOf } from '../formats/datatypes.js';
import { fixedColumn, textColumn } from '../formats/encode.js';
import { doesNotExist, insufficientPrivileges, invalid, StatementType, statusResult, unsupported } from '../formats/messages.js';
import { fileFormatProperty, optionBool, optionText } from '../formats/property-values.js';
import { now, type StageEntry, type TableEntry } from '../model/catalog.js';
import type { Exec } from '../model/core.js';
import { display, type QualifiedName } from '../model/name-resolution.js';
import { httpDate, listStaged, normalisePath, removeStaged, stageFolder, tableStageFolder, type StagedFile } from '../model/stage-folders.js';
import { findTable, tableSecurable } from '../model/tables.js';
import { requireWarehouse } from '../model/warehouses.js';
import type * as ast from '../sql/ast.js';
import { parseNameText, parseStageRef } from '../sql/parser.js';
import { relaxedJsonValues, RelaxedJsonError } from '../sql/relaxed-json.js';
import { quoteIdent } from '../sql/render.js';
import type { Bind, StatementResult } from '../types.js';

interface ResolvedStage {
  path: QualifiedName;
  stage: StageEntry;
  dir: string;
  /** How LIST, REMOVE and the load history name its files: `stage_name/` before a named stage's, nothing before a table stage's. */
  prefix: string;
}

function resolveStage(ex: Exec, ref: ast.StageRef, privilege: 'READ' | 'WRITE'): ResolvedStage {
  if (ref.type === 'user' || !ref.name) throw unsupported('The user stage (@~)');
  if (ref.type === 'table') return resolveTableStage(ex, ref.name);
  const path = ex.scope.qualify(ref.name, privilege === 'READ' ? 'LIST' : 'PUT');
  const schema = ex.scope.schema(path);
  const stage = schema?.stages[path.name];
  const securable = stage && { objectType: 'STAGE' as const, id: stage.id, owner: stage.owner };
  if (!stage || !ex.scope.access.sees(securable!)) throw doesNotExist('Stage', display(path.database, path.schema, path.name));
  // WRITE implies READ on stages.
  if (!ex.scope.access.has(securable!, privilege) && !(privilege === 'READ' && ex.scope.access.has(securable!, 'WRITE')))
    throw insufficientPrivileges('stage', path.name);
  return { path, stage, dir: stageFolder(ex.core.dataDir, stage.folder), prefix: `${stage.name.toLowerCase()}/` };
}

/**
 * @%table: the stage every table has, for its owner only; it goes with the table
 * (https://docs.snowflake.com/en/user-guide/data-load-local-file-system-create-stage).
 */
function resolveTableStage(ex: Exec, name: ast.ObjectName): ResolvedStage {
  const { path, table } = findTable(ex, name, 'PUT');
  if (table.kind === 'VIEW') throw doesNotExist('Table', display(path.database, path.schema, path.name));
  if (!ex.scope.access.owns(tableSecurable(table))) throw insufficientPrivileges('table', path.name);
  const stage: StageEntry = { id: table.id, name: table.name, owner: table.owner, createdOn: table.createdOn, folder: tableStageFolder(table.id), directoryEnabled: false };
  return { path, stage, dir: stageFolder(ex.core.dataDir, stage.folder), prefix: '' };
}

export function put(ex: Exec, stmt: ast.PutStatement): StatementResult {
  const { stage } = resolveStage(ex, stmt.stage, 'WRITE');
  const props = stmt.properties;
  return {
    kind: 'fileTransfer',
    data: {
      command: 'UPLOAD',
      src_locations: [stmt.localPath],
      autoCompress: optionBool(props.AUTO_COMPRESS) ?? true,
      overwrite: optionBool(props.OVERWRITE) ?? false,
      parallel: Number(optionText(props.PARALLEL) ?? 4),
      sourceCompression: (optionText(props.SOURCE_COMPRESSION) ?? 'AUTO_DETECT').toLowerCase(),
      stageInfo: ex.core.stageTransport.stageInfo({ folder: stage.folder, path: normalisePath(stmt.stage.path), write: true }),
      encryptionMaterial: null,
      presignedUrls: [],
      statementTypeId: StatementType.put,
    },
  };
}

export function get(ex: Exec, stmt: ast.GetStatement): StatementResult {
  const { dir, stage } = resolveStage(ex, stmt.stage, 'READ');
  const pattern = optionText(stmt.properties.PATTERN);
  const files = listStaged(dir, stmt.stage.path, pattern);
  return {
    kind: 'fileTransfer',
    data: {
      command: 'DOWNLOAD',
      src_locations: files.map((f) => f.path),
      // As written: the driver resolves a relative path against its own working directory.
      localLocation: stmt.localPath,
      parallel: Number(optionText(stmt.properties.PARALLEL) ?? 4),
      stageInfo: ex.core.stageTransport.stageInfo({ folder: stage.folder, path: '', write: false }),
      encryptionMaterial: [],
      presignedUrls: [],
      statementTypeId: StatementType.put,
    },
  };
}

export function list(ex: Exec, stmt: ast.ListStatement): StatementResult {
  const { dir, prefix } = resolveStage(ex, stmt.stage, 'READ');
  const files = listStaged(dir, stmt.stage.path, stmt.pattern);
  return {
    kind: 'rows',
    columns: [textColumn('name'), fixedColumn('size'), textColumn('md5'), textColumn('last_modified')],
    rows: files.map((f) => [`${prefix}${f.path}`, String(f.size), f.md5, httpDate(f.lastModified)]),
    statementTypeId: StatementType.show,
  };
}

export function remove(ex: Exec, stmt: ast.RemoveStatement): StatementResult {
  const { dir, prefix } = resolveStage(ex, stmt.stage, 'WRITE');
  const files = listStaged(dir, stmt.stage.path, stmt.pattern);
  removeStaged(files);
  return {
    kind: 'rows',
    columns: [textColumn('name'), textColumn('result')],
    rows: files.map((f) => [`${prefix}${f.path}`, 'removed']),
    statementTypeId: StatementType.ddl,
  };
}

/**
 * The driver's stage array binding: past CLIENT_STAGE_ARRAY_BINDING_THRESHOLD binds it PUTs them as
 * CSV files (one row of binds per line, NULL as an empty field, '' as "") into the temporary stage
 * SYSTEM$BIND and sends the statement with `bindStage` instead of binds. Each column becomes a text
 * array bind, converted to its target like any text bind.
 */
export function stageBinds(ex: Exec, text: string): Bind[] {
  const ref = parseStageRef(text);
  if (!ref) throw invalid(`SQL compilation error:\nInvalid bind stage ${text}.`);
  const { dir } = resolveStage(ex, ref, 'READ');
  // The driver writes every value as text: no NULL_IF marker stands for NULL, only an empty unquoted field.
  const format = csvFormat({ FIELD_OPTIONALLY_ENCLOSED_BY: { kind: 'string', value: '"' }, NULL_IF: { kind: 'list', items: [] } });
  const columns: Array<Array<string | null>> = [];
  let rows = 0;
  for (const file of listStaged(dir, ref.path)) {
    readCsv(fileText(readFileSync(file.absolute)), format, (record) => {
      record.fields.forEach((value, i) => {
        const column = (columns[i] ??= new Array<string | null>(rows).fill(null));
        column.push(value);
      });
      rows++;
      for (const column of columns) if (column.length < rows) column.push(null);
    });
  }
  return columns.map((value) => ({ type: 'TEXT', value }));
}

// ── COPY INTO

type OnError = 'ABORT_STATEMENT' | 'SKIP_FILE' | 'CONTINUE';

interface FileLoad {
  file: StagedFile;
  label: string;
  /** Rows this file put into the table. */
  loaded: number;
  parsed: number;
  errors: number;
  firstError?: CopyError;
}

const COPY_COLUMNS = [
  textColumn('file'),
  textColumn('status'),
  fixedColumn('rows_parsed'),
  fixedColumn('rows_loaded'),
  fixedColumn('error_limit'),
  fixedColumn('errors_seen'),
  textColumn('first_error'),
  fixedColumn('first_error_line'),
  fixedColumn('first_error_character'),
  textColumn('first_error_column_name'),
];

export async function copyInto(ex: Exec, stmt: ast.CopyIntoStatement): Promise<StatementResult> {
  if (stmt.source.kind !== 'stage') throw unsupported('COPY INTO … FROM (SELECT …)');
  const { table } = findTable(ex, stmt.table, 'COPY');
  if (table.kind === 'VIEW') throw invalid(`Cannot COPY INTO view '${table.name}'.`);
  if (!ex.scope.access.has(tableSecurable(table), 'INSERT')) throw insufficientPrivileges('table', table.name);
  const source = resolveStage(ex, stmt.source.stage, 'READ');
  requireWarehouse(ex);

  const props = stmt.properties;
  const formatOptions = fileFormatOptions(ex, props.FILE_FORMAT, source.stage);
  const json = fileFormatType(formatOptions) === 'JSON';
  const format = csvFormat(json ? {} : formatOptions);
  const onError = (optionText(props.ON_ERROR) ?? 'ABORT_STATEMENT').toUpperCase() as OnError;
  if (!['ABORT_STATEMENT', 'SKIP_FILE', 'CONTINUE'].includes(onError)) throw unsupported(`ON_ERROR = ${onError}`);
  const matchByName = (optionText(props.MATCH_BY_COLUMN_NAME) ?? 'NONE').toUpperCase();
  if (matchByName !== 'NONE' && matchByName !== 'CASE_INSENSITIVE' && matchByName !== 'CASE_SENSITIVE') throw invalid(`invalid value '${matchByName}' for MATCH_BY_COLUMN_NAME`);
  if (matchByName !== 'NONE' && !format.parseHeader) throw invalid('MATCH_BY_COLUMN_NAME for CSV files requires the file format option PARSE_HEADER = TRUE.');
  const force = optionBool(props.FORCE) ?? false;

  let files = listStaged(source.dir, stmt.source.stage.path, optionText(props.PATTERN));
  const wanted = props.FILES?.kind === 'list' ? props.FILES.items.map((i) => optionText(i) ?? '') : undefined;
  if (wanted) {
    const base = normalisePath(stmt.source.stage.path);
    const prefix = base === '' || base.endsWith('/') ? base : `${base}/`;
    files = files.filter((f) => wanted.some((w) => f.path === `${prefix}${normalisePath(w)}` || f.path === normalisePath(w)));
  }
  const history = (ex.core.state.loadHistory[String(table.id)] ??= {});
  if (!force) files = files.filter((f) => history[f.path]?.md5 !== f.md5);
  if (files.length === 0) return statusResult('Copy executed with 0 files processed.', StatementType.copy);

  const targetColumns = stmt.columns ? stmt.columns.map((c) => columnOf(table, c.name)) : table.columns;
  const copy: CopySettings = { table, columns: targetColumns, format, matchByName, onError };
  const stripOuterArray = optionBool(formatOptions?.STRIP_OUTER_ARRAY) ?? false;
  if (json && matchByName !== 'NONE') throw unsupported('MATCH_BY_COLUMN_NAME with JSON files');
  if (json && (targetColumns.length !== 1 || !['VARIANT', 'OBJECT', 'ARRAY'].includes(targetColumns[0]!.type.toUpperCase())))
    throw new SqlError(
      '002023',
      '22000',
      'SQL compilation error:\nJSON file format can produce one and only one column of type variant, object, or array. Load data into separate columns using the MATCH_BY_COLUMN_NAME copy option or copy with transformation.',
    );
  // One transaction for the whole statement: batches go in as the files are read, and a failure
  // (ON_ERROR = ABORT_STATEMENT, or any other) rolls back all that earlier batches inserted.
  const loads = await ex.core.storage.transaction(async () => {
    const inserter = new BatchInserter(ex, table, targetColumns.map((c) => c.name));
    try {
      const done: FileLoad[] = [];
      for (const file of files) {
        const label = `${source.prefix}${file.path}`;
        done.push(json ? await loadJsonFile(file, label, copy, stripOuterArray, inserter) : await loadFile(file, label, copy, inserter));
      }
      return done;
    } finally {
      await inserter.settle(false);
    }
  });
  for (const load of loads) if (load.loaded > 0 || load.errors === 0) history[load.file.path] = { md5: load.file.md5, loadedOn: now() };
  ex.core.changed();
  return {
    kind: 'rows',
    columns: COPY_COLUMNS,
    rows: loads.map((l) => {
      const status = l.errors === 0 ? 'LOADED' : l.loaded === 0 ? 'LOAD_FAILED' : 'PARTIALLY_LOADED';
      const limit = onError === 'CONTINUE' ? l.parsed : 1;
      const first = l.firstError;
      return [l.label, status, String(l.parsed), String(l.loaded), String(limit), String(l.errors), first?.text ?? null, first ? String(first.at.line) : null, first ? String(first.at.character) : null, first ? columnLabel(first.at) : null];
    }),
    statementTypeId: StatementType.copy,
  };
}

/** FILE_FORMAT = (…) as written, a named format (FORMAT_NAME = '…', or FILE_FORMAT = name), or else the stage's own format. */
function fileFormatOptions(ex: Exec, value: ast.PropertyValue | undefined, stage: StageEntry): ast.Properties | undefined {
  const options = value === undefined ? stage.fileFormat : fileFormatProperty(value);
  const formatName = options?.FORMAT_NAME;
  if (!formatName) return options;
  const name: ast.ObjectName | undefined = formatName.kind === 'identifier' ? formatName.name : formatName.kind === 'string' ? parseNameText(formatName.value) : undefined;
  if (!name) throw invalid('FORMAT_NAME must name a file format.');
  const path = ex.scope.qualify(name, 'COPY');
  const format = ex.scope.schema(path)?.fileFormats?.[path.name];
  if (!format || !ex.scope.access.has({ objectType: 'FILE FORMAT', id: format.id, owner: format.owner }, 'USAGE'))
    throw doesNotExist('File format', display(path.database, path.schema, path.name));
  return format.properties;
}

function columnOf(table: TableEntry, name: string) {
  const column = table.columns.find((c) => c.name === name);
  if (!column) throw new SqlError('000904', '42000', `SQL compilation error: error line 0 at position -1\ninvalid identifier '${name}'`);
  return column;
}

/** What one COPY INTO applies to each of its files. */
interface CopySettings {
  table: TableEntry;
  columns: TableEntry['columns'];
  format: ReturnType<typeof csvFormat>;
  matchByName: string;
  onError: OnError;
}

/**
 * How much COPY holds at a time: rows converted before they go into the table (DuckDB's scratch),
 * and bytes read from a staged file per chunk. Internal; tests make them small to cross batches.
 */
export const copyTuning = { batchRows: 200_000, chunkBytes: 1 << 20 };

async function loadFile(file: StagedFile, label: string, copy: CopySettings, inserter: BatchInserter): Promise<FileLoad> {
  try {
    return await parseFile(file, label, copy, inserter);
  } catch (error) {
    // Errors of the whole file (empty, header) under SKIP_FILE / CONTINUE: the file fails alone.
    // They come before its first row, so none of its rows went in.
    if (!(error instanceof CopyError) || copy.onError === 'ABORT_STATEMENT') throw error;
    await inserter.settle(false);
    return { file, label, loaded: 0, parsed: 0, errors: 1, firstError: error };
  }
}

/** The text of a staged file chunk by chunk, gunzipped when it starts with gzip's magic bytes. */
async function* stagedText(path: string): AsyncGenerator<string> {
  const magic = Buffer.alloc(2);
  const fd = openSync(path, 'r');
  let gzipped: boolean;
  try {
    gzipped = readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
  const bytes = createReadStream(path, { highWaterMark: copyTuning.chunkBytes });
  const source: AsyncIterable<Buffer> = gzipped ? pipeline(bytes, createGunzip({ chunkSize: Math.max(64, copyTuning.chunkBytes) }), () => undefined) : bytes;
  const decoder = new StringDecoder('utf8');
  for await (const chunk of source) yield decoder.write(chunk);
  yield decoder.end();
}

async function parseFile(file: StagedFile, label: string, { table, columns, format, matchByName, onError }: CopySettings, inserter: BatchInserter): Promise<FileLoad> {
  /** Where field `index` of `record` (data row `row`, 1-based) sits, for error messages. */
  const at = (record: Readonly<CsvRecord> | undefined, row: number, index: number, column: string): FieldLocation => ({
    file: file.path,
    line: record?.line ?? 1,
    character: record?.positions[index] ?? 1,
    row,
    table: table.name,
    column,
    columnIndex: index + 1,
  });
  const mismatch = (found: number, expected: number, where: FieldLocation) =>
    copyError(
      '100080',
      '22000',
      `Number of columns in file (${found}) does not match that of the corresponding table (${expected}), use file format option error_on_column_count_mismatch=false to ignore this error`,
      where,
    );

  // Which field feeds each target column: by position, or by header name (read from the first record).
  let fieldFor: number[] = columns.map((_, i) => i);
  let expectedFields = columns.length;
  const readHeader = (header: Readonly<CsvRecord>) => {
    const names = header.fields.map((f) => (f ?? '').trim());
    expectedFields = names.length;
    if (matchByName === 'NONE') return;
    const fold = (s: string) => (matchByName === 'CASE_INSENSITIVE' ? s.toUpperCase() : s);
    fieldFor = columns.map((c) => names.findIndex((n) => fold(n) === fold(c.name)));
    const missing = fieldFor.findIndex((index) => index < 0);
    // A table column the header does not name (a missing column, or a wrong delimiter that makes
    // the whole header one name) fails like Snowflake's column count check.
    if (missing >= 0 && format.errorOnColumnCountMismatch)
      throw mismatch(names.length, columns.length, { ...at(header, 1, Math.min(missing, names.length - 1), columns[missing]!.name), columnIndex: missing + 1 });
  };
  const converters = columns.map(fieldConverter);
  const convertRecord = (record: Readonly<CsvRecord>, row: number) => {
    if (record.fields.length !== expectedFields && format.errorOnColumnCountMismatch) {
      const last = Math.max(0, Math.min(record.fields.length, expectedFields) - 1);
      throw mismatch(record.fields.length, expectedFields, at(record, row, last, columns[Math.min(last, columns.length - 1)]?.name ?? ''));
    }
    return columns.map((column, i) => {
      const index = fieldFor[i]!;
      const value = index < 0 ? null : (record.fields[index] ?? null);
      return converters[i]!(value, () => at(record, row, index < 0 ? i : index, column.name));
    });
  };

  // Rows converted since the last batch went to DuckDB. SKIP_FILE keeps a file's batches in the
  // scratch table until its end (a file with any bad row loads nothing); the others insert each batch.
  let rows: Array<Array<string | null>> = [];
  const skipped = format.skipHeader + (format.parseHeader ? 1 : 0);
  let records = 0;
  let errors = 0;
  let loaded = 0;
  let firstError: CopyError | undefined;
  const skipFile = onError === 'SKIP_FILE';
  const reader = new CsvStream(format, (record) => {
    const index = records++;
    if (index === 0 && format.parseHeader) readHeader(record);
    if (index < skipped) return;
    try {
      const row = convertRecord(record, index - skipped + 1);
      if (!(skipFile && errors > 0)) rows.push(row);
    } catch (error) {
      if (!(error instanceof CopyError) || onError === 'ABORT_STATEMENT') throw error;
      errors++;
      firstError ??= error;
    }
  });
  const flush = async () => {
    if (skipFile && errors > 0) rows = [];
    if (rows.length === 0) return;
    await inserter.append(rows);
    loaded += rows.length;
    rows = [];
    if (!skipFile) await inserter.settle(true);
  };
  for await (const text of stagedText(file.absolute)) {
    reader.push(text);
    if (rows.length >= copyTuning.batchRows) await flush();
  }
  reader.end();
  if (records === 0) throw copyError('100145', '22000', 'Empty file: no header and no rows', at(undefined, 1, 0, columns[0]?.name ?? '')); // number unverified
  await flush();
  // SKIP_FILE: a file with any bad row loads nothing.
  const keep = !(skipFile && errors > 0);
  await inserter.settle(keep);
  return { file, label, loaded: keep ? loaded : 0, parsed: Math.max(0, records - skipped), errors, firstError };
}

/**
 * A JSON file: its values one after another (NDJSON or concatenated), each a row of the one VARIANT
 * column; STRIP_OUTER_ARRAY makes each element of an outer array a row. Read like PARSE_JSON.
 * https://docs.snowflake.com/en/sql-reference/sql/create-file-format (TYPE = JSON)
 */
async function loadJsonFile(file: StagedFile, label: string, { table, columns, onError }: CopySettings, stripOuterArray: boolean, inserter: BatchInserter): Promise<FileLoad> {
  let values: string[];
  try {
    values = relaxedJsonValues(fileText(readFileSync(file.absolute)), stripOuterArray);
  } catch (error) {
    if (!(error instanceof RelaxedJsonError)) throw error;
    if (error.unsupported) throw unsupported(`${error.message} in a JSON file (papi local stores standard JSON)`);
    const failure = copyError('100069', '22P02', error.message, { file: file.path, line: 1, character: 1, row: 1, table: table.name, column: columns[0]!.name, columnIndex: 1 });
    if (onError === 'ABORT_STATEMENT') throw failure;
    return { file, label, loaded: 0, parsed: 0, errors: 1, firstError: failure };
  }
  for (let start = 0; start < values.length; start += copyTuning.batchRows) {
    await inserter.append(values.slice(start, start + copyTuning.batchRows).map((v) => [v]));
    await inserter.settle(true);
  }
  return { file, label, loaded: values.length, parsed: values.length, errors: 0 };
}

let loadCounter = 0;

/**
 * Column `text` (validated number text, see fieldConverter) cast to DuckDB type `type`. DuckDB casts
 * text to a DECIMAL wider than 18 digits some hundred times slower than to one of 18 (seconds for
 * 100,000 values): a value without exponent that fits 18 digits takes the narrow cast, which rounds
 * alike; the others (an exponent is applied after the narrow cast has dropped digits) the wide one.
 */
function castText(text: string, type: string): string {
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(type);
  if (!decimal || Number(decimal[1]) <= 18 || Number(decimal[2]) > 18) return `CAST(${text} AS ${type})`;
  const wide = `CAST(${text} AS ${type})`;
  return `CASE WHEN contains(${text}, 'e') OR contains(${text}, 'E') THEN ${wide} ELSE COALESCE(TRY_CAST(${text} AS DECIMAL(18,${decimal[2]})), ${wide}) END`;
}

/**
 * Rows into the table batch by batch: each batch through a DuckDB appender into a scratch table of
 * text columns, then INSERT … SELECT with casts. Runs inside COPY's transaction.
 */
class BatchInserter {
  private scratch: string | undefined;
  private readonly types: string[];

  constructor(
    private readonly ex: Exec,
    private readonly table: TableEntry,
    private readonly columnNames: string[],
  ) {
    this.types = columnNames.map((name) => duckdbTypeOf(table.columns.find((c) => c.name === name)!.type));
  }

  /** Adds rows to the scratch table (made on first use). */
  async append(rows: Array<Array<string | null>>): Promise<void> {
    const storage = this.ex.core.storage;
    if (this.scratch === undefined) {
      const scratch = `copy_load_${process.pid}_${++loadCounter}`;
      await storage.run(`CREATE TEMP TABLE ${quoteIdent(scratch)} (${this.columnNames.map((_, i) => `c${i} VARCHAR`).join(', ')})`);
      this.scratch = scratch;
    }
    const appender = await storage.raw.createAppender(this.scratch, 'main', 'temp');
    for (const row of rows) {
      for (const cell of row) {
        if (cell === null) appender.appendNull();
        else appender.appendVarchar(cell);
      }
      appender.endRow();
    }
    appender.closeSync();
  }

  /** Moves the scratch table's rows into the table (`keep`) or throws them away; the scratch goes. */
  async settle(keep: boolean): Promise<void> {
    const scratch = this.scratch;
    if (scratch === undefined) return;
    this.scratch = undefined;
    const storage = this.ex.core.storage;
    if (keep)
      await storage.run(
        `INSERT INTO ${quoteIdent(this.table.storage)} (${this.columnNames.map(quoteIdent).join(', ')}) SELECT ${this.types.map((t, i) => castText(`c${i}`, t)).join(', ')} FROM ${quoteIdent(scratch)}`,
      );
    await storage.run(`DROP TABLE IF EXISTS ${quoteIdent(scratch)}`);
  }
}
