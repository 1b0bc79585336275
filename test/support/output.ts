/** Collects everything written to stdout and stderr, for the leak checks and the log assertions. */
interface CapturedOutput {
  text: () => string;
  lines: () => string[];
  restore: () => void;
}

const captureOutput = ({ echo = false }: { echo?: boolean } = {}): CapturedOutput => {
  const chunks: string[] = [];
  const originals = { out: process.stdout.write, err: process.stderr.write };
  const capture =
    (original: typeof process.stdout.write) =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      chunks.push(
        typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'),
      );
      return echo ? original.call(process.stdout, chunk as string, ...(rest as [])) : true;
    };
  process.stdout.write = capture(originals.out) as typeof process.stdout.write;
  process.stderr.write = capture(originals.err) as typeof process.stderr.write;
  return {
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== ''),
    restore: () => {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
};

/** The JSON log lines among the captured output. */
const jsonLines = (lines: string[]): Record<string, unknown>[] =>
  lines.flatMap((line) => {
    try {
      const value: unknown = JSON.parse(line);
      return typeof value === 'object' && value !== null ? [value as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });

export type { CapturedOutput };
export { captureOutput, jsonLines };
