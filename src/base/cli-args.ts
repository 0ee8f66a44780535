/**
 * Command-line arguments, the one way every `sprintlens` command reads them.
 *
 * A small utility of the bottom layer, so that both the CLI (`src/cli/`) and the dev backend
 * (`dev-backend/`, which may import only `src/base/`) read flags the same way.
 *
 * A command describes its flags in a {@link FlagTable}: switches (no value) and flags with a
 * value, each with a parser that checks the value. {@link readFlags} splits the arguments with
 * `util.parseArgs` and checks everything its strict mode would; a problem is a
 * {@link FlagProblem} naming the flag, which the command turns into its coded error.
 * {@link parseCommandLine} is the shared behaviour: `--help`/`-h` prints the usage and exits 0,
 * a bad argument prints one line (`sprintlens <command>: <code> <flag>: <problem>`) and exits 2.
 */
import { parseArgs } from 'node:util';
import { SprintlensError } from './errors';

/** A flag's value is checked by one of these; it throws a {@link FlagProblem}. */
export type ValueParser<T> = (value: string, flag: string) => T;

/** What is wrong with one argument; each command reports it with its own error code. */
export class FlagProblem extends Error {
  override readonly name = 'FlagProblem';
  constructor(
    /** The flag as written (`--port`), or the stray argument. */
    readonly flag: string,
    /** What is wrong, e.g. `needs a value`, `"x" is not a port number (0..65535)`. */
    readonly problem: string,
  ) {
    super(`${flag}: ${problem}`);
  }
}

/** A bad value: `"<value>" is not <expected>`, the value shown truncated. */
export function badValue(flag: string, value: string, expected: string): FlagProblem {
  const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  return new FlagProblem(flag, `${JSON.stringify(shown)} is not ${expected}`);
}

/** An integer in `min..max`, digits only. */
export function integerValue(min: number, max: number, expected: string): ValueParser<number> {
  return (value, flag) => {
    const parsed = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw badValue(flag, value, expected);
    }
    return parsed;
  };
}

/** A non-negative decimal number in `min..max` (`2`, `0.5`, `.5`). */
export function decimalValue(min: number, max: number, expected: string): ValueParser<number> {
  return (value, flag) => {
    const parsed = /^\d+(\.\d+)?$|^\.\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
      throw badValue(flag, value, expected);
    }
    return parsed;
  };
}

/** The flags of one command. */
export interface FlagTable {
  /** Flags without a value, by name without dashes (`help`), with an optional short form. */
  readonly switches: Readonly<Record<string, { readonly short?: string }>>;
  /** Flags with a value, as written (`--port`), with the parser of their value. */
  readonly values: Readonly<Record<string, ValueParser<unknown>>>;
  /** Flags of {@link values} that may be given more than once (read with `ReadFlags.values`). */
  readonly repeatable?: readonly string[];
  /**
   * Positional arguments the command takes (default none): from `min` to `max` of them;
   * `names` label them in the problem of a missing one (`<file>`).
   */
  readonly positionals?: {
    readonly min: number;
    readonly max: number;
    readonly names: readonly string[];
  };
}

/** The arguments of one command, split and checked for shape (values not parsed yet). */
export class ReadFlags {
  constructor(
    private readonly table: FlagTable,
    private readonly raw: Readonly<Record<string, string | boolean | string[] | undefined>>,
    /** The positional arguments, in order (only when the table takes some). */
    readonly positionals: readonly string[] = [],
  ) {}

  /** Whether a switch was given (by name without dashes). */
  has(name: string): boolean {
    return this.raw[name] === true;
  }

  /** The parsed value of `flag` (`--port`), `undefined` when not given. */
  value<T>(flag: string): T | undefined {
    const raw = this.raw[flag.slice(2)];
    const parse = this.table.values[flag] as ValueParser<T> | undefined;
    return typeof raw === 'string' && parse !== undefined ? parse(raw, flag) : undefined;
  }

  /** Every parsed value of a repeatable `flag`, in order (none given: empty). */
  values<T>(flag: string): T[] {
    const raw = this.raw[flag.slice(2)];
    const parse = this.table.values[flag] as ValueParser<T> | undefined;
    if (parse === undefined || raw === undefined || typeof raw === 'boolean') return [];
    return (typeof raw === 'string' ? [raw] : raw).map((value) => parse(value, flag));
  }
}

