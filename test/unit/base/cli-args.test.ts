import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  FlagProblem,
  decimalValue,
  integerValue,
  parseCommandLine,
  readFlags,
} from '../../../src/base/cli-args';
import type { CommandArgs, FlagTable } from '../../../src/base/cli-args';
import { DOCTOR_COMMAND, DOCTOR_USAGE, parseDoctorFlags } from '../../../src/cli/doctor';
import { DEV_BACKEND_COMMAND } from '../../../dev-backend/cli';
import { DEV_BACKEND_USAGE } from '../../../dev-backend/flags';
import { CliInvalidArgumentError } from '../../../src/base/errors';

const TABLE: FlagTable = {
  switches: { help: { short: 'h' }, quiet: {} },
  values: { '--n': integerValue(1, 10, 'a count (1..10)'), '--r': decimalValue(0, 1, 'a ratio') },
};

function problem(args: string[]): FlagProblem {
  try {
    const read = readFlags(args, TABLE);
    read.value('--n');
    read.value('--r');
  } catch (error: unknown) {
    if (error instanceof FlagProblem) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(args)} to be refused`);
}

function capture() {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  err.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return { out, err, stdout: () => stdout, stderr: () => stderr };
}

describe('readFlags', () => {
  it('reads switches, short forms and both value forms', () => {
    const read = readFlags(['-h', '--n', '3', '--r=.5'], TABLE);
    expect(read.has('help')).toBe(true);
    expect(read.has('quiet')).toBe(false);
    expect(read.value('--n')).toBe(3);
    expect(read.value('--r')).toBe(0.5);
    expect(readFlags([], TABLE).value('--n')).toBeUndefined();
  });

  it.each([
    [['--bogus'], '--bogus', 'unknown flag'],
    [['-x'], '-x', 'unknown flag'],
    [['--'], '--', 'unknown flag'],
    [['stray'], 'stray', 'unexpected argument'],
    [['--n'], '--n', 'needs a value'],
    [['--n', '--quiet'], '--n', 'needs a value'],
    [['--n', '-1'], '--n', '"-1" is not a count (1..10)'],
    [['--n', 'abc'], '--n', '"abc" is not a count (1..10)'],
    [['--n', '2.5'], '--n', '"2.5" is not a count'],
    [['--r', '1.5'], '--r', '"1.5" is not a ratio'],
    [['--quiet=yes'], '--quiet', 'takes no value'],
    [['--n', '1', '--n=2'], '--n', 'given more than once'],
  ])('refuses %j, naming the flag', (args, flag, message) => {
    const found = problem(args);
    expect(found.flag).toBe(flag);
    expect(found.problem).toContain(message);
  });
});

describe('doctor flags', () => {
  it('--timeout in ms, 5000 by default; --help and -h', () => {
    expect(parseDoctorFlags([])).toEqual({ help: false, timeoutMillis: 5000 });
    expect(parseDoctorFlags(['--timeout', '300']).timeoutMillis).toBe(300);
    expect(parseDoctorFlags(['--timeout=250']).timeoutMillis).toBe(250);
    expect(parseDoctorFlags(['--help']).help).toBe(true);
    expect(parseDoctorFlags(['-h']).help).toBe(true);
  });

  it.each([
    [['--timeout', 'abc'], '--timeout: "abc" is not a number of milliseconds (1..600000)'],
    [['--timeout', '0'], '--timeout: "0" is not a number of milliseconds'],
    [['--timeout'], '--timeout: needs a value'],
    [['--bogus'], '--bogus: unknown flag'],
  ])('refuses %j with SL_CLI_INVALID_ARGUMENT', (args, message) => {
    expect(() => parseDoctorFlags(args)).toThrow(CliInvalidArgumentError);
    try {
      parseDoctorFlags(args);
    } catch (error: unknown) {
      const coded = error as CliInvalidArgumentError;
      expect(coded.code).toBe('SL_CLI_INVALID_ARGUMENT');
      expect(coded.message.startsWith(message)).toBe(true);
      expect(coded.message).toContain('sprintlens doctor --help');
    }
  });
});

describe('parseCommandLine: one behaviour for every command', () => {
  const commands: [CommandArgs<{ readonly help: boolean }>, string, string][] = [
    [DOCTOR_COMMAND, DOCTOR_USAGE, 'SL_CLI_INVALID_ARGUMENT'],
    [DEV_BACKEND_COMMAND, DEV_BACKEND_USAGE, 'SL_DEV_BACKEND_INVALID_FLAG'],
  ];
  it.each(commands)(
    '%#: --help prints the usage (0), a bad flag one line (2)',
    (command, usage, code) => {
      for (const help of ['--help', '-h']) {
        const io = capture();
        expect(parseCommandLine(command, [help], io)).toEqual({ exitCode: 0 });
        expect(io.stdout()).toBe(usage);
        expect(io.stderr()).toBe('');
      }
      const io = capture();
      expect(parseCommandLine(command, ['--bogus'], io)).toEqual({ exitCode: 2 });
      expect(io.stdout()).toBe('');
      expect(io.stderr()).toBe(
        `sprintlens ${command.name}: ${code} --bogus: unknown flag. Run \`sprintlens ${command.name} --help\` for the flags.\n`,
      );
      expect('flags' in parseCommandLine(command, [], capture())).toBe(true);
    },
  );
});
