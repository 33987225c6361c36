import { Box, renderToString, Text } from 'ink';
import { hyperlink } from '../hyperlink.js';
import type { Screen } from './layout.js';
import type { Row } from './text.js';

/** One screen row: its spans, each with its own style; never wider than the screen (layout made sure). */
export function RowView({ row, color = true, links = false }: { row: Row; color?: boolean; links?: boolean }) {
  return (
    <Box height={1}>
      <Text wrap="truncate">
        {row.length === 0
          ? ' '
          : row.map((span, i) => (
              <Text key={i} color={color ? span.style?.color : undefined} bold={span.style?.bold} dimColor={span.style?.dim} inverse={span.style?.inverse}>
                {links && span.style?.link !== undefined ? hyperlink(span.style.link, span.text) : span.text}
              </Text>
            ))}
      </Text>
    </Box>
  );
}

export function RowsView({ rows, columns, color = true, links = false }: { rows: readonly Row[]; columns: number; color?: boolean; links?: boolean }) {
  return (
    <Box flexDirection="column" width={columns}>
      {rows.map((row, i) => (
        <RowView key={i} row={row} color={color} links={links} />
      ))}
    </Box>
  );
}

/** The screen's rows top to bottom: title, pane, status, input. */
export function screenRows(screen: Screen): Row[] {
  return [screen.title, ...screen.pane, screen.status, screen.input];
}

/**
 * Paints rows with Ink, one string (with colour escapes) per terminal row. A pane row is the same object
 * for as long as its entry keeps its wrapping, so each is painted once per width: a frame paints the rows
 * that are new plus the three bars, whatever the scrollback holds.
 */
export class Painter {
  /** False: no colour at all (NO_COLOR); bold, dim and inverse are not colours and stay. */
  readonly #color: boolean;
  /** URLs as OSC 8 hyperlinks (ui/hyperlink.ts hyperlinksWanted decides). */
  readonly #links: boolean;
  #columns = 0;
  #painted = new WeakMap<Row, string>();

  constructor({ color = true, links = false }: { color?: boolean; links?: boolean } = {}) {
    this.#color = color;
    this.#links = links;
  }

  paint(screen: Screen): string[] {
    if (screen.columns !== this.#columns) {
      this.#columns = screen.columns;
      this.#painted = new WeakMap();
    }
    const rows = screenRows(screen);
    const missing = [...new Set(rows.filter((r) => !this.#painted.has(r)))];
    if (missing.length > 0) {
      const lines = renderToString(<RowsView rows={missing} columns={screen.columns} color={this.#color} links={this.#links} />, { columns: screen.columns }).split('\n');
      missing.forEach((row, i) => this.#painted.set(row, lines[i] ?? ''));
    }
    return rows.map((r) => this.#painted.get(r)!);
  }
}