/**
 * Splits `args` with `util.parseArgs`, checking what its strict mode would but with messages
 * that name the flag, and one difference: a value may start with a single `-` (`--port -1` is a
 * bad port number, not a missing value), while one starting with `--` is taken for the next flag
 * (`--port --quiet` lacks its value). Positional arguments are refused, unless the table takes
 * some; a flag is refused twice, unless the table says it repeats.
 *
 * @throws FlagProblem for an unknown flag, a missing value, a value given to a switch, a flag
 *   given twice, a stray argument, or a missing positional one.
 */
export function readFlags(args: readonly string[], table: FlagTable): ReadFlags {
  const options = {
    ...Object.fromEntries(
      Object.entries(table.switches).map(([name, spec]) => [
        name,
        spec.short === undefined
          ? ({ type: 'boolean' } as const)
          : ({ type: 'boolean', short: spec.short } as const),
      ]),
    ),
    ...Object.fromEntries(
      Object.keys(table.values).map((flag) => [
        flag.slice(2),
        table.repeatable?.includes(flag) === true
          ? ({ type: 'string', multiple: true } as const)
          : ({ type: 'string' } as const),
      ]),
    ),
  };
  const { values, tokens } = parseArgs({
    args: [...args],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const seen = new Set<string>();
  const positionals: string[] = [];
  const allowed = table.positionals;
  for (const token of tokens) {
    if (token.kind === 'positional') {
      if (allowed === undefined || positionals.length >= allowed.max) {
        throw new FlagProblem(token.value, 'unexpected argument');
      }
      positionals.push(token.value);
      continue;
    }
    if (token.kind === 'option-terminator') throw new FlagProblem('--', 'unknown flag');
    const flag = token.rawName;
    if (seen.has(flag) && table.repeatable?.includes(flag) !== true) {
      throw new FlagProblem(flag, 'given more than once');
    }
    seen.add(flag);
    if (Object.hasOwn(table.switches, token.name)) {
      if (token.value !== undefined) throw new FlagProblem(flag, 'takes no value');
    } else if (!Object.hasOwn(table.values, flag)) {
      throw new FlagProblem(flag, 'unknown flag');
    } else if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) {
      throw new FlagProblem(flag, 'needs a value');
    }
  }
  // A missing positional is not a problem with --help, which needs none.
  if (allowed !== undefined && positionals.length < allowed.min && values.help !== true) {
    const name = allowed.names[positionals.length] ?? 'an argument';
    throw new FlagProblem(name, 'missing');
  }
  return new ReadFlags(table, values, positionals);
}

/** Where a command writes. */
export interface CommandOutput {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}

/** How a command reads its arguments. */
export interface CommandArgs<T extends { readonly help: boolean }> {
  /** The command's name, as typed after `sprintlens` (`doctor`). */
  readonly name: string;
  /** Its usage text, printed for `--help` and `sprintlens help <name>`. */
  readonly usage: string;
  /** Parses the arguments; throws a coded {@link SprintlensError} for a bad one. */
  readonly parse: (args: readonly string[]) => T;
}

/**
 * The behaviour every command shares: parse the arguments; for a bad one, print
 * `sprintlens <name>: <code> <message>` on stderr and return exit status 2; for `--help`, print
 * the usage on stdout and return 0; otherwise return the flags.
 */
export function parseCommandLine<T extends { readonly help: boolean }>(
  command: CommandArgs<T>,
  args: readonly string[],
  output: CommandOutput,
): { readonly flags: T } | { readonly exitCode: 0 | 2 } {
  let flags: T;
  try {
    flags = command.parse(args);
  } catch (error: unknown) {
    if (!(error instanceof SprintlensError)) throw error;
    reportArgumentError(command.name, error, output.err);
    return { exitCode: 2 };
  }
  if (flags.help) {
    output.out.write(command.usage);
    return { exitCode: 0 };
  }
  return { flags };
}

/** Prints a bad argument the one way: `sprintlens[ <command>]: <code> <message>`, one line. */
export function reportArgumentError(
  command: string,
  error: SprintlensError,
  err: NodeJS.WritableStream,
): void {
  err.write(`sprintlens${command === '' ? '' : ` ${command}`}: ${error.code} ${error.message}\n`);
}

/**
 * Runs `parse`, turning a {@link FlagProblem} into the command's coded error.
 */
export function withCodedFlagErrors<T>(
  parse: () => T,
  coded: (flag: string, problem: string) => SprintlensError,
): T {
  try {
    return parse();
  } catch (error: unknown) {
    if (error instanceof FlagProblem) throw coded(error.flag, error.problem);
    throw error;
  }
}
