/** What every section of `npm run bench` prints with: rounded figures in Markdown-style tables. */

const round = (value: number, digits = 2): number =>
  Math.round(value * 10 ** digits) / 10 ** digits;

const table = (title: string, header: string[], body: (string | number)[][]): void => {
  console.log(`\n${title}`);
  const all = [header, ...body.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i]?.length ?? 0)));
  for (const row of all) {
    console.log(`| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`);
  }
};

export { round, table };
