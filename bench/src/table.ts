/** Prints rows as an aligned text table with a title. */
export function printTable(title: string, rows: ReadonlyArray<Readonly<Record<string, string>>>): void {
  console.log(`\n${title}`)
  const first = rows[0]
  if (first === undefined) {
    console.log('  (no rows)')
    return
  }
  const columns = Object.keys(first)
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => (row[column] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' | ')} |`
  console.log(line(columns))
  console.log(`|${widths.map((width, i) => (i === 0 ? ':' : '-').padEnd(width + 1, '-') + (i === 0 ? '-' : ':')).join('|')}|`)
  for (const row of rows) console.log(line(columns.map((column) => row[column] ?? '')))
}
