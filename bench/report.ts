/** What `npm run bench` and `npm run faults` print with: rounded figures in Markdown tables. */

const round = (value: number, digits = 2): number =>
  Math.round(value * 10 ** digits) / 10 ** digits;

const table = (title: string, header: string[], body: (string | number)[][]): void => {
  console.log(`\n${title}`);
  const all = [header, ...body.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of all.slice(1)) console.log(line(row));
};

export { round, table };
